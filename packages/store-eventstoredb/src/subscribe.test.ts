import { AccessDeniedError, UnavailableError } from '@eventstore/db-client';
import * as grpc from '@grpc/grpc-js';
import type { EventStore, RecordedEvent, SubscribeOptions } from '@thidua/eventsourcing';
import { createEventStoreDbEventStore, type EventStoreDbCommonOptions } from './eventstoredb-event-store';
import { decodePosition } from './position';
import { startEventStoreDbDouble, type EventStoreDbDouble, type EventStoreDbDoubleOptions } from './testing-double';
import { waitUntil } from '@thidua/eventsourcing/testing';

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};
const event = (n: number, type = 'Tested') => ({ type, data: { n } });

describe('catch-up subscription over the server subscription', () => {
  let double: EventStoreDbDouble;
  let store: EventStore;
  let retries: { attempt: number; delayMs: number; error: unknown }[];

  const open = async (doubleOptions: EventStoreDbDoubleOptions = {}, storeOptions: EventStoreDbCommonOptions = {}) => {
    double = await startEventStoreDbDouble(doubleOptions);
    retries = [];
    store = createEventStoreDbEventStore({
      connectionString: double.connectionString,
      resubscribe: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 15, onRetry: (retry) => retries.push(retry) },
      ...storeOptions,
    });
  };
  afterEach(async () => {
    await store.close();
    await double.close();
  });

  /** Subscribes and records everything the subscription reports, in order. */
  const record = (options: Omit<SubscribeOptions, 'onEvent'> & { onEvent?: SubscribeOptions['onEvent'] } = {}) => {
    const received: RecordedEvent[] = [];
    const caughtUp: (bigint | null)[] = [];
    const timeline: string[] = [];
    const errors: unknown[] = [];
    const subscription = store.subscribeToAll({
      ...options,
      onEvent: async (e) => {
        received.push(e);
        timeline.push(`event:${(e.data as { n: number }).n}`);
        await options.onEvent?.(e);
      },
      onCaughtUp: (position) => {
        caughtUp.push(position);
        timeline.push('caught-up');
      },
      onError: (error) => errors.push(error),
    });
    return { subscription, received, caughtUp, timeline, errors };
  };

  it('resubscribes after a drop from the last event seen, with exponential backoff, skipping and repeating nothing', async () => {
    await open();
    await store.appendToStream('s-1', [event(1), event(2), event(3)]);
    await store.appendToStream('s-2', [event(4)]);
    const { subscription, received, caughtUp } = record();
    await waitUntil(() => received.length === 4 && caughtUp.length > 0, { what: 'history is delivered' });
    const lastBeforeDrop = received[3]!.position;

    double.refuseSubscriptions(2);
    double.dropSubscriptions();
    await store.appendToStream('s-2', [event(5)]);
    await store.appendToStream('s-3', [event(6), event(7)]);
    await waitUntil(() => received.length === 7, { what: 'the events written during the outage arrive' });

    expect(retries.map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 5],
      [2, 10],
      [3, 15],
    ]);
    expect(retries.every((r) => r.error instanceof UnavailableError)).toBe(true);
    // Every resubscription started right after the last event seen (exclusive), not from the start.
    const resubscriptions = double.subscriptionRequests.slice(1);
    expect(resubscriptions).toHaveLength(3);
    for (const request of resubscriptions) expect(request.from).toEqual(decodePosition(lastBeforeDrop));
    const all = await collect(store.readAll());
    expect(received.map((e) => e.id)).toEqual(all.map((e) => e.id));

    await subscription.stop();
    await expect(subscription.done).resolves.toBeUndefined();
  });

  it('ends with the drop error (onError once, done rejects) after the bounded number of resubscriptions', async () => {
    await open();
    await store.appendToStream('s', [event(1)]);
    const { subscription, received, errors } = record();
    await waitUntil(() => received.length === 1, { what: 'the first event arrives' });
    double.refuseSubscriptions(100);
    double.dropSubscriptions();
    await expect(subscription.done).rejects.toBeInstanceOf(UnavailableError);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(UnavailableError);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(double.subscriptionRequests).toHaveLength(4);
    await subscription.stop();
  });

  it('does not retry a failure that a resubscription cannot cure', async () => {
    await open();
    const { subscription, caughtUp, errors } = record();
    await waitUntil(() => caughtUp.length > 0 && double.activeSubscriptions() === 1, { what: 'the subscription is live' });
    double.dropSubscriptions(grpc.status.UNAUTHENTICATED);
    await expect(subscription.done).rejects.toBeInstanceOf(AccessDeniedError);
    expect(errors).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('resumes from a checkpoint in the middle of a multi-event append, exclusively', async () => {
    await open();
    await store.appendToStream('batch', [event(1), event(2), event(3)]);
    await store.appendToStream('after', [event(4)]);
    const history = await collect(store.readAll());
    const { subscription, received } = record({ afterPosition: history[1]!.position });
    await waitUntil(() => received.length === 2, { what: 'the rest of the batch and the next append arrive' });
    expect(received.map((e) => (e.data as { n: number }).n)).toEqual([3, 4]);
    expect(double.subscriptionRequests[0]!.from).toEqual(decodePosition(history[1]!.position));
    await subscription.stop();

    const fromLastOfBatch = record({ afterPosition: history[2]!.position });
    await waitUntil(() => fromLastOfBatch.received.length === 1, { what: 'the next append arrives' });
    expect((fromLastOfBatch.received[0]!.data as { n: number }).n).toBe(4);
    await fromLastOfBatch.subscription.stop();
  });

  it('asks the server to filter, and still never delivers a system event it lets through', async () => {
    await open({ systemEventEvery: 1 }, { namespace: '' });
    await store.appendToStream('bloc-1', [event(1, 'A')]);
    await store.appendToStream('pledge-1', [event(2, 'B.c')]);
    const everything = record({ filter: { streamPrefixes: [''] } });
    const byType = record({ filter: { eventTypes: ['A', 'B.c'] } });
    const byStream = record({ filter: { streamPrefixes: ['bloc-'] } });
    const unfiltered = record();
    await waitUntil(
      () => everything.received.length === 2 && byType.received.length === 2 && byStream.received.length === 1 && unfiltered.received.length === 2,
      { what: 'every subscription has its events' },
    );
    expect(double.subscriptionRequests.map((r) => r.filter)).toEqual([
      { on: 'stream', prefixes: [''], regex: '' },
      { on: 'type', prefixes: [], regex: '^(?:A|B\\.c)$' },
      { on: 'stream', prefixes: ['bloc-'], regex: '' },
      { on: 'type', prefixes: [], regex: '^[^$].*' },
    ]);
    // The empty prefix matches the server's own $$-streams too; they are dropped on this side.
    expect(double.log.records.some((r) => r.streamName.startsWith('$$'))).toBe(true);
    expect(everything.received.map((e) => e.streamId)).toEqual(['bloc-1', 'pledge-1']);
    for (const s of [everything, byType, byStream, unfiltered]) await s.subscription.stop();
  });

  it('filters a namespace on the server by stream prefix', async () => {
    await open({}, { namespace: 'tenant-a:' });
    const other = createEventStoreDbEventStore({ connectionString: double.connectionString, namespace: 'tenant-b:' });
    try {
      await other.appendToStream('bloc-1', [event(1)]);
      await store.appendToStream('bloc-1', [event(2)]);
      const { subscription, received, caughtUp } = record({ filter: { streamPrefixes: ['bloc-'] } });
      await waitUntil(() => caughtUp.length > 0 && received.length === 1, { what: 'the namespace is caught up' });
      expect(received[0]).toMatchObject({ streamId: 'bloc-1', data: { n: 2 } });
      expect(double.subscriptionRequests[0]!.filter).toEqual({ on: 'stream', prefixes: ['tenant-a:bloc-'], regex: '' });
      await subscription.stop();
    } finally {
      await other.close();
    }
  });

  it('reports caught-up after the events buffered before the server said so, then after each live burst', async () => {
    await open();
    await store.appendToStream('s', Array.from({ length: 120 }, (_, i) => event(i)));
    const { subscription, received, timeline, caughtUp } = record({
      batchSize: 4,
      // A slow handler keeps the client's buffer full while CaughtUp arrives behind the events.
      onEvent: () => new Promise((resolve) => setImmediate(resolve)),
    });
    await waitUntil(() => caughtUp.length === 1, { what: 'history is caught up' });
    expect(timeline.indexOf('caught-up')).toBe(120);
    expect(caughtUp[0]).toBe(received[119]!.position);

    await store.appendToStream('s', [event(120)]);
    await waitUntil(() => caughtUp.length === 2, { what: 'the live event is caught up' });
    expect(timeline.slice(120)).toEqual(['caught-up', 'event:120', 'caught-up']);
    expect(caughtUp[1]).toBe(received[120]!.position);
    await subscription.stop();
  });

  it('works out caught-up by itself on a server that sends no CaughtUp, even when the log ends on filtered events', async () => {
    await open({ caughtUpMessages: false, systemEventEvery: 1 });
    await store.appendToStream('s', [event(1, 'Wanted'), event(2, 'Other')]);
    await store.appendToStream('t', [event(3, 'Wanted')]);
    await store.appendToStream('t', [event(4, 'Other')]);
    const { subscription, received, timeline } = record({ filter: { eventTypes: ['Wanted'] } });
    await waitUntil(() => timeline.includes('caught-up'), { what: 'caught-up is reported' });
    expect(timeline).toEqual(['event:1', 'event:3', 'caught-up']);
    expect(received).toHaveLength(2);
    await subscription.stop();

    const empty = await startEventStoreDbDouble({ caughtUpMessages: false });
    const emptyStore = createEventStoreDbEventStore({ connectionString: empty.connectionString });
    try {
      let reported: bigint | null | undefined;
      const onEmpty = emptyStore.subscribeToAll({ onEvent: () => undefined, onCaughtUp: (position) => void (reported = position) });
      await waitUntil(() => reported !== undefined, { what: 'the empty log is caught up' });
      expect(reported).toBeNull();
      await onEmpty.stop();
    } finally {
      await emptyStore.close();
      await empty.close();
    }
  });

  it('stops the subscriptions still running when the store closes', async () => {
    await open();
    const { subscription, caughtUp } = record();
    await waitUntil(() => caughtUp.length > 0 && double.activeSubscriptions() === 1, { what: 'the subscription is live' });
    await store.close();
    await expect(subscription.done).resolves.toBeUndefined();
    await waitUntil(() => double.activeSubscriptions() === 0, { what: 'the server sees the subscription go' });
  });
});
