import { EventStoreDBClient, jsonEvent, StreamDeletedError, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import type { EventStore } from '@thidua/eventsourcing';
import { expectRejectedWithNothingAppended } from '@thidua/eventsourcing/testing';
import { createEventStoreDbEventStore } from './eventstoredb-event-store';
import { startEventStoreDbDouble, type EventStoreDbDouble, type EventStoreDbDoubleOptions } from './testing-double';

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};
const tested = (i: number) => ({ type: 'Tested', data: { i } });

describe.each<[string, EventStoreDbDoubleOptions]>([
  ['batch appends', {}],
  ['legacy appends', { legacyAppend: true }],
])('deleted streams (%s)', (_mode, doubleOptions) => {
  let double: EventStoreDbDouble;
  let client: EventStoreDBClient;
  let store: EventStore;
  beforeEach(async () => {
    double = await startEventStoreDbDouble(doubleOptions);
    client = EventStoreDBClient.connectionString(double.connectionString);
    store = createEventStoreDbEventStore({ client });
  });
  afterEach(async () => {
    await store.close();
    await client.dispose();
    await double.close();
  });

  describe('the double, as the server does them', () => {
    it('soft delete: the stream reads as not found, $all keeps its events, no_stream continues after the old revisions', async () => {
      await client.appendToStream('s', [jsonEvent(tested(0)), jsonEvent(tested(1))]);
      await client.deleteStream('s', { expectedRevision: 1n });
      await expect(collect(client.readStream('s'))).rejects.toBeInstanceOf(StreamNotFoundError);
      const all = await collect(client.readAll());
      expect(all.filter((e) => e.event?.streamId === 's' && e.event.type === 'Tested')).toHaveLength(2);
      expect((await client.getStreamMetadata('s')).metadata?.truncateBefore).toBeGreaterThan(1e18);
      // stream_exists fails on a soft-deleted stream; no_stream succeeds, at the old last revision + 1.
      await expect(client.appendToStream('s', [jsonEvent(tested(9))], { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      const result = await client.appendToStream('s', [jsonEvent(tested(2))], { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).toBe(2n);
      const read = await collect(client.readStream('s'));
      expect(read.map((e) => [e.event?.revision, e.event?.data])).toEqual([[2n, { i: 2 }]]);
      expect((await client.getStreamMetadata('s')).metadata?.truncateBefore).toBe(2);
    });

    it('tombstone: every read and append of the stream is StreamDeleted, under any expected revision', async () => {
      await client.appendToStream('t', [jsonEvent(tested(0))]);
      await client.tombstoneStream('t');
      await expect(collect(client.readStream('t'))).rejects.toBeInstanceOf(StreamDeletedError);
      for (const expectedRevision of ['any', 'no_stream', 0n] as const) {
        await expect(client.appendToStream('t', [jsonEvent(tested(1))], { expectedRevision })).rejects.toBeInstanceOf(StreamDeletedError);
      }
      await expect(client.tombstoneStream('t')).rejects.toBeInstanceOf(StreamDeletedError);
      expect(double.log.stream('t')).toHaveLength(1);
    });

    it('checks the expected revision of a delete', async () => {
      await client.appendToStream('u', [jsonEvent(tested(0))]);
      await expect(client.deleteStream('u', { expectedRevision: 5n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect((await collect(client.readStream('u'))).length).toBe(1);
    });
  });

  describe('through the adapter', () => {
    it('a soft-deleted stream reads as empty, and an append to it is refused with stream_deleted (soft), nothing appended', async () => {
      await store.appendToStream('pledge-1', [tested(0), tested(1)], { expectedRevision: 'no_stream' });
      await client.deleteStream('pledge-1');
      expect(await store.streamRevision('pledge-1')).toBeNull();
      expect(await collect(store.readStream('pledge-1'))).toEqual([]);
      for (const expectedRevision of ['no_stream', 'any'] as const) {
        const error = await expectRejectedWithNothingAppended(
          store,
          () => store.appendToStream('pledge-1', [tested(2)], { expectedRevision }),
          'stream_deleted',
        );
        expect(error).toMatchObject({ name: 'StreamDeletedError', streamId: 'pledge-1', soft: true });
      }
      expect(double.log.stream('pledge-1')).toHaveLength(2);
      // What the server keeps in $all until a scavenge, the store still shows there (see docs/stores.md).
      expect((await collect(store.readAll())).filter((e) => e.streamId === 'pledge-1')).toHaveLength(2);
    });

    it('a tombstoned stream is stream_deleted for reads and appends, nothing appended', async () => {
      await store.appendToStream('pledge-2', [tested(0)], { expectedRevision: 'no_stream' });
      await client.tombstoneStream('pledge-2');
      await expect(collect(store.readStream('pledge-2'))).rejects.toMatchObject({ code: 'stream_deleted', streamId: 'pledge-2', soft: false });
      await expect(store.streamRevision('pledge-2')).rejects.toMatchObject({ code: 'stream_deleted' });
      for (const expectedRevision of ['no_stream', 'any', 0n] as const) {
        await expectRejectedWithNothingAppended(store, () => store.appendToStream('pledge-2', [tested(1)], { expectedRevision }), 'stream_deleted');
      }
      expect(double.log.stream('pledge-2')).toHaveLength(1);
    });

    it('a stream that never existed is still a plain new stream', async () => {
      await store.appendToStream('pledge-3', [tested(0)], { expectedRevision: 'no_stream' });
      expect(await store.streamRevision('pledge-3')).toBe(0n);
    });
  });
});
