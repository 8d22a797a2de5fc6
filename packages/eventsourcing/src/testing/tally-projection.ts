import type { RecordedEvent } from '../envelope/envelope';
import type { Projection } from '../projections/projection';
import { foldProjection } from './fold-projection';

/** Name of the projection the process suites run. */
export const TALLY_PROJECTION = 'process-tally';

/** The event types it counts: the workload's `Counted` events and the counter model's `Added`. */
const COUNTED = ['Counted', 'Added'] as const;

/** One document per stream. */
export interface TallyDoc {
  /** The projection version that built it: a rebuild to another version changes every document. */
  version: number;
  /** Every position applied, in order: an event applied twice or missed changes the document. */
  positions: string[];
  /** Which process applied each position (same order as `positions`). */
  appliedBy: string[];
}

/** A stored {@link TallyDoc} without its appliers: what a fold of the log must give. */
export type Tally = Omit<TallyDoc, 'appliedBy'>;

/**
 * Counts per stream, stamped with the version and the applier of every
 * event, so a test can tell a repeat from a miss, and who applied what.
 */
export function tallyProjection(options: { version?: number; applier?: string } = {}): Projection<TallyDoc> {
  const version = options.version ?? 1;
  const applier = options.applier ?? `pid-${process.pid}`;
  return {
    name: TALLY_PROJECTION,
    version,
    handles: COUNTED,
    keys: (event) => [event.streamId],
    apply(event, docs) {
      const doc = docs.get(event.streamId) ?? { version, positions: [], appliedBy: [] };
      docs.set(event.streamId, {
        version,
        positions: [...doc.positions, event.position.toString()],
        appliedBy: [...doc.appliedBy, applier],
      });
    },
  };
}

/** What the documents must hold after exactly `events`, appliers aside. */
export function expectedTally(events: Iterable<RecordedEvent>, version = 1): Map<string, Tally> {
  const folded = foldProjection(tallyProjection({ version }), events);
  return withoutAppliers([...folded].map(([key, doc]) => ({ key, doc })));
}

/** Stored documents in the shape of {@link expectedTally}. */
export function withoutAppliers(docs: readonly { key: string; doc: TallyDoc }[]): Map<string, Tally> {
  return new Map(docs.map(({ key, doc }) => [key, { version: doc.version, positions: doc.positions }]));
}
