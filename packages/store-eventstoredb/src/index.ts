/**
 * @packageDocumentation
 * The thidua event store over EventStoreDB / KurrentDB, through `@eventstore/db-client` 6.x
 * or a `@kurrent/kurrentdb-client` 1.x client the host passes.
 * The gRPC test double under `src/testing-double/` is test code and not part of this API.
 */

// The store factory and its options.
export {
  createEventStoreDbEventStore,
  type EventStoreDbCommonOptions,
  type EventStoreDbEventStoreOptions,
} from './eventstoredb-event-store';
// The client surface the store needs, which both official clients offer.
export type { ClientAllSubscription, EventStoreDbClientLike } from './client';
// Retry settings named in the options.
export type { ResubscribeOptions, RetryOptions } from './driver-context';
// The scheme mapping, for tools that validate a --store URL before connecting.
export { toClientConnectionString } from './connection-string';
// The position encoding, for callers that turn a kernel position back into the server's (commit, prepare).
export { decodePosition, encodePosition } from './position';
