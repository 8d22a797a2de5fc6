import type { RecordedEvent } from '../envelope/envelope';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { createInMemoryProjectionLeases } from '../in-memory/in-memory-projection-leases';
import { createInMemoryProjectionStore } from '../in-memory/in-memory-projection-store';
import type { Projection, ProjectionStore } from './projection';
import { createProjectionRunner, waitForCheckpoint } from './projection-runner';
import { readsBeforePromote } from '../testing/reads-before-promote';
import type { EventStoreDriver } from '../driver/event-store-driver';
import { StoreUnavailableError } from '../errors/store-unavailable';
import { waitUntil } from '../testing/wait-until';

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
    await waitUntil(async () => (await leases.holder('counting'))?.owner === 'a', { what: 'a holds the lease' });
    b.start();
    for (let i = 0; i < 10; i += 1) await events.appendToStream(`s-${i % 3}`, [{ type: 'Tick', data: { i } }]);
    await a.waitForPosition(10n);
    expect((await leases.holder('counting'))?.owner).toBe('a');

    await a.stop();
    for (let i = 10; i < 20; i += 1) await events.appendToStream(`s-${i % 3}`, [{ type: 'Tick', data: { i } }]);
    await waitUntil(async () => (await leases.holder('counting'))?.owner === 'b', { what: 'b holds the lease' });
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

describe('projection runner across versions and failures', () => {
  const seeded = async () => {
    const events = createInMemoryEventStore();
    for (let i = 0; i < 6; i += 1) await events.appendToStream(`s-${i % 2}`, [{ type: 'Tick', data: { i } }]);
    return events;
  };
  const versioned = (version: number): Projection<{ positions: string[] }> => ({ ...counting, version });

  it('rebuilds an older version blue/green: readers keep the old documents until the swap', async () => {
    const events = await seeded();
    const documents = createInMemoryProjectionStore();
    await createProjectionRunner({ eventStore: events, projectionStore: documents, projection: versioned(1) }).catchUp();
    const before = await documents.listDocuments('counting');
    const seen: Promise<unknown>[] = [];
    await createProjectionRunner({
      eventStore: events,
      projectionStore: readsBeforePromote(documents, seen),
      projection: versioned(2),
      batchSize: 1,
      onProgress: () => seen.push(documents.listDocuments('counting')),
    }).catchUp();
    expect(seen.length).toBeGreaterThan(2);
    for (const docs of await Promise.all(seen)) expect(docs).toEqual(before);
    expect(await documents.getState('counting')).toEqual({ version: 2, checkpoint: 6n });
  });

  it('refuses to run older code over documents of a newer version; a leased replica stands by instead', async () => {
    const events = await seeded();
    const documents = createInMemoryProjectionStore();
    await createProjectionRunner({ eventStore: events, projectionStore: documents, projection: versioned(3) }).catchUp();
    const stored = await documents.listDocuments('counting');
    await expect(createProjectionRunner({ eventStore: events, projectionStore: documents, projection: versioned(2) }).catchUp()).rejects.toMatchObject({
      code: 'projection_outdated',
      storedVersion: 3,
    });
    const errors: unknown[] = [];
    const old = createProjectionRunner({
      eventStore: events,
      projectionStore: documents,
      projection: versioned(2),
      lease: { leases: createInMemoryProjectionLeases(), owner: 'old', ttlMs: 60, retryMs: 5 },
      onError: (error) => errors.push(error),
    });
    const { done } = old.start();
    await waitUntil(async () => errors.length >= 2, { what: 'two errors reported' });
    await old.stop();
    await expect(done).resolves.toBeUndefined();
    expect(errors[0]).toMatchObject({ code: 'projection_outdated' });
    expect(await documents.listDocuments('counting')).toEqual(stored);
  });

  it('keeps a leased runner alive through lease store outages', async () => {
    const events = await seeded();
    const documents = createInMemoryProjectionStore();
    const real = createInMemoryProjectionLeases();
    let failures = 3;
    const flaky = {
      ...real,
      tryAcquire: async (projection: string, owner: string, ttlMs: number) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('connection refused');
        }
        return real.tryAcquire(projection, owner, ttlMs);
      },
    };
    const errors: unknown[] = [];
    const runner = createProjectionRunner({
      eventStore: events,
      projectionStore: documents,
      projection: counting,
      lease: { leases: flaky, owner: 'a', ttlMs: 60, retryMs: 5 },
      onError: (error) => errors.push(error),
    });
    const { done } = runner.start();
    await runner.waitForPosition(6n);
    await runner.stop();
    await expect(done).resolves.toBeUndefined();
    expect(errors).toHaveLength(3);
  });

  it('commits every batch when catching up, and every stagingBatchSize events into staging while rebuilding', async () => {
    const events = createInMemoryEventStore();
    for (let i = 0; i < 13; i += 1) await events.appendToStream(`s-${i % 3}`, [{ type: 'Tick', data: { i } }]);
    const documents = createInMemoryProjectionStore();
    const commits: string[] = [];
    const recording: ProjectionStore = {
      ...documents,
      commit: (name, batch) => {
        commits.push(`${name}@${batch.checkpoint}`);
        return documents.commit(name, batch);
      },
    };
    const runner = createProjectionRunner({ eventStore: events, projectionStore: recording, projection: counting, batchSize: 2, stagingBatchSize: 6 });
    await runner.catchUp();
    expect(commits).toEqual(['counting@2', 'counting@4', 'counting@6', 'counting@8', 'counting@10', 'counting@12', 'counting@13']);
    const caughtUp = await documents.listDocuments('counting');

    commits.length = 0;
    await runner.rebuild();
    expect(commits).toEqual(['counting~rebuild@6', 'counting~rebuild@12', 'counting~rebuild@13']);
    // The documents cached across the staging commits were written whole: the rebuild equals the catch-up.
    expect(await documents.listDocuments('counting')).toEqual(caughtUp);
  });

  it('reads documents back from the store once it has let its cache of committed documents go', async () => {
    const events = createInMemoryEventStore();
    // More documents than an applier keeps cached: after the first round they are let go, and the second
    // round must find each one in the store, not start it again.
    const streams = 2_500;
    for (const round of [0, 1]) {
      for (let i = 0; i < streams; i += 1) await events.appendToStream(`s-${i}`, [{ type: 'Tick', data: { round } }]);
    }
    const documents = createInMemoryProjectionStore();
    await createProjectionRunner({ eventStore: events, projectionStore: documents, projection: counting, batchSize: 500 }).catchUp();
    const docs = await documents.listDocuments<{ positions: string[] }>('counting');
    expect(docs).toHaveLength(streams);
    expect(docs.every(({ doc }) => doc.positions.length === 2)).toBe(true);
  });

  it('catches up again from the other process’s checkpoint when one moves it underneath', async () => {
    const events = await seeded();
    const documents = createInMemoryProjectionStore();
    let raced = false;
    const racing = {
      ...documents,
      commit: async (name: string, batch: Parameters<typeof documents.commit>[1]) => {
        if (!raced) {
          raced = true;
          // Another process commits the first batch before us.
          await documents.commit(name, batch);
        }
        return documents.commit(name, batch);
      },
    };
    await createProjectionRunner({ eventStore: events, projectionStore: racing, projection: counting, batchSize: 2 }).catchUp();
    const all: RecordedEvent[] = [];
    for await (const e of events.readAll()) all.push(e);
    expect((await documents.getDocument<{ positions: string[] }>('counting', 's-0'))?.positions).toEqual(
      all.filter((e) => e.streamId === 's-0').map((e) => e.position.toString()),
    );
  });
});

