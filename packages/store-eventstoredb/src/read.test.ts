import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import type { EventStore, RecordedEvent } from '@thidua/eventsourcing';
import { createEventStoreDbEventStore } from './eventstoredb-event-store';
import { decodePosition } from './position';
import { startEventStoreDbDouble, type EventStoreDbDouble } from './testing-double';

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};
const event = (n: number, type = 'Tested') => ({ type, data: { n } });
const FIXED_NOW = Date.parse('2013-12-20T08:30:00.123Z');

describe('reads through the client', () => {
  let double: EventStoreDbDouble;
  let store: EventStore;
  beforeEach(async () => {
    double = await startEventStoreDbDouble({ systemEventEvery: 1, clock: () => FIXED_NOW });
    store = createEventStoreDbEventStore({ connectionString: double.connectionString });
  });
  afterEach(async () => {
    await store.close();
    await double.close();
  });

  it('keeps the system events the server writes out of $all and out of the head position', async () => {
    await store.appendToStream('a', [event(1)]);
    await store.appendToStream('b', [event(2)]);
    const types = double.log.records.map((r) => r.type);
    // The double wrote $settings, $User and a $metadata after each append: they are in $all, and the log ends on one.
    expect(types.filter((t) => t.startsWith('$')).length).toBeGreaterThanOrEqual(4);
    expect(types[types.length - 1]).toBe('$metadata');
    const all = await collect(store.readAll());
    expect(all.map((e) => [e.streamId, e.type])).toEqual([
      ['a', 'Tested'],
      ['b', 'Tested'],
    ]);
    expect(await store.headPosition()).toBe(all[1]!.position);
  });

  it('resumes a readAll page from the middle of a multi-event append, inclusive, without skipping or repeating', async () => {
    await store.appendToStream('batch', [event(1), event(2), event(3)]);
    await store.appendToStream('after', [event(4)]);
    const all = await collect(store.readAll());
    const [first, second, third] = all.map((e) => decodePosition(e.position));
    // One commit, three prepares: the second and third event differ only in their prepare part.
    expect(first!.commit).toBe(second!.commit);
    expect(second!.commit).toBe(third!.commit);
    expect(second!.prepare).toBeGreaterThan(first!.prepare);
    const n = (events: RecordedEvent[]) => events.map((e) => (e.data as { n: number }).n);
    expect(n(await store.readAllPage({ fromPosition: all[1]!.position, maxCount: 10 }))).toEqual([2, 3, 4]);
    expect(n(await store.readAllPage({ fromPosition: all[1]!.position + 1n, maxCount: 10 }))).toEqual([3, 4]);
    expect(n(await store.readAllPage({ fromPosition: all[2]!.position + 1n, maxCount: 10 }))).toEqual([4]);
    // Paging one event at a time visits each event exactly once.
    const paged: number[] = [];
    let from: bigint | undefined;
    for (;;) {
      const [next] = await store.readAllPage({ fromPosition: from, maxCount: 1 });
      if (!next) break;
      paged.push((next.data as { n: number }).n);
      from = next.position + 1n;
    }
    expect(paged).toEqual([1, 2, 3, 4]);
  });

  it('scans past long runs of filtered-out events, chunk after chunk, to fill a page', async () => {
    await store.appendToStream('signal-1', [event(1, 'Signal')]);
    // More noise than one scan chunk, written by another tool in one append (never decoded: it is filtered out first).
    const client = EventStoreDBClient.connectionString(double.connectionString);
    try {
      await client.appendToStream('noise', Array.from({ length: 1_300 }, (_, i) => jsonEvent({ type: 'Noise', data: { i } })));
    } finally {
      await client.dispose();
    }
    await store.appendToStream('signal-2', [event(2, 'Signal')]);
    const page = await store.readAllPage({ maxCount: 5, filter: { eventTypes: ['Signal'] } });
    expect(page.map((e) => e.streamId)).toEqual(['signal-1', 'signal-2']);
    const fromSecond = await store.readAllPage({ fromPosition: page[0]!.position + 1n, maxCount: 1, filter: { streamPrefixes: ['signal-'] } });
    expect(fromSecond.map((e) => e.streamId)).toEqual(['signal-2']);
  });

  it('takes recordedAt from the server clock (created) and reads a missing stream as empty', async () => {
    await store.appendToStream('timed', [event(1)]);
    const [read] = await collect(store.readStream('timed'));
    expect(read!.recordedAt).toBe('2013-12-20T08:30:00.123Z');
    expect(await collect(store.readStream('never-written'))).toEqual([]);
    expect(await collect(store.readStream('never-written', { direction: 'backwards' }))).toEqual([]);
    expect(await store.streamRevision('never-written')).toBeNull();
  });

  it('reports an event it did not write as corrupt_log naming stream and revision', async () => {
    const client = EventStoreDBClient.connectionString(double.connectionString);
    try {
      await store.appendToStream('mixed', [event(1)]);
      await client.appendToStream('mixed', jsonEvent({ type: 'Foreign', data: { x: 1 }, metadata: { by: 'another tool' } }));
      await client.appendToStream('binary', { id: '0b7f4a5e-8d1c-4c1e-9a57-1d2f3e4a5b99', contentType: 'application/octet-stream', type: 'Blob', data: new Uint8Array([1, 2]), metadata: undefined });
    } finally {
      await client.dispose();
    }
    await expect(collect(store.readStream('mixed'))).rejects.toMatchObject({ code: 'corrupt_log', streamId: 'mixed', revision: 1n });
    await expect(collect(store.readStream('binary'))).rejects.toMatchObject({ code: 'corrupt_log', streamId: 'binary', revision: 0n });
    // The append path reads the tip through the same decoding, so it refuses to chain onto a foreign event.
    await expect(store.appendToStream('mixed', [event(2)])).rejects.toMatchObject({ code: 'corrupt_log', revision: 1n });
  });
});
