import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendExpectedRevision,
  AppendResult,
  Filter,
  JSONEventData,
  ReadPosition,
  ReadRevision,
  ResolvedEvent,
} from '@eventstore/db-client';

/*
 * The store works with a client of either official package: the
 * EventStoreDB client (`@eventstore/db-client`, 6.x) or its maintained
 * successor, the KurrentDB client (`@kurrent/kurrentdb-client`, 1.x). Both
 * speak the same gRPC API and share the same surface for what the store
 * uses, so the client is typed by that surface rather than by one package's
 * class, and its errors are recognised by their `type` (the same strings in
 * both packages), never by `instanceof` of one package's classes.
 */

/** What the store asks of a client: the part both packages' clients offer alike. */
export interface EventStoreDbClientLike {
  appendToStream(
    streamName: string,
    events: JSONEventData | JSONEventData[],
    // `expectedRevision` for the EventStoreDB client, `streamState` for the KurrentDB client: each ignores the other.
    options?: { expectedRevision?: AppendExpectedRevision; streamState?: AppendExpectedRevision },
  ): Promise<Pick<AppendResult, 'success' | 'nextExpectedRevision'>>;
  readStream(
    streamName: string,
    options?: { fromRevision?: ReadRevision; maxCount?: number | bigint; direction?: 'forwards' | 'backwards' },
  ): AsyncIterable<Pick<ResolvedEvent, 'event'>>;
  readAll(options?: { fromPosition?: ReadPosition; maxCount?: number | bigint; direction?: 'forwards' | 'backwards' }): AsyncIterable<
    Pick<AllStreamResolvedEvent, 'event'>
  >;
  subscribeToAll(options?: { fromPosition?: ReadPosition; filter?: Filter }, readableOptions?: { highWaterMark?: number }): ClientAllSubscription;
  getStreamMetadata(streamName: string): Promise<{ metadata?: { truncateBefore?: unknown } | undefined }>;
  dispose(): Promise<void>;
}

/** A catch-up subscription to `$all`, as both clients hand it out: a Node readable stream of events, with the client's events (`caughtUp`, …). */
export type ClientAllSubscription = AllStreamSubscription;

/** The error kinds (`type`) both clients give their typed errors. */
export type ClientErrorType =
  | 'timeout'
  | 'deadline-exceeded'
  | 'unavailable'
  | 'cancelled'
  | 'unknown'
  | 'not-leader'
  | 'stream-not-found'
  | 'stream-deleted'
  | 'stream-tombstoned'
  | 'wrong-expected-version'
  | 'maximum-append-size-exceeded';

/** True when `error` is a client's typed error of one of `types`. */
export function isClientError(error: unknown, ...types: ClientErrorType[]): error is Error & { type: ClientErrorType } {
  if (!(error instanceof Error)) return false;
  const type = (error as { type?: unknown }).type;
  return typeof type === 'string' && (types as string[]).includes(type);
}
