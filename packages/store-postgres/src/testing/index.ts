// Test helpers for code that runs against PostgreSQL: `@thidua/store-postgres/testing`.

// The test server and the one rule for tests that need it (skip with a reason, or fail loudly in CI).
export { describePostgres, TEST_DATABASE_URL, whyTestPostgresUnavailable } from './postgres-test-server';
// A schema per test file, with its --store URL and a drop for afterAll.
export { createTestSchema, type TestSchema } from './test-schema';
// Faults injected from outside the store, through the pool it is given: delays, transactions held open, lost replies.
export {
  appendsIn,
  createFaultyPool,
  isAppendStatement,
  isProjectionCommitStatement,
  type FaultPlan,
  type Statement,
  type StatementFault,
} from './faulty-pool';
