import type { Projection, RecordedEvent } from '@thidua/eventsourcing';

/** Name of the counting projection the replica tests run. */
export const COUNTER_PROJECTION = 'replica-counter';

export interface CounterDoc {
  /** The projection version that built the document: a rebuild to a new version changes every document. */
  version: number;
  /** Every position applied, in order: an event applied twice or missed changes the document. */
  positions: string[];
  /** Which replica applied each position (same order as `positions`). */
  appliedBy: string[];
}

/** Positions per stream, stamped with the version and with the replica (`applier`) that applied each one. */
export function counterProjection(options: { version: number; applier: string }): Projection<CounterDoc> {
  return {
    name: COUNTER_PROJECTION,
    version: options.version,
    handles: ['Counted'],
    keys: (event) => [`stream:${event.streamId}`],
    apply(event, docs) {
      const key = `stream:${event.streamId}`;
      const doc = docs.get(key) ?? { version: options.version, positions: [], appliedBy: [] };
      docs.set(key, {
        version: options.version,
        positions: [...doc.positions, event.position.toString()],
        appliedBy: [...doc.appliedBy, options.applier],
      });
    },
  };
}

/** What the stored documents must hold after exactly `events` (the applier aside): key → { version, positions }. */
export function foldCounter(events: readonly RecordedEvent[], version: number): Map<string, { version: number; positions: string[] }> {
  const docs = new Map<string, { version: number; positions: string[] }>();
  for (const event of events) {
    if (event.type !== 'Counted') continue;
    const key = `stream:${event.streamId}`;
    const doc = docs.get(key) ?? { version, positions: [] };
    docs.set(key, { version, positions: [...doc.positions, event.position.toString()] });
  }
  return docs;
}

/** Stored documents in the shape of {@link foldCounter}. */
export function withoutAppliers(docs: readonly { key: string; doc: CounterDoc }[]): Map<string, { version: number; positions: string[] }> {
  return new Map(docs.map(({ key, doc }) => [key, { version: doc.version, positions: doc.positions }]));
}
