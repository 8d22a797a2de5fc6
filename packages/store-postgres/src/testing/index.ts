// Test helpers for code that runs against PostgreSQL: `@thidua/store-postgres/testing`.
export { describePostgres, TEST_DATABASE_URL, whyTestPostgresUnavailable } from './postgres-test-server';
