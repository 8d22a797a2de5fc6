import type { RecordedEvent } from '../envelope/envelope';
import type { SealedEvent } from '../hash-chain/hash-chain';
import type { AnchorFile } from '../audit/anchor-file';
import type { Direction, ReadAllFilter, StoreBookkeeping, StoreCapabilities, SubscribeOptions, Subscription } from '../event-store/event-store';

/**
 * The last event of a stream as the driver sees it inside its atomic unit:
 * its revision and hash, both `null` when the stream does not exist. The
 * kernel seals the next events against it (revisions after `revision`, the
 * chain continued from `hash`).
 */
export interface StreamTip {
  revision: bigint | null;
  hash: string | null;
}

/** One stream's part of a driver's multi-stream append: the stream and how to seal its events on its tip. */
export interface SealRequest {
  streamId: string;
  seal: (tip: StreamTip) => SealedEvent[];
}

/**
 * What a storage adapter implements; `createEventStore` turns it into an
 * `EventStore`. A driver does storage only. Everything that must be the same
 * in all stores lives once in the kernel: the checks on what is appended
 * (stream id, registry validation, text every store can hold, no id twice in
 * one append), the expected-revision rule, the hash chain, the idempotent
 * re-append, retries of a raced tip read, upcasting on read, paging and the
 * catch-up subscription (unless the driver has a native one).
 *
 * The contract, which the shared conformance suite
 * (`describeEventStoreContract` in `@thidua/eventsourcing/testing`) checks:
 *
 * **`append(streamId, seal)`** is one atomic unit: read the stream's tip,
 * call `seal(tip)`, write exactly the events it returns with consecutive
 * revisions and increasing positions, and resolve with them as recorded
 * (`position`, the store's `recordedAt`; the other fields as sealed). Either
 * every event is written or none is. When `seal` throws (the expected
 * revision does not hold), write nothing and reject with that error.
 * - `seal` is pure and cheap: it depends only on the tip it is given, so a
 *   driver may call it more than once, for instance first on a tip it
 *   guessed (a cache, an optimistic read) and again on the tip the database
 *   reports inside the transaction. Only what the last call returned, against
 *   the tip actually in place, may be written.
 * - Two appends to one stream must not both succeed on the same tip: the
 *   driver serialises them, or the loser rejects with a `ConcurrencyError`
 *   (`actual` = the revision it found). Under a loose expectation the kernel
 *   then seals again on the new tip, under its retry policy; a driver need
 *   not loop itself.
 * - A driver that declares `capabilities.uniqueEventIds` refuses, inside the
 *   same atomic unit, an event whose id is anywhere in the log, with a
 *   `DuplicateEventIdError` naming where the existing event is (its
 *   `existing` place), so the kernel can tell a re-append of the same events
 *   (which then appends nothing and succeeds) from a real duplicate.
 * - A failure that says nothing about the request (a dropped connection, a
 *   server restarting, a file that cannot be opened) rejects with a
 *   `StoreUnavailableError` (`transient` when trying again may succeed),
 *   naming the store without credentials. For an append its outcome is
 *   unknown, which is safe: a re-append of the same events finds them.
 *
 * **Reads.** `readStreamPage` returns up to `maxCount` events of one stream
 * in revision order from `fromRevision` (inclusive; forwards from the first
 * event, backwards from the last when it is `undefined`), an empty page for
 * a missing stream; a short page means the end was reached.
 * `readAllPage` returns events with `position >= fromPosition` in ascending
 * position order, after `filter` (`matchesFilter` gives the exact rule), and
 * never an event while one with a lower position may still commit: a reader
 * that has seen position p never later finds an event below p. Events come
 * back as stored (raw): the exact payload and metadata appended, `revision`
 * and `position` as bigints, `recordedAt` as ISO-8601 UTC. `streamRevision`
 * and `headPosition` answer from committed events only.
 *
 * **`appendMany(requests)`** (optional, with `capabilities.multiStreamAppend`)
 * is `append` over several streams in one atomic unit: for each request in
 * order, read its stream's tip (for a stream already in an earlier request,
 * the tip that request's events leave), call its `seal`, and write what it
 * returns; positions increase in request order, and either every event of
 * every request is written or none is. A `seal` that throws, a duplicate id
 * or any failure writes nothing of any stream. Resolve with the recorded
 * events of each request, in request order.
 *
 * **Optional members.** `onAppended` is a hint that something was appended
 * (an in-process emitter, LISTEN/NOTIFY) that lets the kernel's polling
 * subscription wake at once instead of at its poll interval; `subscribeToAll`
 * replaces that subscription with a native one, which must keep the same
 * promise: resume after the checkpoint, never skip or repeat an event.
 *
 * **Capabilities** (`StoreCapabilities`) declare the real differences, and
 * the conformance suite reads them from the store: `densePositions`,
 * `concurrentWriters`, `durable`, `uniqueEventIds` and
 * `keepsValidatedPayloads` each change what it asserts, never which tests
 * exist by name. `bookkeeping` and `storedAnchors` say that the optional
 * members of the same names (`readAnchors` with `recordAnchor`) are there.
 *
 * @example
 * class MyDriver implements EventStoreDriver {
 *   readonly name = 'my-store';
 *   readonly capabilities = { densePositions: true, concurrentWriters: false, durable: true, uniqueEventIds: true };
 *   async append(streamId: string, seal: (tip: StreamTip) => SealedEvent[]) {
 *     return this.db.transaction(() => this.write(streamId, seal(this.tipOf(streamId))));
 *   }
 *   // readStreamPage, readAllPage, streamRevision, headPosition, close …
 * }
 */
