import { isThiduaError, ThiduaError } from './thidua-error';

/**
 * The store could not be reached, or failed in a way that says nothing about
 * the request itself: a refused or dropped connection, a server restarting,
 * a file that cannot be opened. Stores wrap their driver's failures into it,
 * so callers need not know each driver's error shapes: projection runners
 * retry the `transient` ones, the CLI exits with code 3 for all of them.
 *
 * For an append, the outcome of a transient failure is unknown (the write may
 * have committed before the reply was lost); sending the same events again
 * is safe, since a re-append of events already in place appends nothing.
 */
export class StoreUnavailableError extends ThiduaError {
  /** Which store: its name or URL, with any password removed (see {@link withoutCredentials}). */
  readonly store: string;
  /** True when trying again later may succeed (a dropped connection, a restart); false for a lasting cause (a bad path, refused credentials). */
  readonly transient: boolean;

  constructor(store: string, options: { transient: boolean; cause?: unknown; message?: string }) {
    const named = withoutCredentials(store);
    const reason = options.message ?? causeText(options.cause);
    super(
      'store_unavailable',
      `Store ${named} is unavailable${reason ? `: ${reason}` : ''}`,
      { store: named, transient: options.transient },
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'StoreUnavailableError';
    this.store = named;
    this.transient = options.transient;
  }
}

/**
 * Node's own codes for a socket that failed for a passing reason. A store
 * should wrap these into {@link StoreUnavailableError}; they are recognised
 * raw too, so an unwrapped one does not stop a projection runner for good.
 */
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTCONN',
  'EAI_AGAIN',
]);

/**
 * SQLSTATE codes (the SQL standard's, as SQL drivers report them in `code`)
 * of a failure that wrote nothing and may pass: class 08 (connection
 * exception), an administrator or crash shutdown, a server that cannot
 * accept connections yet, too many connections, a serialization failure or
 * a deadlock victim.
 */
const TRANSIENT_SQLSTATES = /^(08[0-9A-Z]{3}|57P0[123]|53300|40001|40P01)$/;

/**
 * True when `error` is a store failure that trying again may cure: a
 * {@link StoreUnavailableError} marked `transient`, or one of the raw
 * network and SQLSTATE codes a store may let through for a dropped
 * connection. False for everything else, refusals and bugs included.
 */
export function isTransientStoreError(error: unknown): boolean {
  if (isThiduaError(error)) return error.code === 'store_unavailable' && (error as { transient?: unknown }).transient === true;
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (TRANSIENT_SYSTEM_CODES.has(code) || TRANSIENT_SQLSTATES.test(code));
}

/**
 * `store` with any password removed, so an error message or a log line
 * never carries one: the `user:password@` of a URL becomes `user@`, and a
 * `password=` query parameter is dropped. Anything else (a file path, a
 * store name) is returned unchanged.
 *
 * @example
 * withoutCredentials('postgres://app:s3cret@db:5432/thidua?password=x&ssl=true'); // 'postgres://app@db:5432/thidua?ssl=true'
 */
export function withoutCredentials(store: string): string {
  return store
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*):[^/?#\s]*@/gi, '$1@')
    .replace(/([?&])password=[^&#\s]*(&?)/gi, (_match, separator: string, next: string) => (next ? separator : ''))
    .replace(/[?&]$/, '');
}

function causeText(cause: unknown): string {
  // Duck-typed, not `instanceof Error`: an error made in another realm (a vm context, a jest sandbox) is still an error.
  const message = typeof cause === 'object' && cause !== null ? (cause as { message?: unknown }).message : undefined;
  if (typeof message === 'string') return withoutCredentials(message);
  return cause === undefined ? '' : withoutCredentials(String(cause));
}
