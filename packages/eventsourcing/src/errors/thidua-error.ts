/**
 * Stable machine-readable codes. Callers switch on `code`, never on message
 * text or class identity (classes may be duplicated across bundles).
 */
export type ErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'forbidden'
  | 'rule_violated'
  | 'concurrency'
  | 'corrupt_log'
  | 'timeout'
  | 'projection_failed'
  | 'projection_outdated'
  | 'store_unavailable'
  | 'duplicate_event_id'
  | 'command_id_reused'
  | 'invalid_anchor'
  | 'invalid_key'
  | 'unsupported'
  | 'append_too_large'
  | 'stream_deleted';

const RESERVED = new Set(['code', 'details', 'message', 'name', 'stack', 'cause']);

/** Base of every error thidua throws on purpose. */
export class ThiduaError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ThiduaError';
    this.code = code;
    this.details = details;
    // Details are also readable as properties (`error.streamId`), except names the base class owns.
    for (const [key, value] of Object.entries(details)) {
      if (!RESERVED.has(key)) Object.defineProperty(this, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }

  /** A plain object safe to log or send over the wire (bigints as strings). */
  toJSON(): Record<string, unknown> {
    return JSON.parse(
      JSON.stringify({ code: this.code, message: this.message, ...this.details }, (_k, v: unknown) =>
        typeof v === 'bigint' ? v.toString() : v,
      ),
    ) as Record<string, unknown>;
  }
}

/** True when `error` is a thidua error, optionally of the given code. */
export function isThiduaError(error: unknown, code?: ErrorCode): error is ThiduaError {
  return (
    error instanceof Error &&
    typeof (error as Partial<ThiduaError>).code === 'string' &&
    (error as ThiduaError).name.endsWith('Error') &&
    'details' in error &&
    (code === undefined || (error as ThiduaError).code === code)
  );
}
