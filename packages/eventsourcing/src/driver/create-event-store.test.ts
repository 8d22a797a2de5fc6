import { ConcurrencyError } from '../errors/errors';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import type { EventStoreDriver } from './event-store-driver';

/** A driver decorator whose next `races` appends lose a tip race (nothing written), as an optimistic driver's can. */
function racing(races: { left: number; seen: number }) {
  return (driver: EventStoreDriver): EventStoreDriver => ({
    name: driver.name,
    capabilities: driver.capabilities,
    append: async (streamId, seal) => {
      races.seen += 1;
      if (races.left > 0) {
        races.left -= 1;
        throw new ConcurrencyError(streamId, 'any', await driver.streamRevision(streamId));
      }
      return driver.append(streamId, seal);
    },
    readStreamPage: (streamId, options) => driver.readStreamPage(streamId, options),
    readAllPage: (options) => driver.readAllPage(options),
    streamRevision: (streamId) => driver.streamRevision(streamId),
    headPosition: () => driver.headPosition(),
    close: () => driver.close(),
  });
}

describe('createEventStore retries', () => {
  it("seals a loose append again after a raced tip read, under the store's retry policy, and never an exact one", async () => {
    const races = { left: 3, seen: 0 };
    const store = createInMemoryEventStore({ wrapDriver: racing(races), retry: { initialDelayMs: 0 } });
    const result = await store.appendToStream('s-1', [{ type: 'T', data: {} }]);
    expect(result.events.map((e) => e.revision)).toEqual([0n]);
    expect(races.seen).toBe(4);

    races.left = 1;
    races.seen = 0;
    await expect(store.appendToStream('s-1', [{ type: 'T', data: {} }], { expectedRevision: 0n })).rejects.toMatchObject({ code: 'concurrency' });
    expect(races.seen).toBe(1);

    races.left = 10;
    races.seen = 0;
    const bounded = createInMemoryEventStore({ wrapDriver: racing(races), retry: { maxAttempts: 4, initialDelayMs: 0 } });
    await expect(bounded.appendToStream('s-2', [{ type: 'T', data: {} }], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
      code: 'concurrency',
    });
    // stream_exists on a missing stream is a real refusal, not a race: tried once.
    expect(races.seen).toBe(1);
    races.seen = 0;
    await expect(bounded.appendToStream('s-3', [{ type: 'T', data: {} }])).rejects.toMatchObject({ code: 'concurrency' });
    expect(races.seen).toBe(4);
  });

  it('refuses a meaningless retry policy when the store is created', () => {
    expect(() => createInMemoryEventStore({ retry: { maxAttempts: 0 } })).toThrow(/maxAttempts/);
  });
});
