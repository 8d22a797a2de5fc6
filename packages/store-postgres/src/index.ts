/**
 * @packageDocumentation
 * PostgreSQL adapters for thidua: the event store (gap-free, dense global
 * order; per-stream hash chains), the projection store (documents and
 * checkpoint committed together) and projection leases (one replica runs
 * each projection). All create or upgrade their schema on first use and
 * accept either a connection string or the host's `pg.Pool`.
 */

// The event store and its options.
export { createPostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';
// The projection store and its options.
export { createPostgresProjectionStore, type PostgresProjectionStoreOptions } from './postgres-projection-store';
// Leases, so that replicas sharing the database run each projection in one of them at a time.
export {
  createPostgresProjectionLeases,
  type PostgresProjectionLeases,
  type PostgresProjectionLeasesOptions,
} from './postgres-projection-leases';
// Connection options shared by all three, and the schema they maintain (for operators and upgrade checks).
export { DEFAULT_SCHEMA, SCHEMA_VERSION, ensureSchema, type PostgresConnectionOptions } from './schema';
