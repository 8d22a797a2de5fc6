import { isThiduaError } from '../errors/thidua-error';
import { INTERNAL_PROBLEM_CODE, INTERNAL_PROBLEM_TYPE, problemTypeOf, type ProblemType } from './problem-types';

/** The media type of a problem details body (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The default start of every problem `type` URI: `urn:thidua:problem:<code>`. */
export const DEFAULT_PROBLEM_TYPE_BASE = 'urn:thidua:problem:';

/**
 * A problem details object (RFC 9457): the standard members, the stable
 * `code` the error carries, and extension members from the error's details
 * (`rule`, `issues`, `streamId`, …) when its type discloses them.
 */
export interface ProblemDetails {
  /** `<typeBase><code>`: the problem type's identifier. */
  type: string;
  title: string;
  /** The HTTP status, repeated for clients that lose the response's own. */
  status: number;
  /** What went wrong this time, for a human. */
  detail: string;
  /** This occurrence, when the caller named it (a request id, say). */
  instance?: string;
  /** The error's stable code (`rule_violated`, …); `internal` for anything else. */
  code: string;
  /** Extension members. */
  [member: string]: unknown;
}

/** Options of {@link toProblemDetails}, {@link problemResponse} and {@link createProblemDetails}. */
export interface ProblemDetailsOptions {
  /**
   * The URI reference of this occurrence (RFC 9457 `instance`), e.g.
   * `urn:uuid:<request id>` written beside the error in the server log.
   */
  instance?: string;
  /**
   * Start of the `type` URIs (default {@link DEFAULT_PROBLEM_TYPE_BASE}). A
   * host that publishes a page per problem type sets its URL here, e.g.
   * `https://api.example.org/problems/`.
   */
  typeBase?: string;
}

/** What an HTTP host sends for an error: status, headers and the body to serialise as JSON. */
export interface ProblemResponse {
  status: number;
  /** `content-type: application/problem+json`, and `retry-after` when trying again later may succeed. */
  headers: Record<string, string>;
  body: ProblemDetails;
}

/**
 * Members an extension may not take: the standard ones keep their meaning
 * whatever an error's details say, and a `stack` or `cause` never travels.
 */
const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'message', 'stack', 'cause']);

/**
 * Turns anything thrown while handling a request into RFC 9457 problem
 * details, by the error's stable `code` (statuses in `PROBLEM_TYPES`).
 *
 * A refusal of the request (validation, not found, forbidden, a rule, a
 * conflict, a wait that ran out) keeps its message as `detail` and its
 * details as extension members (`issues`, `rule`, `streamId`, …). A fault of
 * the server (`corrupt_log`, `projection_failed`, `store_unavailable`, …), a
 * code this table does not know, and anything that is not a thidua error get
 * a generic `detail` and no extension but `code`: no stack, no cause, no
 * message of an unexpected error reaches the client. Log the error itself
 * on the server, under the same `instance`.
 *
 * @example
 * try { … } catch (error) {
 *   const problem = toProblemDetails(error, { instance: `urn:uuid:${randomUUID()}` });
 *   response.writeHead(problem.status, { 'content-type': PROBLEM_CONTENT_TYPE }).end(JSON.stringify(problem));
 * }
 */
export function toProblemDetails(error: unknown, options: ProblemDetailsOptions = {}): ProblemDetails {
  if (!isThiduaError(error)) return internalProblem(options);
  const code: unknown = error.code;
  const type = typeof code === 'string' ? problemTypeOf(code) : INTERNAL_PROBLEM_TYPE;
  if (type === INTERNAL_PROBLEM_TYPE || typeof code !== 'string') return internalProblem(options);
  if (!type.discloses) return problem(code, type, type.genericDetail, {}, options);
  return problem(code, type, typeof error.message === 'string' && error.message !== '' ? error.message : type.genericDetail, disclosedDetails(error), options);
}

/**
 * {@link toProblemDetails} with what an HTTP response needs beside the body:
 * its status, `content-type: application/problem+json`, and `retry-after`
 * (in seconds, default 1) for the codes where trying again later may
 * succeed (`store_unavailable`, `projection_outdated`, `timeout`).
 *
 * @example
 * const { status, headers, body } = problemResponse(error);
 * response.writeHead(status, headers).end(JSON.stringify(body));
 */
export function problemResponse(error: unknown, options: ProblemDetailsOptions & { retryAfterSeconds?: number } = {}): ProblemResponse {
  const { retryAfterSeconds = 1, ...problemOptions } = options;
  const body = toProblemDetails(error, problemOptions);
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE };
  if (problemTypeOf(body.code).retryLater) headers['retry-after'] = String(retryAfterSeconds);
  return { status: body.status, headers, body };
}

/**
 * Problem details for a problem of the HTTP host's own (an unknown route, a
 * missing token, too large a body), so that every error response of the
 * host has the same shape as those {@link toProblemDetails} makes. Extension
 * members named like a standard member are left out.
 *
 * @example
 * createProblemDetails({ code: 'unauthenticated', status: 401, title: 'Unauthenticated', detail: 'Send a bearer token' });
 */
export function createProblemDetails(
  init: { code: string; status: number; title: string; detail: string; extensions?: Readonly<Record<string, unknown>> },
  options: ProblemDetailsOptions = {},
): ProblemDetails {
  const { code, status, title, detail } = init;
  return problem(code, { status, title }, detail, withoutStandardMembers(init.extensions ?? {}), options);
}

function internalProblem(options: ProblemDetailsOptions): ProblemDetails {
  return problem(INTERNAL_PROBLEM_CODE, INTERNAL_PROBLEM_TYPE, INTERNAL_PROBLEM_TYPE.genericDetail, {}, options);
}

function problem(
  code: string,
  type: Pick<ProblemType, 'status' | 'title'>,
  detail: string,
  extensions: Readonly<Record<string, unknown>>,
  options: ProblemDetailsOptions,
): ProblemDetails {
  return {
    type: `${options.typeBase ?? DEFAULT_PROBLEM_TYPE_BASE}${code}`,
    title: type.title,
    status: type.status,
    detail,
    ...(options.instance === undefined ? {} : { instance: options.instance }),
    code,
    ...extensions,
  };
}

/**
 * The error's details as JSON (bigints as decimal strings, as the error's
 * own `toJSON` gives them), less the standard members. Details that cannot
 * be serialised are dropped rather than failing the response.
 */
function disclosedDetails(error: { toJSON?: unknown; details?: unknown }): Record<string, unknown> {
  let json: unknown;
  try {
    json = typeof error.toJSON === 'function' ? (error.toJSON as () => unknown).call(error) : error.details;
  } catch {
    return {};
  }
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? withoutStandardMembers(json as Record<string, unknown>) : {};
}

function withoutStandardMembers(members: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(members)) {
    // `__proto__` as an own key (from JSON) would become the prototype of the spread object, not a member.
    if (!STANDARD_MEMBERS.has(name) && name !== '__proto__') kept[name] = value;
  }
  return kept;
}
