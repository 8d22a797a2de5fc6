import { isThiduaError, type ErrorCode } from '@thidua/eventsourcing';

/** Problems that exist only at the HTTP edge (the library never throws them). */
export type HttpRequestErrorCode = 'method_not_allowed' | 'payload_too_large' | 'unsupported_media_type';

/**
 * A request the HTTP layer refuses before thidua sees it: wrong method, body
 * too large, not JSON. The library's own refusals stay `ThiduaError`s.
 */
export class HttpRequestError extends Error {
  readonly code: HttpRequestErrorCode;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: HttpRequestErrorCode, status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpRequestError';
    this.code = code;
    this.status = status;
    this.headers = headers;
  }
}

/**
 * The HTTP status of each thidua error code. The choices where HTTP leaves
 * room, and why:
 * - `rule_violated` is 422, not 409: the request was understood and is
 *   well-formed, but a business rule refuses it, and sending it again will be
 *   refused again until something else changes. 409 is kept for conflicts a
 *   retry can resolve.
 * - `concurrency` is 409: the command handler already retried (reloading the
 *   stream each time) and still lost the race; re-sending the same command
 *   (same `commandId`) is safe, since commands are idempotent.
 * - `timeout` is 504: a read-your-writes wait (`?waitFor=`) ran out before the
 *   projections reached the position; the write is durable, the read model is
 *   just behind. Retry the read.
 */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  validation_failed: 400,
  forbidden: 403,
  not_found: 404,
  concurrency: 409,
  rule_violated: 422,
  timeout: 504,
  corrupt_log: 500,
  projection_failed: 500,
  // This replica runs older projection code than the stored read models: another replica serves them.
  projection_outdated: 503,
  // The store could not be reached or failed: nothing is known to be wrong with the request.
  store_unavailable: 503,
  // An event id already taken in the log: the request itself is at fault, a re-send changes nothing.
  duplicate_event_id: 409,
  // The commandId was already used for another command: send the new command with a new commandId.
  command_id_reused: 409,
};

/** A response for an error: status, extra headers, and the JSON body `{ error: { code, message, … } }`. */
export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: Record<string, unknown> };
}

/**
 * Turns anything thrown while handling a request into a response. Thidua
 * errors keep their stable `code` and details (the zod `issues` of a
 * validation failure, the `rule` of a rule violation); anything else is a
 * 500 whose message is not leaked.
 */
export function errorResponse(error: unknown): ErrorResponse {
  if (error instanceof HttpRequestError) {
    return { status: error.status, headers: { ...error.headers }, body: { error: { code: error.code, message: error.message } } };
  }
  if (isThiduaError(error)) {
    const status = STATUS_BY_CODE[error.code] ?? 500;
    const headers: Record<string, string> = error.code === 'timeout' ? { 'retry-after': '1' } : {};
    if (status === 500) return internal(error.code);
    return { status, headers, body: { error: error.toJSON() } };
  }
  return internal('internal');
}

function internal(code: string): ErrorResponse {
  return { status: 500, headers: {}, body: { error: { code, message: 'Internal error; see the server log' } } };
}
