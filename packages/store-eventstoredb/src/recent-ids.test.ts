import { EventStoreDBClient, jsonEvent, WrongExpectedVersionError } from '@eventstore/db-client';
import type { EventStore } from '@thidua/eventsourcing';
import { createEventStoreDbEventStore } from './eventstoredb-event-store';
import { startEventStoreDbDouble, type EventStoreDbDouble, type EventStoreDbDoubleOptions } from './testing-double';

let counter = 0;
const id = () => `7b2e0c4d-1a3f-4e5b-8c6d-${String((counter += 1)).padStart(12, '0')}`;
const tested = (i: number, eventId = id()) => ({ id: eventId, type: 'Tested', data: { i } });

describe.each<[string, EventStoreDbDoubleOptions]>([
  ['batch appends', {}],
  ['legacy appends', { legacyAppend: true }],
])('best-effort dedupe of recent ids under any (%s)', (_mode, doubleOptions) => {
  let double: EventStoreDbDouble;
  let client: EventStoreDBClient;
  let store: EventStore;
  const open = async (options: EventStoreDbDoubleOptions = {}) => {
    double = await startEventStoreDbDouble({ ...doubleOptions, ...options });
    client = EventStoreDBClient.connectionString(double.connectionString);
    store = createEventStoreDbEventStore({ client });
  };
  afterEach(async () => {
    await store.close();
    await client.dispose();
    await double.close();
  });

  describe('the double, as the server does it', () => {
    it('takes a re-append of recently written ids under any as a no-op', async () => {
      await open();
      const events = [tested(0), tested(1)];
      await client.appendToStream('s', events.map(jsonEvent));
      await client.appendToStream('s', [jsonEvent(tested(2))]);
      const again = await client.appendToStream('s', events.map(jsonEvent), { expectedRevision: 'any' });
      expect(again.nextExpectedRevision).toBe(1n);
      expect(double.log.stream('s')).toHaveLength(3);
    });

    it('refuses a re-append of which only a part was written (WrongExpectedVersion)', async () => {
      await open();
      const first = tested(0);
      await client.appendToStream('s', [jsonEvent(first)]);
      await expect(client.appendToStream('s', [jsonEvent(first), jsonEvent(tested(1))], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      expect(double.log.stream('s')).toHaveLength(1);
    });

    it('writes them again once the ids left its cache, or after a restart: only best effort', async () => {
      await open({ recentIdsCapacity: 2 });
      const events = [tested(0), tested(1)];
      await client.appendToStream('s', events.map(jsonEvent));
      await client.appendToStream('s', [jsonEvent(tested(2)), jsonEvent(tested(3))]); // pushes the first two out
      await client.appendToStream('s', events.map(jsonEvent), { expectedRevision: 'any' });
      expect(double.log.stream('s')).toHaveLength(6);

      const again = [tested(5)];
      await client.appendToStream('t', again.map(jsonEvent));
      double.forgetRecentIds(); // a restart
      await client.appendToStream('t', again.map(jsonEvent), { expectedRevision: 'any' });
      expect(double.log.stream('t')?.map((record) => record.id)).toEqual([again[0]!.id, again[0]!.id]);
    });
  });

  describe('through the adapter and the kernel', () => {
    it('a re-append of the same events under any appends nothing, whether or not the server still knows the ids', async () => {
      await open();
      const events = [tested(0), tested(1)];
      const first = await store.appendToStream('pledge-1', events, { expectedRevision: 'any' });
      double.forgetRecentIds(); // the server restarted: its best effort would now write them twice
      const calls = double.appendCalls.get('pledge-1');
      const again = await store.appendToStream('pledge-1', events, { expectedRevision: 'any' });
      expect(again).toMatchObject({ alreadyAppended: true, nextExpectedRevision: first.nextExpectedRevision });
      expect(double.log.stream('pledge-1')).toHaveLength(2);
      // The kernel recognised its tail; the adapter never relies on the server's weak check (it always appends at an exact revision).
      expect(double.appendCalls.get('pledge-1')).toBe(calls);
    });

    it('cannot recognise events further back than the tail: the server does not keep ids unique (see docs/stores.md)', async () => {
      await open({ recentIdsCapacity: 0 });
      const events = [tested(0)];
      await store.appendToStream('pledge-2', events, { expectedRevision: 'any' });
      await store.appendToStream('pledge-2', [tested(1)], { expectedRevision: 'any' });
      const again = await store.appendToStream('pledge-2', events, { expectedRevision: 'any' });
      // Written again at revision 2: the limit this store declares by not claiming uniqueEventIds.
      expect(again.alreadyAppended).toBe(false);
      expect(store.capabilities.uniqueEventIds).toBeUndefined();
      expect(double.log.stream('pledge-2')?.map((record) => record.id)).toEqual([events[0]!.id, expect.any(String), events[0]!.id]);
    });
  });
});
