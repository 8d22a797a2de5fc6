import type { Anchor } from '../audit/anchor';
import type { NewEvent, RecordedEvent } from '../envelope/envelope';
import type { EventStoreDriver } from '../driver/event-store-driver';
import type { EventRegistry } from '../registry/event-registry';
import type { RetryPolicy } from '../retry/retry-policy';
import type { TelemetryOption } from '../telemetry/telemetry-options';
import type { ExpectedRevision } from './expected-revision';

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** Inclusive. Forwards defaults to `0n`, backwards to the stream's end. */
  fromRevision?: bigint | undefined;
  maxCount?: number | undefined;
  direction?: Direction;
  /** Return events exactly as stored (no registry parse or upcast): for audit and export. */
  raw?: boolean;
}

export interface ReadAllFilter {
  /** Keep events whose stream id starts with one of these prefixes. */
  streamPrefixes?: readonly string[];
  /** Keep events of these types. */
  eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Inclusive: the first position returned is the first `>= fromPosition`. */
  fromPosition?: bigint | undefined;
  maxCount?: number | undefined;
  filter?: ReadAllFilter | undefined;
  raw?: boolean;
}

/** How `aggregateStream` folds a stream: a decider's `initialState` and `evolve` fit. */
export interface AggregateStreamOptions<S, E extends RecordedEvent = RecordedEvent> {
  initialState(): S;
  /** Called once per event, in revision order, with the event as `readStream` returns it (parsed, upcast). */
  evolve(state: S, event: E): S;
}

/** A folded stream. */
export interface AggregateStreamResult<S> {
  state: S;
  /** Revision of the stream's last event, `null` when the stream does not exist: the expected revision of the next append. */
  revision: bigint | null;
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** The stream's last revision after this append; pass it as the next `expectedRevision`. */
  nextExpectedRevision: bigint;
  /** Global position of the last event appended. */
  position: bigint;
  /** The events as recorded (ids, revisions, positions, hashes, recordedAt), in the schema version written. */
  events: RecordedEvent[];
  /**
   * True when the same events (same ids, same content, in order) were
   * already where this append asked for them, written by an earlier try
   * (a retry after a lost reply, a re-sent import or command): nothing was
   * written, and `events` are their first recording.
   */
  alreadyAppended: boolean;
}

/** One stream's part of a multi-stream append (see `EventStore.appendToStreams`). */
export interface StreamAppendRequest {
  streamId: string;
  events: readonly NewEvent[];
  /** Checked against the stream's tip as the earlier requests of the same call left it; default `'any'`. */
  expectedRevision?: ExpectedRevision;
}

/** What a multi-stream append did. */
export interface MultiStreamAppendResult {
  /** One result per request, in request order. */
  results: AppendResult[];
  /** Global position of the last event appended. */
  position: bigint;
  /**
   * True when every event of the call was already where the call asked for
   * it (a re-run after a lost reply or a stop): nothing was written, and
   * `results` hold their first recording.
   */
  alreadyAppended: boolean;
}

export interface SubscribeOptions {
  /**
   * Checkpoint to resume after (exclusive): the position of the last event
   * the subscriber has fully handled. Omit or `null` to start at the beginning.
   */
  afterPosition?: bigint | null;
  filter?: ReadAllFilter | undefined;
  /** Called in position order, one at a time; the next call waits for the returned promise. */
  onEvent(event: RecordedEvent): void | Promise<void>;
  /** Called each time the subscriber has read everything committed so far. */
  onCaughtUp?(lastPosition: bigint | null): void | Promise<void>;
  /** Called once when the subscription stops because of an error (onEvent threw, the store failed). */
  onError?(error: unknown): void;
  /** Events fetched per read while catching up. */
  batchSize?: number;
  /** Fallback poll interval when the store gives no append notification. */
  pollIntervalMs?: number;
  raw?: boolean;
}

export interface Subscription {
  /** Stops after the event being handled (if any); resolves when fully stopped. */
  stop(): Promise<void>;
  /** Resolves when the subscription ends by `stop()`, rejects when it ends by an error. */
  readonly done: Promise<void>;
}

/** Options every store takes, whatever its backend (store factories extend them). */
export interface CreateEventStoreOptions {
  /** Validates payloads on append and parses/upcasts them on read. Without one, payloads pass as they are. */
  registry?: EventRegistry;
  /** Page size of the async iterables returned by `readStream`/`readAll`. */
  pageSize?: number;
  /**
   * How appends are tried again when they raced another writer: under
   * `'any'`/`'stream_exists'` a conflict only means the store's tip read was
   * overtaken, so the append is sealed again on the new tip. Stores also
   * use it for their own transient retries. Default `DEFAULT_RETRY_POLICY`
   * with 50 tries for those races (each lost race means another writer made
   * progress; a loose append should not fail merely because its stream is busy).
   */
  retry?: Partial<RetryPolicy>;
  /**
   * Wraps the store's driver before the kernel uses it: for tracing,
   * metrics, or faults injected by a test (a reply lost after a commit). The
   * wrapper must keep the driver contract (see `EventStoreDriver`).
   */
  wrapDriver?(driver: EventStoreDriver): EventStoreDriver;
  /** OpenTelemetry spans and metrics for appends and reads (off by default; see the operations guide). */
  telemetry?: TelemetryOption;
}

/**
 * Real differences between stores, declared by the store's driver so the
 * conformance suite can adapt what it asserts (never skip lists).
 */
