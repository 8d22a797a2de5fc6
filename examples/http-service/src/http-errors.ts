import { createProblemDetails, PROBLEM_CONTENT_TYPE, problemResponse, type ProblemResponse } from '@thidua/eventsourcing/problem-details';

/** Problems that exist only at the HTTP edge (the library never throws them). */
export type HttpRequestErrorCode = 'method_not_allowed' | 'payload_too_large' | 'unsupported_media_type' | 'unauthenticated';

const TITLES: Readonly<Record<HttpRequestErrorCode, string>> = {
  method_not_allowed: 'Method not allowed',
  payload_too_large: 'Request body too large',
  unsupported_media_type: 'Unsupported media type',
  unauthenticated: 'Unauthenticated',
};

/**
 * A request the HTTP layer refuses before thidua sees it: no valid token,
 * wrong method, body too large, not JSON. The library's own refusals stay
 * `ThiduaError`s.
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
 * The response for anything thrown while handling a request, as RFC 9457
 * problem details (`application/problem+json`): thidua errors through
 * `problemResponse` of `@thidua/eventsourcing/problem-details` (its status
 * per code; server faults and unexpected errors as a generic 500 or 503 that
 * discloses nothing), the HTTP layer's own refusals in the same shape.
 * `instance` names this occurrence, so the server log can say which
 * response an error it logs belongs to.
 */
export function problemFor(error: unknown, instance: string): ProblemResponse {
  if (error instanceof HttpRequestError) {
    const body = createProblemDetails({ code: error.code, status: error.status, title: TITLES[error.code], detail: error.message }, { instance });
    return { status: error.status, headers: { ...error.headers, 'content-type': PROBLEM_CONTENT_TYPE }, body };
  }
  return problemResponse(error, { instance });
}