export interface EventStoreDriver {
  /** Names the store in errors and logs (never with credentials). */
  readonly name: string;
  readonly capabilities: StoreCapabilities;
  /** The atomic append (see the contract above): tip, `seal(tip)`, write all or nothing, resolve with the recorded events. */
  append(streamId: string, seal: (tip: StreamTip) => SealedEvent[]): Promise<RecordedEvent[]>;
  /** Optional: the atomic multi-stream append (see the contract above), with `capabilities.multiStreamAppend`. */
  appendMany?(requests: readonly SealRequest[]): Promise<RecordedEvent[][]>;
  /** Up to `maxCount` events of a stream in revision order from `fromRevision` (inclusive), raw; empty for a missing stream. */
  readStreamPage(
    streamId: string,
    options: { fromRevision: bigint | undefined; maxCount: number; direction: Direction },
  ): Promise<RecordedEvent[]>;
  /** Events with `position >= fromPosition`, ascending, filtered, raw; never one whose predecessors may still commit. */
  readAllPage(options: { fromPosition: bigint | undefined; maxCount: number; filter: ReadAllFilter | undefined }): Promise<RecordedEvent[]>;
  /** The stream's last committed revision, `null` when it does not exist. */
  streamRevision(streamId: string): Promise<bigint | null>;
  /** The position of the last committed event whose predecessors are all visible, `null` for an empty store. */
  headPosition(): Promise<bigint | null>;
  /** Optional hint that something was appended (in-process emitter, LISTEN/NOTIFY); returns an unsubscribe. */
  onAppended?(listener: () => void): () => void;
  /** Optional native subscription; the kernel polls `readAllPage` otherwise. Receives raw events. */
  subscribeToAll?(options: SubscribeOptions): Subscription;
  /** The store's own records of its log (log head, stream tips), read in one snapshot; with `capabilities.bookkeeping`. */
  bookkeeping?(): Promise<StoreBookkeeping>;
  /** Stores one anchor in its file form; with `capabilities.storedAnchors`. */
  recordAnchor?(anchor: AnchorFile): Promise<void>;
  /** Every stored anchor, oldest first, as stored (the kernel parses them); with `capabilities.storedAnchors`. */
  readAnchors?(): Promise<unknown[]>;
  /** Releases what the driver holds (connections, handles); later calls may fail. */
  close(): Promise<void>;
}
