import type { RecordedEvent } from '../envelope/envelope';
import { createInMemoryEventStore } from '../in-memory';
import { documentProjection } from './document-projection';
import { replayAsOf } from './replay-as-of';

type Scored = RecordedEvent<'Scored', { unit: string; points: number; on: string }>;
const sums = documentProjection<Scored, { points: number }>({
  name: 'sums',
  version: 1,
  on: {
    Scored: {
      ids: (event) => [event.data.unit],
      evolve: (docs, event) => docs.set(event.data.unit, { points: (docs.get(event.data.unit)?.points ?? 0) + event.data.points }),
    },
  },
});

describe('replayAsOf with a caller’s cut (where)', () => {
  it('keeps exactly the events the cut keeps, wherever they sit in the log', async () => {
    const eventStore = createInMemoryEventStore();
    // Business dates out of log order: an imported late fact sits after a later one.
    await eventStore.appendToStream('s', [
      { type: 'Scored', data: { unit: 'a', points: 1, on: '2014-01-01' } },
      { type: 'Scored', data: { unit: 'a', points: 2, on: '2014-03-01' } },
      { type: 'Scored', data: { unit: 'a', points: 4, on: '2014-02-01' } },
    ]);
    const seen: string[] = [];
    const store = await replayAsOf({
      eventStore,
      projections: [sums],
      asOf: {
        where: (event) => {
          seen.push((event.data as Scored['data']).on);
          return (event.data as Scored['data']).on <= '2014-02-15';
        },
      },
      batchSize: 2,
    });
    expect(await store.getDocument('sums', 'a')).toEqual({ points: 5 });
    expect(seen).toEqual(['2014-01-01', '2014-03-01', '2014-02-01']);
    await eventStore.close();
  });
});
