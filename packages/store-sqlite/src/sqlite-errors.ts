import { StoreUnavailableError } from '@thidua/eventsourcing';

/**
 * The SQLite result code of an error (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`…).
 * By code, not `instanceof`: the native addon keeps the error class of the
 * first copy of better-sqlite3 loaded in the process, so errors reaching a
 * second copy (bundles, test runners' per-file module registries and realms)
 * are instances of neither its SqliteError nor its Error.
 */
export function sqliteErrorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Another connection holds the lock this one waited for (past its busy timeout): trying later may succeed. */
const TRANSIENT = /^SQLITE_(BUSY|LOCKED)(_|$)/;
/** The file cannot serve as a store: missing folder, no permission, not a database, disk full or failing. */
const LASTING = /^SQLITE_(CANTOPEN|NOTADB|READONLY|IOERR|FULL|CORRUPT|PERM|AUTH)(_|$)/;

/**
 * `error` as the kernel's {@link StoreUnavailableError} when it says the
 * store cannot be used right now (transient) or at all (lasting); any other
 * error (a constraint, a bug) unchanged. `store` names the file.
 */
export function asStoreError(error: unknown, store: string): unknown {
  const code = sqliteErrorCode(error);
  if (code === undefined) return error;
  if (TRANSIENT.test(code)) return new StoreUnavailableError(store, { transient: true, cause: error });
  if (LASTING.test(code)) return new StoreUnavailableError(store, { transient: false, cause: error });
  return error;
}

/** Runs one synchronous database call, throwing its failure as {@link asStoreError} maps it. */
export function guarded<T>(store: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw asStoreError(error, store);
  }
}
