import type { Projection, RecordedEvent } from '@thidua/eventsourcing';
import { foldProjection } from '@thidua/eventsourcing/testing';

/** Events per append in the crash workload: a partial append would show as a batch of another size. */
export const EVENTS_PER_APPEND = 4;
/** Streams the workload appends to, round-robin, so hash chains span many appends. */
export const STREAMS = 5;

export interface CrashEventData {
  batch: string;
  k: number;
  n: number;
}

export interface Tally {
  count: number;
  sum: number;
  positions: string[];
}

/** Counts per stream, with every position applied: applying an event twice or missing one changes the document. */
export const tallyProjection: Projection<Tally> = {
  name: 'crash-tally',
  version: 1,
  handles: ['Counted'],
  keys: (event) => [`stream:${event.streamId}`],
  apply(event, docs) {
    const key = `stream:${event.streamId}`;
    const doc = docs.get(key) ?? { count: 0, sum: 0, positions: [] };
    docs.set(key, {
      count: doc.count + 1,
      sum: doc.sum + (event.data as CrashEventData).n,
      positions: [...doc.positions, event.position.toString()],
    });
  },
};

/** The documents `tallyProjection` must hold after exactly `events`, folded in memory. */
export function foldTally(events: readonly RecordedEvent[]): Map<string, Tally> {
  return foldProjection(tallyProjection, events);
}
