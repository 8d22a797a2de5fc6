import { isThiduaError, StoreUnavailableError } from '@thidua/eventsourcing';

/*
 * Which raw driver failures mean "the store could not be reached or failed"
 * (exit code 3) rather than a bug (exit code 1). Stores wrap most of them
 * into the kernel's StoreUnavailableError themselves; these lists catch what
 * a driver lets through, so a user always gets the store named, never a bare
 * "connect ECONNREFUSED".
 */

/** Node's socket and name-resolution failures. */
const SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTCONN',
  'EPIPE',
]);
/** The ones that may pass by themselves (a restart, a dropped connection); a wrong host name does not. */
const TRANSIENT_SYSTEM_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EAI_AGAIN', 'ETIMEDOUT', 'ENOTCONN', 'EPIPE']);

/**
 * SQLSTATE classes of a server that cannot serve: 08 connection exception,
 * 28 refused credentials, 3D000 no such database, 53 out of resources,
 * 57P0x shutting down or starting, 58 system error.
 */
const SQLSTATE = /^(08[0-9A-Z]{3}|28[0-9A-Z]{3}|3D000|53[0-9A-Z]{3}|57P0[1-4]|58[0-9A-Z]{3})$/;
const TRANSIENT_SQLSTATE = /^(08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[1-4])$/;

/** better-sqlite3's codes for a file that cannot be opened, read or written as a database. */
const SQLITE_CODE = /^SQLITE_(CANTOPEN|NOTADB|CORRUPT|IOERR|FULL|READONLY|PERM|AUTH|BUSY|LOCKED)(_[A-Z_]+)?$/;

/** Messages of failures that carry no code: pg's lost connections, better-sqlite3's missing directory. */
const MESSAGE =
  /^(Connection terminated|connection timeout|timeout expired|Cannot open database because the directory does not exist|Client has encountered a connection error)/i;

/** The EventStoreDB / KurrentDB client's error types for a server it cannot use. */
const ESDB_TYPES = new Set(['unavailable', 'deadline-exceeded', 'not-leader', 'access-denied', 'cancelled']);

function codeOf(error: object): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * `error` as the typed failure of the store `store` (named without its
 * password), or null when it is something else: a refusal, a usage error,
 * a bug. A {@link StoreUnavailableError} from a store passes through as it is.
 */
export function asStoreFailure(error: unknown, store: string): StoreUnavailableError | null {
  if (isThiduaError(error)) return isThiduaError(error, 'store_unavailable') ? (error as StoreUnavailableError) : null;
  if (typeof error !== 'object' || error === null) return null;
  const code = codeOf(error);
  const type = (error as { type?: unknown }).type;
  const message = typeof (error as { message?: unknown }).message === 'string' ? (error as { message: string }).message : '';
  if (code !== undefined && SYSTEM_CODES.has(code)) {
    return new StoreUnavailableError(store, { transient: TRANSIENT_SYSTEM_CODES.has(code), cause: error });
  }
  if (code !== undefined && SQLSTATE.test(code)) {
    return new StoreUnavailableError(store, { transient: TRANSIENT_SQLSTATE.test(code), cause: error });
  }
  if (code !== undefined && SQLITE_CODE.test(code)) {
    return new StoreUnavailableError(store, { transient: /^SQLITE_(BUSY|LOCKED)/.test(code), cause: error });
  }
  if (typeof type === 'string' && ESDB_TYPES.has(type)) {
    return new StoreUnavailableError(store, { transient: type !== 'access-denied', cause: error });
  }
  if (MESSAGE.test(message)) return new StoreUnavailableError(store, { transient: !/directory/.test(message), cause: error });
  // Node reports a failed connection to a name with several addresses (localhost: ::1 and 127.0.0.1) as one AggregateError.
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const failure = asStoreFailure(inner, store);
      if (failure) {
        const reason = typeof (inner as { message?: unknown })?.message === 'string' ? (inner as { message: string }).message : String(inner);
        return new StoreUnavailableError(store, { transient: failure.transient, cause: error, message: reason });
      }
    }
  }
  return null;
}
