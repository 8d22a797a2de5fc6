/**
 * What a store suite provides: fresh stores, the sizes it runs at, and the
 * targets of the issue that apply to it.
 */
import type { EventStore, ProjectionStore } from '@thidua/eventsourcing';
import type { FigureResult, StoreName, TargetCheck } from '../report';

/** A fresh, empty event store (created with `thiduaRegistry`) and a projection store beside it. */
export interface OpenStore {
  eventStore: EventStore;
  projectionStore: ProjectionStore;
  /** Closes both and removes what the store left behind (file, schema). */
  close(): Promise<void>;
  /**
   * What a live database does by itself some time after a bulk load
   * (PostgreSQL: ANALYZE, as autovacuum would), so read figures do not
   * depend on when autovacuum happened to run.
   */
  settle?(): Promise<void>;
}

/** S streams of E events. */
export interface StreamSize {
  streams: number;
  eventsPerStream: number;
}

/** The sizes a suite runs at. */
export interface SuiteSizes {
  /** The campaign year: batched appends, rebuild, catch-up, memory per event. */
  campaign: StreamSize;
  /** One event per call. */
  single: StreamSize;
  /** Few long streams vs many short ones, same event count: append cost must not depend on it. */
  scaling: readonly [StreamSize, StreamSize];
  /** Events of the one long stream read back and rehydrated. */
  rehydrate: number;
  /** RecordScore commands: `pledges` × `rounds`. */
  commands: { pledges: number; rounds: number };
  /** Concurrent writers for appends and commands. */
  writers: number;
  /** When set, also one event per call from a single writer: the per-append latency. */
  sequential?: StreamSize;
}

/** Figure ids a suite may produce. */
export type FigureId =
  | 'append-single'
  | 'append-single-sequential'
  | 'append-batched'
  | 'scaling-few-streams'
  | 'scaling-many-streams'
  | 'scaling-ratio'
  | 'command-throughput'
  | 'read-stream'
  | 'rehydrate'
  | 'rebuild-standings'
  | 'rebuild-standings-interleaved'
  | 'catch-up'
  | 'memory-per-event';

/** A target check on a figure's median (and its baseline). */
export type TargetRule = (median: number, baseline: FigureResult | null) => TargetCheck;

/** A store as the bench sees it. */
export interface StoreUnderTest {
  readonly name: StoreName;
  readonly sizes: SuiteSizes;
  readonly targets: Partial<Record<FigureId, TargetRule>>;
  /** Shown with the store's table: how it is set up (durability, pool). */
  readonly note: string;
  /** In-process store: memory per event is measured, and reads are compared with arrays rather than NDJSON files. */
  readonly inProcess: boolean;
  open(): Promise<OpenStore>;
}

/**
 * An {@link OpenStore} over two stores: `close` closes both, then runs
 * `cleanup` (remove the file, drop the schema) whatever closing threw.
 */
export function openStore(
  eventStore: EventStore,
  projectionStore: ProjectionStore,
  extras: { cleanup?: () => void | Promise<void>; settle?: () => Promise<void> } = {},
): OpenStore {
  return {
    eventStore,
    projectionStore,
    async close() {
      try {
        await eventStore.close();
        await projectionStore.close();
      } finally {
        await extras.cleanup?.();
      }
    },
    ...(extras.settle ? { settle: extras.settle } : {}),
  };
}
