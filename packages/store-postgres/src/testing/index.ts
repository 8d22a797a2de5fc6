// Test helpers for code that runs against PostgreSQL: `@thidua/store-postgres/testing`.
export { describePostgres, TEST_DATABASE_URL, whyTestPostgresUnavailable } from './postgres-test-server';
// A schema per test file, with its --store URL and a drop for afterAll.
export { createTestSchema, type TestSchema } from './test-schema';
