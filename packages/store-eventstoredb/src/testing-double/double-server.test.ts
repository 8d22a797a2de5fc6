import {
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  BACKWARDS,
  START,
  UnavailableError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  type AllStreamResolvedEvent,
  type Direction,
  type Position,
} from '@eventstore/db-client';
import { waitUntil } from '@thidua/eventsourcing/testing';
import { startEventStoreDbDouble, type EventStoreDbDouble, type EventStoreDbDoubleOptions } from '.';

/*
 * The double's own wire behaviour, seen through the real client with no
 * adapter in between: if these drift from what EventStoreDB documents, the
 * adapter tests built on the double prove nothing.
 */
const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};
const ev = (type: string, n = 0) => jsonEvent({ type, data: { n } });

describe.each<[string, EventStoreDbDoubleOptions]>([
  ['BatchAppend', {}],
  ['Append', { legacyAppend: true }],
])('EventStoreDB test double (%s)', (_mode, options) => {
  let double: EventStoreDbDouble;
  let client: EventStoreDBClient;
  beforeEach(async () => {
    double = await startEventStoreDbDouble({ systemEventEvery: 0, ...options });
    client = EventStoreDBClient.connectionString(double.connectionString);
  });
  afterEach(async () => {
    await client.dispose();
    await double.close();
  });

  const readAll = async (fromPosition: Position | typeof START | typeof END = START, direction: Direction = FORWARDS, maxCount = 100) =>
    (await collect(client.readAll({ fromPosition, direction, maxCount }) as AsyncIterable<AllStreamResolvedEvent>)).map((e) => e.event!);

  it('lays events out with sparse positions, a shared commit for a multi-event append, and its own system events', async () => {
    await client.appendToStream('one', ev('Single'));
    await client.appendToStream('many', [ev('M', 1), ev('M', 2), ev('M', 3)]);
    const all = await readAll();
    expect(all.slice(0, 2).map((e) => e.type)).toEqual(['$settings', '$User']);
    const [single, m1, m2, m3] = all.slice(2);
    expect(single!.position!.commit).toBe(single!.position!.prepare);
    expect(new Set([m1, m2, m3].map((e) => e!.position!.commit)).size).toBe(1);
    expect(m1!.position!.prepare < m2!.position!.prepare && m2!.position!.prepare < m3!.position!.prepare).toBe(true);
    expect(m3!.position!.prepare < m1!.position!.commit).toBe(true);
    expect(m1!.position!.prepare - single!.position!.prepare).toBeGreaterThan(1n);
  });

  it('reads $all forwards inclusively and backwards exclusively, and refuses a made-up start position', async () => {
    await client.appendToStream('s', [ev('A'), ev('B'), ev('C')]);
    const [, , a, b] = await readAll();
    expect((await readAll(b!.position!)).map((e) => e.type)).toEqual(['B', 'C']);
    expect((await readAll(b!.position!, BACKWARDS)).map((e) => e.type)).toEqual(['A', '$User', '$settings']);
    expect((await readAll(END, BACKWARDS, 1)).map((e) => e.type)).toEqual(['C']);
    // The same commit with a later prepare is a valid start (that is how the adapter pages).
    expect((await readAll({ commit: a!.position!.commit, prepare: a!.position!.prepare + 1n })).map((e) => e.type)).toEqual(['B', 'C']);
    await expect(readAll({ commit: a!.position!.commit + 3n, prepare: 0n })).rejects.toThrow();
  });

  it('answers WrongExpectedVersion with the actual revision, and an identical retry with success, writing nothing', async () => {
    const first = [ev('A'), ev('B')];
    await client.appendToStream('s', first, { expectedRevision: 'no_stream' });
    const error = await client.appendToStream('s', ev('C'), { expectedRevision: 0n }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ expectedVersion: 0n, actualVersion: 1n });
    const missing = await client.appendToStream('nothing', ev('C'), { expectedRevision: 'stream_exists' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ expectedVersion: 'stream_exists', actualVersion: 'no_stream' });
    const retry = await client.appendToStream('s', first, { expectedRevision: 'no_stream' });
    expect(retry).toMatchObject({ success: true, nextExpectedRevision: 1n });
    expect(double.log.stream('s')).toHaveLength(2);
  });

  it('fails append replies on request, after or before committing', async () => {
    double.failAppendReplies(1, { status: 'deadline-exceeded' });
    await expect(client.appendToStream('s', ev('A'))).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(double.log.stream('s')).toHaveLength(1);
    double.failAppendReplies(1, { status: 'unavailable', commit: false });
    await expect(client.appendToStream('t', ev('A'))).rejects.toBeInstanceOf(UnavailableError);
    expect(double.log.stream('t')).toBeNull();
  });

  it('subscribes after an exclusive start, filters on the server with checkpoints, says CaughtUp, then goes live', async () => {
    await client.appendToStream('s', [ev('Wanted', 1), ev('Other', 2), ev('Wanted', 3)]);
    const [, , first] = await readAll();
    const checkpoints: Position[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: first!.position!,
      filter: eventTypeFilter({ prefixes: ['Wanted'], maxSearchWindow: 1, checkpointReached: (_s, position) => void checkpoints.push(position) }),
    });
    const seen: string[] = [];
    subscription.on('confirmation', () => seen.push('confirmation'));
    subscription.on('caughtUp', () => seen.push('caughtUp'));
    subscription.on('data', (e: AllStreamResolvedEvent) => {
      seen.push(`${e.event!.type}:${(e.event!.data as { n: number }).n}`);
    });
    await waitUntil(() => seen.includes('caughtUp'));
    await client.appendToStream('s', ev('Wanted', 4));
    await waitUntil(() => seen.length === 4);
    expect(seen).toEqual(['confirmation', 'Wanted:3', 'caughtUp', 'Wanted:4']);
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(double.subscriptionRequests[0]).toEqual({
      from: first!.position,
      filter: { on: 'type', prefixes: ['Wanted'], regex: '' },
    });
    await subscription.unsubscribe();
  });

  it('drops and refuses subscriptions on request', async () => {
    const errors: unknown[] = [];
    const live = client.subscribeToAll();
    live.on('error', (error) => errors.push(error));
    live.on('data', () => undefined);
    await waitUntil(() => double.activeSubscriptions() === 1);
    double.dropSubscriptions();
    await waitUntil(() => errors.length === 1);
    expect(errors[0]).toBeInstanceOf(UnavailableError);

    double.refuseSubscriptions(1);
    const refused = client.subscribeToAll();
    const refusal = await new Promise((resolve) => refused.on('error', resolve));
    expect(refusal).toBeInstanceOf(UnavailableError);
    expect(double.activeSubscriptions()).toBe(0);
  });
});
