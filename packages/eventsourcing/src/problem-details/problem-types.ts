import type { ErrorCode } from '../errors/thidua-error';

/** How one error code is answered over HTTP. */
export interface ProblemType {
  /** The HTTP status of the response. */
  readonly status: number;
  /** A short summary of the problem type: the same for every occurrence (RFC 9457 `title`). */
  readonly title: string;
  /**
   * Whether the error's own message and details reach the client. True for
   * refusals of the request (what the caller sent or may do: the message is
   * written for it); false for faults of the server, whose messages name
   * streams, stores or causes that are none of the caller's business.
   */
  readonly discloses: boolean;
  /** The `detail` sent when the error's message is not disclosed. */
  readonly genericDetail: string;
  /** Whether trying the same request again later may succeed, so the response carries `Retry-After`. */
  readonly retryLater: boolean;
}

/** The code of the problem answered for anything that is not a thidua error of a known code. */
export const INTERNAL_PROBLEM_CODE = 'internal';

const INTERNAL: ProblemType = {
  status: 500,
  title: 'Internal error',
  discloses: false,
  genericDetail: 'The server failed to handle the request; its log has the details.',
  retryLater: false,
};

/*
 * The table is checked against ErrorCode (a new code fails to compile until
 * it has a row) and may hold codes this version of ErrorCode does not know
 * yet, so a newer error reaching an older edge still gets its row.
 */
const TYPES = {
  validation_failed: {
    status: 400,
    title: 'Invalid request',
    discloses: true,
    genericDetail: 'The request is malformed.',
    retryLater: false,
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    discloses: true,
    genericDetail: 'The actor may not do this.',
    retryLater: false,
  },
  not_found: {
    status: 404,
    title: 'Not found',
    discloses: true,
    genericDetail: 'What the request names does not exist.',
    retryLater: false,
  },
  // The command handler already reloaded and retried: re-sending the same command (same commandId) is safe.
  concurrency: {
    status: 409,
    title: 'Concurrent modification',
    discloses: true,
    genericDetail: 'The stream changed under the command; send it again.',
    retryLater: false,
  },
  // An event id already taken in the log conflicts with its current state; re-sending changes nothing.
  duplicate_event_id: {
    status: 409,
    title: 'Event id already in the log',
    discloses: true,
    genericDetail: 'An event id of the request is already in the log.',
    retryLater: false,
  },
  // 422, not 409: the request is well-formed, but a rule refuses it and will refuse it again until something else changes.
  rule_violated: {
    status: 422,
    title: 'Refused by a business rule',
    discloses: true,
    genericDetail: 'A business rule refuses the command.',
    retryLater: false,
  },
  // As the IETF Idempotency-Key draft answers a key reused with another payload: the same request will always be refused.
  command_id_reused: {
    status: 422,
    title: 'Command id already used',
    discloses: true,
    genericDetail: 'The commandId was already used for a different command.',
    retryLater: false,
  },
  // The store lacks a capability the request needs (a multi-stream append on EventStoreDB): not the caller's fault, not passing.
  unsupported: {
    status: 501,
    title: 'Not supported by this store',
    discloses: false,
    genericDetail: 'The store does not support this operation.',
    retryLater: false,
  },
  // The stream was tombstoned: it is gone for good, like HTTP's 410.
  stream_deleted: {
    status: 410,
    title: 'Stream deleted',
    discloses: true,
    genericDetail: 'The stream was deleted for good.',
    retryLater: false,
  },
  // The same request will always be too large for this store.
  append_too_large: {
    status: 413,
    title: 'Append too large',
    discloses: true,
    genericDetail: "The events are larger than the store accepts in one append.",
    retryLater: false,
  },
  corrupt_log: {
    status: 500,
    title: 'Corrupt event log',
    discloses: false,
    genericDetail: 'The event log holds an event the server cannot read; its log has the details.',
    retryLater: false,
  },
  projection_failed: {
    status: 500,
    title: 'Read model failed',
    discloses: false,
    genericDetail: 'A read model could not apply the event log; the server log has the details.',
    retryLater: false,
  },
  // This process runs older projection code than the stored read models (a rolling deploy): a newer replica serves them.
  projection_outdated: {
    status: 503,
    title: 'Read model outdated here',
    discloses: false,
    genericDetail: 'This server runs an older version of the read models than the stored ones; try again later.',
    retryLater: true,
  },
  // Nothing is known to be wrong with the request; the store could not be reached or failed.
  store_unavailable: {
    status: 503,
    title: 'Store unavailable',
    discloses: false,
    genericDetail: 'The store could not be reached or failed; try again later.',
    retryLater: true,
  },
  // An anchor file (audit) that is not an anchor: the caller's input, shown back to them.
  invalid_anchor: {
    status: 400,
    title: 'Invalid anchor',
    discloses: true,
    genericDetail: 'The anchor given is not a valid anchor.',
    retryLater: false,
  },
  // A signing or verification key (audit) that is unreadable or not Ed25519.
  invalid_key: {
    status: 400,
    title: 'Invalid key',
    discloses: true,
    genericDetail: 'The key given is not a usable Ed25519 key.',
    retryLater: false,
  },
  // A wait (read-your-writes) ran out: the request was right, the answer not ready in time. A write is durable.
  timeout: {
    status: 504,
    title: 'Timed out',
    discloses: true,
    genericDetail: 'The answer was not ready in time; try again.',
    retryLater: true,
  },
} as const satisfies Record<ErrorCode, ProblemType> & Record<string, ProblemType>;

/**
 * The HTTP answer of every thidua error code. Statuses:
 *
 * | code | status |
 * |---|---|
 * | `validation_failed`, `invalid_anchor`, `invalid_key` | 400 |
 * | `forbidden` | 403 |
 * | `not_found` | 404 |
 * | `concurrency`, `duplicate_event_id` | 409 |
 * | `stream_deleted` | 410 |
 * | `append_too_large` | 413 |
 * | `rule_violated`, `command_id_reused` | 422 |
 * | `corrupt_log`, `projection_failed`, any other code, anything not a thidua error | 500 |
 * | `unsupported` | 501 |
 * | `projection_outdated`, `store_unavailable` | 503 |
 * | `timeout` | 504 |
 *
 * 409 is kept for conflicts that sending again may resolve; 422 says the
 * same request will be refused again until something else changes.
 */
export const PROBLEM_TYPES: Readonly<Record<string, ProblemType>> = TYPES;

/**
 * The problem type of `code`: its row of {@link PROBLEM_TYPES}, or the
 * generic 500 for a code without one (an inherited name such as `toString`
 * is no row).
 */
export function problemTypeOf(code: string): ProblemType {
  return Object.hasOwn(TYPES, code) ? (PROBLEM_TYPES[code] ?? INTERNAL) : INTERNAL;
}

/** The row answered for an unknown code and for anything that is not a thidua error. */
export const INTERNAL_PROBLEM_TYPE: ProblemType = INTERNAL;