describe('projection runner through store outages', () => {
  /** The next `failNext` page reads fail, alternately as a wrapped and as a raw dropped connection. */
  const outage = () => {
    const state = { failNext: 0, failed: 0 };
    const wrapDriver = (driver: EventStoreDriver): EventStoreDriver => ({
      name: driver.name,
      capabilities: driver.capabilities,
      append: (streamId, seal) => driver.append(streamId, seal),
      readStreamPage: (streamId, options) => driver.readStreamPage(streamId, options),
      readAllPage: async (options) => {
        if (state.failNext > 0) {
          state.failNext -= 1;
          state.failed += 1;
          throw state.failed % 2 === 1
            ? new StoreUnavailableError('memory', { transient: true, message: 'connection dropped' })
            : Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        }
        return driver.readAllPage(options);
      },
      streamRevision: (streamId) => driver.streamRevision(streamId),
      headPosition: () => driver.headPosition(),
      onAppended: (listener) => driver.onAppended!(listener),
      close: () => driver.close(),
    });
    return { state, events: createInMemoryEventStore({ wrapDriver }) };
  };
  const tick = (i: number) => [{ type: 'Tick', data: { i } }];
  /** Every stream's positions, as the counting projection must hold them: each event once. */
  const expectedDocuments = async (events: ReturnType<typeof createInMemoryEventStore>) => {
    const all: RecordedEvent[] = [];
    for await (const e of events.readAll()) all.push(e);
    const byStream = new Map<string, string[]>();
    for (const e of all) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e.position.toString()]);
    return [...byStream].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, positions]) => ({ key, doc: { positions } }));
  };

  it('keeps a runner without a lease going through dropped connections, and applies every event once', async () => {
    const { state, events } = outage();
    const documents = createInMemoryProjectionStore();
    let commitFailures = 1;
    const flakyDocuments: ProjectionStore = {
      ...documents,
      commit: async (name, batch) => {
        if (commitFailures > 0) {
          commitFailures -= 1;
          throw new StoreUnavailableError('memory', { transient: true, message: 'commit lost its connection' });
        }
        return documents.commit(name, batch);
      },
    };
    for (let i = 0; i < 4; i += 1) await events.appendToStream(`s-${i % 2}`, tick(i));
    const errors: unknown[] = [];
    const runner = createProjectionRunner({
      eventStore: events,
      projectionStore: flakyDocuments,
      projection: counting,
      batchSize: 2,
      retry: { initialDelayMs: 0 },
      onError: (error) => errors.push(error),
    });
    const { done } = runner.start();
    await runner.waitForPosition(4n);
    state.failNext = 3; // the live subscription's next reads fail, then the catch-up after each restart
    for (let i = 4; i < 10; i += 1) await events.appendToStream(`s-${i % 2}`, tick(i));
    await runner.waitForPosition(10n);
    await runner.stop();
    await expect(done).resolves.toBeUndefined();
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['store_unavailable', 'store_unavailable', 'ECONNRESET', 'store_unavailable']);
    expect(await documents.listDocuments('counting')).toEqual(await expectedDocuments(events));
  });

  it('retries transient failures in catchUp() and rebuild() up to the policy, then gives up with the store error', async () => {
    const { state, events } = outage();
    for (let i = 0; i < 5; i += 1) await events.appendToStream(`s-${i % 2}`, tick(i));
    const documents = createInMemoryProjectionStore();
    const runner = (maxAttempts: number) =>
      createProjectionRunner({ eventStore: events, projectionStore: documents, projection: counting, batchSize: 2, retry: { maxAttempts, initialDelayMs: 0 } });
    state.failNext = 2;
    await expect(runner(3).catchUp()).resolves.toMatchObject({ checkpoint: 5n });
    state.failNext = 2;
    await expect(runner(3).rebuild()).resolves.toMatchObject({ checkpoint: 5n });
    expect(await documents.listDocuments('counting')).toEqual(await expectedDocuments(events));
    await events.appendToStream('s-0', tick(5));
    state.failNext = 3;
    await expect(runner(3).catchUp()).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(state.failed).toBe(7);
    expect(await documents.getState('counting')).toEqual({ version: 1, checkpoint: 5n });
  });

  it('stops a runner without a lease on a failure that is no passing outage', async () => {
    const events = createInMemoryEventStore();
    await events.appendToStream('s-0', tick(0));
    const documents = createInMemoryProjectionStore();
    const bug = new TypeError('driver bug');
    const broken: ProjectionStore = { ...documents, commit: async () => Promise.reject(bug) };
    const errors: unknown[] = [];
    const runner = createProjectionRunner({ eventStore: events, projectionStore: broken, projection: counting, onError: (e) => errors.push(e) });
    await expect(runner.start().done).rejects.toBe(bug);
    expect(errors).toEqual([]);
  });

  it('gives a started runner up after maxAttempts transient failures in a row when a policy bounds them', async () => {
    const { state, events } = outage();
    await events.appendToStream('s-0', tick(0));
    state.failNext = 100;
    const errors: unknown[] = [];
    const runner = createProjectionRunner({
      eventStore: events,
      projectionStore: createInMemoryProjectionStore(),
      projection: counting,
      retry: { maxAttempts: 4, initialDelayMs: 0 },
      onError: (e) => errors.push(e),
    });
    await expect(runner.start().done).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(state.failed).toBe(4);
    expect(errors).toHaveLength(3);
  });

  it('keeps a leased runner going through dropped connections with the same backoff', async () => {
    const { state, events } = outage();
    for (let i = 0; i < 3; i += 1) await events.appendToStream(`s-${i % 2}`, tick(i));
    const documents = createInMemoryProjectionStore();
    state.failNext = 3;
    const errors: unknown[] = [];
    const runner = createProjectionRunner({
      eventStore: events,
      projectionStore: documents,
      projection: counting,
      lease: { leases: createInMemoryProjectionLeases(), owner: 'a', ttlMs: 60_000, retryMs: 60_000 },
      retry: { initialDelayMs: 0 },
      onError: (error) => errors.push(error),
    });
    const { done } = runner.start();
    // retryMs is a minute: reaching the checkpoint shows the outage was waited out by the backoff, not by standing by.
    await runner.waitForPosition(3n, { timeoutMs: 20_000 });
    await runner.stop();
    await expect(done).resolves.toBeUndefined();
    expect(errors).toHaveLength(3);
    expect(await documents.listDocuments('counting')).toEqual(await expectedDocuments(events));
  });
});