export interface StoreCapabilities {
  /** Positions are dense (1, 2, 3…) rather than sparse. */
  densePositions: boolean;
  /**
   * Writers do not all queue behind one store-wide lock: while one process is
   * inside an append, a projection commit or a lease renewal elsewhere goes
   * ahead. False: one write at a time in the whole store (a writer that cannot
   * get the lock within its wait fails as a transient `store_unavailable`).
   */
  concurrentWriters: boolean;
  /** What is committed outlives the process, and other processes can open the same store. */
  durable: boolean;
  /**
   * Every event the store returns is the one appended through this kernel,
   * with the very payload object the kernel validated, deep-frozen since
   * (so nobody can have changed it), and reads hand out frozen events. The
   * kernel then skips the registry's second parse on read for events at
   * their type's current version. Only a store that keeps events in process
   * memory can promise this; absent means false.
   */
  keepsValidatedPayloads?: boolean;
  /**
   * The store itself refuses an event whose id is already anywhere in the
   * log (a unique index, or its own means), atomically, with a
   * `DuplicateEventIdError` naming where the existing event is. The kernel
   * then recognises a re-append of the same events wherever in the stream
   * they already are. Without it, the kernel looks at the stream's tail
   * before a loose (`'any'`/`'stream_exists'`) append, which catches a
   * re-sent batch when nobody wrote since, but an id reused elsewhere goes
   * unnoticed. Absent means false.
   */
  uniqueEventIds?: boolean;
  /**
   * The store records facts about its log besides the events (a log head, a
   * row per stream with its tip), which `bookkeeping()` returns for the audit
   * to compare with the events. Absent means false.
   */
  bookkeeping?: boolean;
  /** The store records anchors (`recordAnchor`, `storedAnchors`); absent means false, and anchors live only in files. */
  storedAnchors?: boolean;
  /**
   * The store appends to several streams in one atomic unit
   * (`EventStore.appendToStreams`): all of it or nothing, each stream
   * checked against its own tip, positions increasing in request order.
   * Without it `appendToStreams` is refused with an
   * `UnsupportedOperationError` (code `unsupported`) before anything is
   * written; callers such as the import fall back to one append per stream.
   * A store that declares it also declares `uniqueEventIds`. Absent means false.
   */
  multiStreamAppend?: boolean;
  /**
   * The most bytes one append may carry: the store (or its server) refuses
   * a bigger one with an `append_too_large` error and appends nothing. The
   * size is what the store sends for each event: its payload and metadata
   * as UTF-8 JSON, plus twice its type's length (see `appendSizeOf` in the
   * interchange module for the estimate the kernel uses). Bulk writers such
   * as an import split their appends to stay under it, never splitting one
   * command's events. Absent means no limit the kernel needs to respect.
   */
  maxAppendBytes?: number;
}

/** What a store records about its log besides the events, as `bookkeeping()` returns it. */
export interface StoreBookkeeping {
  /** The last position the store records as handed out, `null` when none was. */
  head: bigint | null;
  /** Every stream's tip as the store records it, `null` when the store derives tips from the events. */
  tips: ReadonlyArray<{ streamId: string; revision: bigint; hash: string }> | null;
}

/**
 * The event store port. Every adapter (memory, SQLite, PostgreSQL,
 * EventStoreDB) offers exactly this, with the same guarantees:
 * atomic multi-event appends, optimistic concurrency, a per-stream hash
 * chain, and a gap-free, duplicate-free global order.
 */
export interface EventStore {
  readonly name: string;
  readonly capabilities: StoreCapabilities;
  /**
   * The registry the store validates appends and parses reads with, when it
   * was created with one: code that casts read events to its own types (a
   * domain's write side) checks here that the store really parses them.
   */
  readonly registry?: EventRegistry;
  appendToStream(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Appends to several streams as one atomic unit, where the store declares
   * `capabilities.multiStreamAppend`: every request is checked like an
   * `appendToStream` (registry, text, its expected revision, the hash chain)
   * and either all of them are written, with positions increasing in request
   * order, or none. A stream may appear in several requests: each is checked
   * against the tip the earlier ones leave. No event id twice in the call.
   * Re-sending exactly the same call after it was written appends nothing
   * and returns the first recording (`alreadyAppended`). Stores without the
   * capability refuse it with `UnsupportedOperationError` (code `unsupported`).
   */
  appendToStreams(requests: readonly StreamAppendRequest[]): Promise<MultiStreamAppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  /**
   * Folds a whole stream, forwards, into a state. The same events as
   * `readStream`, but folded page by page rather than handed out one promise
   * at a time: loading an aggregate costs its `evolve` calls and little else.
   */
  aggregateStream<S, E extends RecordedEvent = RecordedEvent>(
    streamId: string,
    options: AggregateStreamOptions<S, E>,
  ): Promise<AggregateStreamResult<S>>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** One page of `readAll`: cheaper than iterating when a caller works in batches. */
  readAllPage(options: ReadAllOptions & { maxCount: number }): Promise<RecordedEvent[]>;
  /** Last revision of a stream, or `null` when it does not exist. */
  streamRevision(streamId: string): Promise<bigint | null>;
  /** Position of the last committed event, or `null` for an empty store. */
  headPosition(): Promise<bigint | null>;
  /** Catch-up subscription over `$all`: history after the checkpoint, then live. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** The store's own bookkeeping (log head, stream tips); present when `capabilities.bookkeeping`. */
  bookkeeping?(): Promise<StoreBookkeeping>;
  /** Records an anchor in the store; present when `capabilities.storedAnchors`. */
  recordAnchor?(anchor: Anchor): Promise<void>;
  /** Every anchor recorded in the store, oldest first (an unreadable one is an `AnchorFileError`); present when `capabilities.storedAnchors`. */
  storedAnchors?(): Promise<Anchor[]>;
  close(): Promise<void>;
}
