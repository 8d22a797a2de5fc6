/**
 * @packageDocumentation
 * The SQLite event store and projection store of thidua (better-sqlite3):
 * the durable embedded default. See `docs/stores.md`.
 */

// The event store: `createEventStore` over a SQLite driver.
export { createSqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';
// Projection documents and checkpoints, committed together.
export { createSqliteProjectionStore, type SqliteProjectionStoreOptions } from './sqlite-projection-store';
// Leases, so that processes sharing one file run each projection in one of them at a time.
export {
  createSqliteProjectionLeases,
  type SqliteProjectionLeases,
  type SqliteProjectionLeasesOptions,
} from './sqlite-projection-leases';
// Where a store lives (path, `sqlite:` URL, `:memory:` or a host's Database) and how durable its commits are.
export { sqliteFilename, type SqliteConnectionOptions } from './connection';
// The schema version this package writes, for hosts that check before opening.
export { SQLITE_SCHEMA_VERSION } from './schema';
