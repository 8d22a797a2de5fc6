import type { RecordedEvent } from '../envelope/envelope';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import type { Projection, ProjectionStore } from '../projections/projection';
import { createProjectionRunner } from '../projections/projection-runner';
import { replayAsOf } from '../projections/replay-as-of';
import { readsBeforePromote } from './reads-before-promote';

/** Builds a fresh, empty projection store; the suite closes it after each test. */
export type ProjectionStoreFactory = () => Promise<ProjectionStore>;

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${process.pid}-${(counter += 1)}`;

interface Tally {
  unit: string;
  points: number;
  events: number;
}

/** A small projection: points per unit, and a doc that can be made to throw. */
function tallyProjection(name: string, version = 1, failOn?: number): Projection<Tally> {
  return {
    name,
    version,
    handles: ['Scored'],
    keys: (event) => [`unit:${(event.data as { unit: string }).unit}`],
    apply(event, docs) {
      const { unit, points } = event.data as { unit: string; points: number };
      if (points === failOn) throw new Error(`refusing ${points}`);
      const key = `unit:${unit}`;
      const doc = docs.get(key) ?? { unit, points: 0, events: 0 };
      docs.set(key, { unit, points: doc.points + points * version, events: doc.events + 1 });
    },
  };
}

const scored = (unit: string, points: number) => ({ type: 'Scored', data: { unit, points } });

/**
 * The conformance suite every `ProjectionStore` runs: atomic documents and
 * checkpoint, guarded commits, reset, and the runtime on top (rebuild,
 * version bump, failing projection, as-of).
 */
export function describeProjectionStoreContract(name: string, factory: ProjectionStoreFactory): void {
  describe(`ProjectionStore contract: ${name}`, () => {
    let store: ProjectionStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    it('knows nothing of a projection that never committed', async () => {
      const p = uniqueName('empty');
      expect(await store.getState(p)).toBeNull();
      expect(await store.getDocument(p, 'x')).toBeUndefined();
      expect(await store.getDocuments(p, ['x'])).toEqual(new Map());
      expect(await store.listDocuments(p)).toEqual([]);
    });

    it('commits documents and checkpoint together, and reads them back by key and prefix', async () => {
      const p = uniqueName('docs');
      const doc = { title: 'Bảng xếp hạng năm 2013', rows: [{ unitId: 'so-nn-ptnt', total: 97.5 }], nested: { ok: true, none: null } };
      await store.commit(p, {
        version: 3,
        expectedCheckpoint: null,
        checkpoint: 5n,
        changes: new Map<string, unknown>([
          ['b:2', doc],
          ['a:1', { n: 1 }],
          ['b:1', { n: 2 }],
        ]),
      });
      expect(await store.getState(p)).toEqual({ version: 3, checkpoint: 5n });
      expect(await store.getDocument(p, 'b:2')).toEqual(doc);
      expect(await store.getDocuments(p, ['a:1', 'missing'])).toEqual(new Map([['a:1', { n: 1 }]]));
      expect((await store.listDocuments(p, { prefix: 'b:' })).map((d) => d.key)).toEqual(['b:1', 'b:2']);
      expect((await store.listDocuments(p)).map((d) => d.key)).toEqual(['a:1', 'b:1', 'b:2']);

      await store.commit(p, { version: 3, expectedCheckpoint: 5n, checkpoint: 9n, changes: new Map([['a:1', null]]) });
      expect(await store.getDocument(p, 'a:1')).toBeUndefined();
      expect(await store.getState(p)).toEqual({ version: 3, checkpoint: 9n });
    });

    it('keeps checkpoints beyond 64 bits exactly (EventStoreDB positions encode commit and prepare)', async () => {
      const p = uniqueName('wide');
      const first = (5_000n << 64n) | 4_400n;
      const second = (5_000n << 64n) | 4_401n;
      await store.commit(p, { version: 1, expectedCheckpoint: null, checkpoint: first, changes: new Map() });
      expect(await store.getState(p)).toEqual({ version: 1, checkpoint: first });
      await store.commit(p, { version: 1, expectedCheckpoint: first, checkpoint: second, changes: new Map() });
      await expect(
        store.commit(p, { version: 1, expectedCheckpoint: first, checkpoint: second + 1n, changes: new Map() }),
      ).rejects.toMatchObject({ code: 'concurrency' });
      expect(await store.getState(p)).toEqual({ version: 1, checkpoint: second });
    });

    it('keeps documents of different projections apart', async () => {
      const p = uniqueName('one');
      const q = uniqueName('two');
      await store.commit(p, { version: 1, expectedCheckpoint: null, checkpoint: 1n, changes: new Map([['k', { of: 'p' }]]) });
      await store.commit(q, { version: 1, expectedCheckpoint: null, checkpoint: 2n, changes: new Map([['k', { of: 'q' }]]) });
      expect(await store.getDocument(p, 'k')).toEqual({ of: 'p' });
      expect(await store.getDocument(q, 'k')).toEqual({ of: 'q' });
    });

    it('refuses a commit built on a stale checkpoint, writing nothing', async () => {
      const p = uniqueName('guard');
      await store.commit(p, { version: 1, expectedCheckpoint: null, checkpoint: 4n, changes: new Map([['k', { n: 1 }]]) });
      await expect(
        store.commit(p, { version: 1, expectedCheckpoint: 2n, checkpoint: 6n, changes: new Map([['k', { n: 2 }]]) }),
      ).rejects.toMatchObject({ code: 'concurrency' });
      expect(await store.getDocument(p, 'k')).toEqual({ n: 1 });
      expect(await store.getState(p)).toEqual({ version: 1, checkpoint: 4n });
    });

    it('writes nothing of a batch with a document that cannot be stored', async () => {
      const p = uniqueName('atomic');
      await store.commit(p, { version: 1, expectedCheckpoint: null, checkpoint: 1n, changes: new Map([['a', { n: 1 }]]) });
      await expect(
        store.commit(p, {
          version: 1,
          expectedCheckpoint: 1n,
          checkpoint: 2n,
          changes: new Map<string, unknown>([
            ['a', { n: 2 }],
            ['b', { bad: 10n }],
          ]),
        }),
      ).rejects.toThrow();
      expect(await store.getDocument(p, 'a')).toEqual({ n: 1 });
      expect(await store.getDocument(p, 'b')).toBeUndefined();
      expect(await store.getState(p)).toEqual({ version: 1, checkpoint: 1n });
    });

    it('resets a projection: documents gone, checkpoint cleared, new version recorded', async () => {
      const p = uniqueName('reset');
      await store.commit(p, { version: 1, expectedCheckpoint: null, checkpoint: 7n, changes: new Map([['k', { n: 1 }]]) });
      await store.reset(p, 2);
      expect(await store.getState(p)).toEqual({ version: 2, checkpoint: null });
      expect(await store.listDocuments(p)).toEqual([]);
    });

    it('promotes staging documents over a projection in one step', async () => {
      const p = uniqueName('live');
      const staging = `${p}~rebuild`;
      await store.commit(p, { version: 1, expectedCheckpoint: null, checkpoint: 9n, changes: new Map([['old', { n: 1 }], ['both', { v: 'old' }]]) });
      await store.commit(staging, { version: 2, expectedCheckpoint: null, checkpoint: 12n, changes: new Map([['new', { n: 2 }], ['both', { v: 'new' }]]) });
      await store.promote(staging, p);
      expect(await store.getState(p)).toEqual({ version: 2, checkpoint: 12n });
      expect((await store.listDocuments(p)).map((d) => [d.key, d.doc])).toEqual([
        ['both', { v: 'new' }],
        ['new', { n: 2 }],
      ]);
      expect(await store.getState(staging)).toBeNull();
      expect(await store.listDocuments(staging)).toEqual([]);
    });

    it('drops a projection whole (documents and state), leaving the others, and drops nothing quietly', async () => {
      const [p, kept] = [uniqueName('dropped'), uniqueName('kept')];
      await store.commit(p, { version: 1, expectedCheckpoint: null, checkpoint: 3n, changes: new Map([['a', { n: 1 }], ['b', { n: 2 }]]) });
      await store.commit(kept, { version: 1, expectedCheckpoint: null, checkpoint: 4n, changes: new Map([['a', { n: 9 }]]) });
      await store.drop(p);
      expect(await store.getState(p)).toBeNull();
      expect(await store.listDocuments(p)).toEqual([]);
      expect(await store.getDocument(p, 'a')).toBeUndefined();
      expect(await store.getState(kept)).toEqual({ version: 1, checkpoint: 4n });
      expect(await store.getDocument(kept, 'a')).toEqual({ n: 9 });
      await store.drop(uniqueName('never-there'));
      // Dropped means gone: it starts again from nothing, as a new projection does.
      await store.commit(p, { version: 2, expectedCheckpoint: null, checkpoint: 1n, changes: new Map() });
      expect(await store.getState(p)).toEqual({ version: 2, checkpoint: 1n });
    });

    it('hands out copies: mutating a document read does not change the stored one', async () => {
      const p = uniqueName('copy');
      await store.commit(p, { version: 1, expectedCheckpoint: null, checkpoint: 1n, changes: new Map([['k', { list: [1] }]]) });
      const doc = (await store.getDocument<{ list: number[] }>(p, 'k'))!;
      doc.list.push(2);
      expect(await store.getDocument(p, 'k')).toEqual({ list: [1] });
    });

    describe('with the projection runtime', () => {
      const seed = async () => {
        const events = createInMemoryEventStore();
        await events.appendToStream('pledge-a', [scored('a', 5), scored('a', 2.5)]);
        await events.appendToStream('pledge-b', [scored('b', 4), { type: 'Ignored', data: {} }]);
        await events.appendToStream('pledge-a', [scored('a', 1)]);
        return events;
      };

      it('catches up, and a rebuild gives deep-equal documents', async () => {
        const events = await seed();
        const runner = createProjectionRunner({ eventStore: events, projectionStore: store, projection: tallyProjection(uniqueName('tally')), batchSize: 2 });
        const progress = await runner.catchUp();
        expect(progress.checkpoint).toBe(await events.headPosition());
        const name = runner.projection.name;
        const first = await store.listDocuments(name);
        expect(first.map((d) => d.doc)).toEqual([
          { unit: 'a', points: 8.5, events: 3 },
          { unit: 'b', points: 4, events: 1 },
        ]);
        await runner.rebuild();
        expect(await store.listDocuments(name)).toEqual(first);
        await runner.catchUp();
        expect(await store.listDocuments(name)).toEqual(first);
      });

      it('rebuilds beside the live documents, which readers see whole until the swap', async () => {
        const events = await seed();
        const name = uniqueName('bluegreen');
        await createProjectionRunner({ eventStore: events, projectionStore: store, projection: tallyProjection(name) }).catchUp();
        const before = await store.listDocuments(name);
        await events.appendToStream('pledge-b', [scored('b', 10)]);
        const seen: Promise<unknown>[] = [];
        const runner = createProjectionRunner({
          eventStore: events,
          projectionStore: readsBeforePromote(store, seen),
          projection: tallyProjection(name),
          batchSize: 1,
          onProgress: () => {
            seen.push(store.listDocuments(name));
          },
        });
        await runner.rebuild();
        expect(seen.length).toBeGreaterThan(2);
        for (const docs of await Promise.all(seen)) expect(docs).toEqual(before);
        expect(await store.getDocument<Tally>(name, 'unit:b')).toEqual({ unit: 'b', points: 14, events: 2 });
        expect(await store.getState(`${name}~rebuild`)).toBeNull();
      });

      it('clears the staging a killed rebuild left behind when a runner starts', async () => {
        const events = await seed();
        const name = uniqueName('killed');
        const staging = `${name}~rebuild`;
        await createProjectionRunner({ eventStore: events, projectionStore: store, projection: tallyProjection(name) }).catchUp();
        // What a rebuild killed halfway leaves: staging state and documents nobody will promote.
        await store.reset(staging, 1);
        await store.commit(staging, { version: 1, expectedCheckpoint: null, checkpoint: 2n, changes: new Map([['unit:a', { stale: true }]]) });
        const before = await store.listDocuments(name);
        await createProjectionRunner({ eventStore: events, projectionStore: store, projection: tallyProjection(name) }).catchUp();
        expect(await store.getState(staging)).toBeNull();
        expect(await store.listDocuments(staging)).toEqual([]);
        expect(await store.listDocuments(name)).toEqual(before);
      });

      it('rebuilds when the projection version changes', async () => {
        const events = await seed();
        const name = uniqueName('versioned');
        await createProjectionRunner({ eventStore: events, projectionStore: store, projection: tallyProjection(name, 1) }).catchUp();
        await createProjectionRunner({ eventStore: events, projectionStore: store, projection: tallyProjection(name, 2) }).catchUp();
        expect((await store.getDocument<Tally>(name, 'unit:a'))?.points).toBe(17);
        expect((await store.getState(name))?.version).toBe(2);
      });

      it('stops on a throwing projection, naming the event, and keeps the last good checkpoint', async () => {
        const events = await seed();
        const name = uniqueName('failing');
        const runner = createProjectionRunner({ eventStore: events, projectionStore: store, projection: tallyProjection(name, 1, 1), batchSize: 2 });
        await expect(runner.catchUp()).rejects.toMatchObject({ code: 'projection_failed', streamId: 'pledge-a', revision: 2n, position: 5n });
        // Pages of two Scored events: positions 1–2 committed; the page 3+5 failed whole, so b's score at 3 is not kept.
        expect(await store.getState(name)).toEqual({ version: 1, checkpoint: 2n });
        expect((await store.getDocument<Tally>(name, 'unit:a'))?.events).toBe(2);
        expect(await store.getDocument(name, 'unit:b')).toBeUndefined();
      });

      it('follows live appends and supports read-your-writes', async () => {
        const events = await seed();
        const runner = createProjectionRunner({ eventStore: events, projectionStore: store, projection: tallyProjection(uniqueName('live')) });
        const { done } = runner.start();
        const appended = await events.appendToStream('pledge-c', [scored('c', 7)]);
        await runner.waitForPosition(appended.position, { timeoutMs: 5_000 });
        expect(await store.getDocument(runner.projection.name, 'unit:c')).toEqual({ unit: 'c', points: 7, events: 1 });
        await expect(runner.waitForPosition(appended.position + 100n, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'timeout' });
        await runner.stop();
        await expect(done).resolves.toBeUndefined();
      });

      it('replays as of a position into a fresh store without touching the live one', async () => {
        const events = await seed();
        const projection = tallyProjection(uniqueName('asof'));
        const asOf = await replayAsOf({ eventStore: events, projections: [projection], asOf: { position: 2n } });
        expect(await asOf.getDocument(projection.name, 'unit:a')).toEqual({ unit: 'a', points: 7.5, events: 2 });
        expect(await asOf.getDocument(projection.name, 'unit:b')).toBeUndefined();
        expect(await store.getState(projection.name)).toBeNull();
        const all: RecordedEvent[] = [];
        for await (const e of events.readAll()) all.push(e);
        const byTime = await replayAsOf({ eventStore: events, projections: [projection], asOf: { recordedAt: all[all.length - 1]!.recordedAt } });
        expect((await byTime.getDocument<Tally>(projection.name, 'unit:a'))?.points).toBe(8.5);
      });
    });
  });
}
