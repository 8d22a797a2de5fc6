import { z } from 'zod';
import type { RecordedEvent } from '../envelope/envelope';
import { createInMemoryEventStore, createInMemoryProjectionStore } from '../in-memory';
import { createEventRegistry, defineEvent } from '../registry';
import { documentProjection } from './document-projection';
import { createProjectionRunner } from './projection-runner';

type Tally = { total: number; notes: string[] };
type Events = RecordedEvent<'Scored', { unit: string; points: number }> | RecordedEvent<'Noted', { units: string[]; text: string }>;

/** Scores tally per unit; a note goes to every unit it names; a third event type is never read. */
const tally = documentProjection<Events, Tally>({
  name: 'tally',
  version: 1,
  on: {
    Scored: {
      ids: (event) => [`unit:${event.data.unit}`],
      evolve(docs, event) {
        const key = `unit:${event.data.unit}`;
        const doc = docs.get(key) ?? { total: 0, notes: [] };
        docs.set(key, { ...doc, total: doc.total + event.data.points });
      },
    },
    Noted: {
      ids: (event) => event.data.units.map((unit) => `unit:${unit}`),
      evolve(docs, event) {
        for (const unit of event.data.units) {
          const doc = docs.get(`unit:${unit}`) ?? { total: 0, notes: [] };
          docs.set(`unit:${unit}`, { ...doc, notes: [...doc.notes, event.data.text] });
        }
      },
    },
  },
});

describe('documentProjection', () => {
  it('reads exactly the event types it has a handler for, with their ids', () => {
    expect(tally.handles).toEqual(['Scored', 'Noted']);
    const noted = { type: 'Noted', data: { units: ['a', 'b'], text: 'x' } } as unknown as RecordedEvent;
    expect(tally.keys(noted)).toEqual(['unit:a', 'unit:b']);
    expect(tally.keys({ type: 'Ignored', data: {} } as unknown as RecordedEvent)).toEqual([]);
  });

  it('runs on the projection runner: each handler sees its own events, other types never', async () => {
    const registry = createEventRegistry([
      defineEvent('Scored', z.object({ unit: z.string(), points: z.number() })),
      defineEvent('Noted', z.object({ units: z.array(z.string()), text: z.string() })),
      defineEvent('Ignored', z.object({ unit: z.string() })),
    ]);
    const eventStore = createInMemoryEventStore({ registry });
    await eventStore.appendToStream('s-1', [
      { type: 'Scored', data: { unit: 'a', points: 2 } },
      { type: 'Ignored', data: { unit: 'a' } },
      { type: 'Noted', data: { units: ['a', 'b'], text: 'tốt' } },
      { type: 'Scored', data: { unit: 'a', points: 3 } },
    ]);
    const projectionStore = createInMemoryProjectionStore();
    await createProjectionRunner({ eventStore, projectionStore, projection: tally }).catchUp();
    expect(await projectionStore.listDocuments('tally')).toEqual([
      { key: 'unit:a', doc: { total: 5, notes: ['tốt'] } },
      { key: 'unit:b', doc: { total: 0, notes: ['tốt'] } },
    ]);
    await eventStore.close();
  });
});
