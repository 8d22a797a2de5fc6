import type { EventStoreDriver } from '../driver/event-store-driver';
import type { EventStore } from '../event-store/event-store';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { expectRejectedWithNothingAppended } from '../testing/expect-nothing-appended';
import { createCommandHandler, StreamStateCache } from '.';
import { add, counter, type Add, type Added } from './counter.test-helper';

/** An in-memory store that counts the stream pages its driver reads. */
function countingStore(): { store: EventStore; reads: { pages: number; events: number } } {
  const reads = { pages: 0, events: 0 };
  const wrapDriver = (driver: EventStoreDriver): EventStoreDriver => {
    const wrapped = Object.create(driver) as EventStoreDriver;
    wrapped.readStreamPage = async (streamId, options) => {
      const page = await driver.readStreamPage(streamId, options);
      reads.pages += 1;
      reads.events += page.length;
      return page;
    };
    return wrapped;
  };
  return { store: createInMemoryEventStore({ wrapDriver }), reads };
}

const handlerOn = (store: EventStore, stateCache: StreamStateCache, extra: Partial<Parameters<typeof createCommandHandler<Add, Added, number>>[0]> = {}) =>
  createCommandHandler<Add, Added, number>({ eventStore: store, decider: counter, streamId: (c) => `counter-${c.data.counter}`, stateCache, ...extra });

describe('stream state cache', () => {
  it('serves a stream whose tip has not moved without reading it again', async () => {
    const { store, reads } = countingStore();
    const cache = new StreamStateCache();
    const handle = handlerOn(store, cache);
    await handle(add('c-1', 1));
    const before = { ...reads };
    const results = [];
    for (let i = 2; i <= 6; i++) results.push(await handle(add(`c-${i}`, 1)));
    expect(results.map((r) => [r.state, r.revision])).toEqual([[2, 1n], [3, 2n], [4, 3n], [5, 4n], [6, 5n]]);
    // Five commands, no stream read at all: the cache held the state at the tip each time.
    expect(reads).toEqual(before);
  });

  it('folds only what another writer appended since the cached revision, and never serves the stale state', async () => {
    const { store, reads } = countingStore();
    const cache = new StreamStateCache();
    const handle = handlerOn(store, cache);
    await handle(add('c-1', 1));
    // Another writer (its own handler, without this cache) moves the stream on.
    const other = createCommandHandler<Add, Added, number>({ eventStore: store, decider: counter, streamId: (c) => `counter-${c.data.counter}` });
    await other(add('o-1', 2));
    await other(add('o-2', 3));
    const before = { ...reads };
    const result = await handle(add('c-2', 1));
    expect([result.state, result.revision]).toEqual([7, 3n]);
    // Only the two newer events were read.
    expect(reads.events - before.events).toBe(2);
    // The rule sees the true state: 7 + 4 > 10 is refused, which a stale cached 2 would have allowed.
    await expectRejectedWithNothingAppended(store, () => handle(add('c-3', 4)), 'rule_violated', 'counter.over_ten');
  });

  it('keeps a concurrent writer a conflict: the command reloads past it and decides again', async () => {
    const { store } = countingStore();
    const cache = new StreamStateCache();
    let intrude = true;
    const seen: number[] = [];
    const handle = handlerOn(store, cache, {
      // Between this command's load and its append, another writer appends once.
      loadContext: async (_command, state) => {
        seen.push(state);
        if (intrude) {
          intrude = false;
          await store.appendToStream('counter-c1', [{ type: 'Added', data: { n: 5 } }]);
        }
        return undefined;
      },
    });
    await handle(add('c-1', 1)); // intrudes before its own append: conflict, reload, decide on 6
    expect(seen).toEqual([0, 5]);
    const result = await handle(add('c-2', 1));
    expect(seen).toEqual([0, 5, 6]);
    expect(result.state).toBe(7);
  });

  it('finds a re-sent commandId through its index: the first result, nothing appended; other content refused', async () => {
    const { store, reads } = countingStore();
    const cache = new StreamStateCache();
    const handle = handlerOn(store, cache);
    for (let i = 1; i <= 3; i++) await handle(add(`c-${i}`, 1));
    const first = await handle(add('c-6', 6));
    await handle(add('c-7', 1));
    const before = { ...reads };
    const head = await store.headPosition();
    const again = await handle(add('c-6', 6));
    expect(again.duplicate).toBe(true);
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(again.position).toBe(first.position);
    // Exactly the command's two events were read back, not the stream.
    expect(reads.events - before.events).toBe(2);
    expect(await store.headPosition()).toBe(head);
    const reused = await expectRejectedWithNothingAppended(store, () => handle(add('c-6', 2)), 'command_id_reused');
    expect(reused).toMatchObject({ commandId: 'c-6', firstUse: { streamId: 'counter-c1', revision: 3n } });
    // A re-send of a command a cache never saw run (another process ran it) is recognised too.
    const fresh = handlerOn(store, new StreamStateCache());
    expect((await fresh(add('c-2', 1))).duplicate).toBe(true);
  });

  it('holds at most maxStreams streams, dropping the least recently used', async () => {
    const { store, reads } = countingStore();
    const cache = new StreamStateCache({ maxStreams: 2 });
    const handle = handlerOn(store, cache);
    await handle(add('a-1', 1, 'a'));
    await handle(add('b-1', 1, 'b'));
    await handle(add('a-2', 1, 'a')); // a is now the most recently used
    await handle(add('c-1', 1, 'c')); // drops b
    expect([cache.size, cache.has('counter-a'), cache.has('counter-b'), cache.has('counter-c')]).toEqual([2, true, false, true]);
    const before = { ...reads };
    expect((await handle(add('b-2', 1, 'b'))).state).toBe(2); // folded again from the store
    expect(reads.events - before.events).toBe(1);
    expect(() => new StreamStateCache({ maxStreams: 0 })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('folds a stream again from its start when its tip went backwards (another store behind the same cache)', async () => {
    const cache = new StreamStateCache();
    const first = createInMemoryEventStore();
    await handlerOn(first, cache)(add('c-1', 5));
    await handlerOn(first, cache)(add('c-2', 5));
    const second = createInMemoryEventStore();
    const result = await handlerOn(second, cache)(add('c-3', 1));
    expect([result.state, result.revision]).toEqual([1, 0n]);
  });

  it('never serves the stream of one store for the stream of another with the same id and revision', async () => {
    const cache = new StreamStateCache();
    const [first, second] = [createInMemoryEventStore(), createInMemoryEventStore()];
    expect((await handlerOn(first, cache)(add('c-1', 5))).state).toBe(5);
    expect((await handlerOn(second, cache)(add('c-2', 1))).state).toBe(1);
    // Both streams are at revision 0 now: only the store tells them apart.
    expect((await handlerOn(second, cache)(add('c-3', 1))).state).toBe(2);
    expect((await handlerOn(first, cache)(add('c-4', 1))).state).toBe(6);
    expect((await handlerOn(second, cache)(add('c-5', 1))).state).toBe(3);
  });
});
