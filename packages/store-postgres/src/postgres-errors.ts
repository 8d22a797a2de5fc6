import { StoreUnavailableError, withoutCredentials } from '@thidua/eventsourcing';

/** SQLSTATEs of a server that cannot serve now but may soon: connection exceptions, shutdown or restart, no free connection slot, out of resources. */
const TRANSIENT_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-5]|53[0-9A-Z]{3})$/;
/** SQLSTATEs of a store that cannot be used as configured: refused credentials, no such database. */
const LASTING_SQLSTATE = /^(28[0-9A-Z]{3}|3D000)$/;
/** Node's codes for a socket that failed for a passing reason. */
const TRANSIENT_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN']);
/** Node's codes for an address that cannot be reached as written. */
const LASTING_SOCKET = new Set(['ENOTFOUND']);
/** What pg says, without a code, when a connection ends under a query or cannot be had in time. */
const LOST_CONNECTION = /^(Connection terminated( unexpectedly)?|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable)/;

/**
 * `error` as the kernel's {@link StoreUnavailableError} when it says the
 * server could not be reached or went away (transient), or refuses this
 * store for good (lasting: credentials, database); any other error (a
 * constraint, a data error, a bug) unchanged. `store` names the server and
 * schema; a password in it never reaches the message.
 */
export function asStoreError(error: unknown, store: string): unknown {
  if (error instanceof StoreUnavailableError || typeof error !== 'object' || error === null) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  if (typeof code === 'string' && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_SOCKET.has(code))) {
    return new StoreUnavailableError(store, { transient: true, cause: error });
  }
  if (typeof code === 'string' && (LASTING_SQLSTATE.test(code) || LASTING_SOCKET.has(code))) {
    return new StoreUnavailableError(store, { transient: false, cause: error });
  }
  if (code === undefined && LOST_CONNECTION.test(message)) return new StoreUnavailableError(store, { transient: true, cause: error });
  return error;
}

/** Runs `call`, throwing its failure as {@link asStoreError} maps it. */
export async function guarded<T>(store: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asStoreError(error, store);
  }
}

/** How errors name a store: its server without the password, and its schema. */
export function storeLabel(connectionString: string | undefined, schema: string): string {
  return `${connectionString === undefined ? 'postgres (host pool)' : withoutCredentials(connectionString)} schema ${schema}`;
}
