import type { RecordedEvent } from '../envelope/envelope';
import type { SealedEvent } from '../hash-chain/hash-chain';
import type { Direction, ReadAllFilter, StoreCapabilities, SubscribeOptions, Subscription } from '../event-store/event-store';

/** The last event of a stream as the driver sees it inside its atomic unit. */
export interface StreamTip {
  revision: bigint | null;
  hash: string | null;
}

/**
 * What a storage adapter implements. The kernel (`createEventStore`) wraps it
 * with everything that must be the same for all stores: the expected-revision
 * rule, the hash chain, registry validation and upcasting, idempotent
 * re-appends, paging and the catch-up subscription.
 */
export interface EventStoreDriver {
  readonly name: string;
  readonly capabilities: StoreCapabilities;
  /**
   * Atomically: read the stream's tip, call `seal(tip)` (which may throw, in
   * which case nothing is written), persist what it returns, and return the
   * recorded events with their positions and `recordedAt`. Concurrent calls
   * for one stream must be serialised or fail with `ConcurrencyError`.
   */
  append(streamId: string, seal: (tip: StreamTip) => SealedEvent[]): Promise<RecordedEvent[]>;
  readStreamPage(
    streamId: string,
    options: { fromRevision: bigint | undefined; maxCount: number; direction: Direction },
  ): Promise<RecordedEvent[]>;
  /** Events with `position >= fromPosition`, ascending, never one whose predecessors may still commit. */
  readAllPage(options: { fromPosition: bigint | undefined; maxCount: number; filter: ReadAllFilter | undefined }): Promise<RecordedEvent[]>;
  streamRevision(streamId: string): Promise<bigint | null>;
  headPosition(): Promise<bigint | null>;
  /** Optional hint that something was appended (in-process emitter, LISTEN/NOTIFY); returns an unsubscribe. */
  onAppended?(listener: () => void): () => void;
  /** Optional native subscription; the kernel polls `readAllPage` otherwise. Receives raw events. */
  subscribeToAll?(options: SubscribeOptions): Subscription;
  close(): Promise<void>;
}
