import type { RecordedEvent } from '../envelope/envelope';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { createInMemoryProjectionLeases } from '../in-memory/in-memory-projection-leases';
import { createInMemoryProjectionStore } from '../in-memory/in-memory-projection-store';
import type { Projection, ProjectionStore } from './projection';
import { createProjectionRunner, waitForCheckpoint } from './projection-runner';

/** Counts every applied event per stream, and records positions so a double application shows. */
const counting: Projection<{ positions: string[] }> = {
  name: 'counting',
  version: 1,
  handles: ['Tick'],
  keys: (e) => [e.streamId],
  apply(e, docs) {
    const doc = docs.get(e.streamId) ?? { positions: [] };
    docs.set(e.streamId, { positions: [...doc.positions, e.position.toString()] });
  },
};

const waitUntil = async (condition: () => Promise<boolean>, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('projection runner with leases', () => {
  it('runs in one runner at a time, and another takes over from the checkpoint when the holder stops', async () => {
    const events = createInMemoryEventStore();
    const documents = createInMemoryProjectionStore();
    const leases = createInMemoryProjectionLeases();
    const runner = (owner: string) =>
      createProjectionRunner({
        eventStore: events,
        projectionStore: documents,
        projection: counting,
        batchSize: 3,
        lease: { leases, owner, ttlMs: 60, retryMs: 10 },
      });
    const a = runner('a');
    const b = runner('b');
    a.start();
    await waitUntil(async () => (await leases.holder('counting'))?.owner === 'a');
    b.start();
    for (let i = 0; i < 10; i += 1) await events.appendToStream(`s-${i % 3}`, [{ type: 'Tick', data: { i } }]);
    await a.waitForPosition(10n);
    expect((await leases.holder('counting'))?.owner).toBe('a');

    await a.stop();
    for (let i = 10; i < 20; i += 1) await events.appendToStream(`s-${i % 3}`, [{ type: 'Tick', data: { i } }]);
    await waitUntil(async () => (await leases.holder('counting'))?.owner === 'b');
    await b.waitForPosition(20n);
    await b.stop();

    const all: RecordedEvent[] = [];
    for await (const e of events.readAll()) all.push(e);
    for (const stream of ['s-0', 's-1', 's-2']) {
      const expected = all.filter((e) => e.streamId === stream).map((e) => e.position.toString());
      expect((await documents.getDocument<{ positions: string[] }>('counting', stream))?.positions).toEqual(expected);
    }
    expect(await leases.holder('counting')).toBeNull();
  });

  it('takes over when the holder stops renewing, and the stale holder cannot commit over it', async () => {
    let now = 0;
    const leases = createInMemoryProjectionLeases(() => now);
    expect(await leases.tryAcquire('p', 'a', 100)).toBe(true);
    expect(await leases.tryAcquire('p', 'b', 100)).toBe(false);
    now = 99;
    expect(await leases.tryAcquire('p', 'a', 100)).toBe(true); // renewed until 199
    now = 150;
    expect(await leases.tryAcquire('p', 'b', 100)).toBe(false);
    now = 200;
    expect(await leases.tryAcquire('p', 'b', 100)).toBe(true);
    expect(await leases.holder('p')).toEqual({ owner: 'b', expiresAt: 300 });
    await leases.release('p', 'a'); // not the holder: no effect
    expect((await leases.holder('p'))?.owner).toBe('b');

    const documents = createInMemoryProjectionStore();
    await documents.commit('p', { version: 1, expectedCheckpoint: null, checkpoint: 3n, changes: new Map() });
    await expect(documents.commit('p', { version: 1, expectedCheckpoint: null, checkpoint: 2n, changes: new Map() })).rejects.toMatchObject({
      code: 'concurrency',
    });
  });

  it('stops cleanly before it ever caught up', async () => {
    const runner = createProjectionRunner({
      eventStore: createInMemoryEventStore(),
      projectionStore: createInMemoryProjectionStore(),
      projection: counting,
    });
    const { done } = runner.start();
    await runner.stop();
    await expect(done).resolves.toBeUndefined();
  });

  it('restarts a live runner from the swapped-in checkpoint when a rebuild on it promotes documents behind its own', async () => {
    const events = createInMemoryEventStore();
    const documents = createInMemoryProjectionStore();
    const tick = (i: number) => events.appendToStream(`s-${i % 3}`, [{ type: 'Tick', data: { i } }]);
    for (let i = 0; i < 6; i += 1) await tick(i);
    // An append lands after the rebuild read its last page, and the live runner applies it just before the swap.
    let raced = false;
    const racing: ProjectionStore = Object.create(documents) as ProjectionStore;
    racing.promote = async (staging, target) => {
      if (!raced) {
        raced = true;
        await tick(6);
        await waitForCheckpoint(documents, 'counting', 7n);
      }
      await documents.promote(staging, target);
    };
    const lost: string[] = [];
    const runner = createProjectionRunner({ eventStore: events, projectionStore: racing, projection: counting, onLeaseLost: () => lost.push('restart') });
    runner.start();
    try {
      await runner.waitForPosition(6n);
      await runner.rebuild();
      expect(raced).toBe(true);
      // The swap took the checkpoint back to 6; the live runner must not sit on its own 7 until the next append comes.
      await runner.waitForPosition(7n);
    } finally {
      await runner.stop();
    }
    expect(lost).toEqual(['restart']);
    const all: RecordedEvent[] = [];
    for await (const e of events.readAll()) all.push(e);
    for (const stream of ['s-0', 's-1', 's-2']) {
      const expected = all.filter((e) => e.streamId === stream).map((e) => e.position.toString());
      expect((await documents.getDocument<{ positions: string[] }>('counting', stream))?.positions).toEqual(expected);
    }
  });
});
