import type { Projection, RecordedEvent } from '@thidua/eventsourcing';
import { foldProjection } from '@thidua/eventsourcing/testing';

export interface Tally {
  unit: string;
  points: number;
  events: number;
  /** Positions applied, so a test can tell a repeat from a miss. */
  positions: string[];
}

/** Points and event counts per unit, remembering every position applied. */
export const tallyProjection: Projection<Tally> = {
  name: 'crash-tally',
  version: 1,
  handles: ['Scored'],
  keys: (event) => [`unit:${(event.data as { unit: string }).unit}`],
  apply(event, docs) {
    const { unit, points } = event.data as { unit: string; points: number };
    const key = `unit:${unit}`;
    const doc = docs.get(key) ?? { unit, points: 0, events: 0, positions: [] };
    docs.set(key, { unit, points: doc.points + points, events: doc.events + 1, positions: [...doc.positions, event.position.toString()] });
  },
};

/** The same fold done directly over a list of events: what the stored documents must equal. */
export function foldTally(events: readonly RecordedEvent[]): Map<string, Tally> {
  return foldProjection(tallyProjection, events);
}
