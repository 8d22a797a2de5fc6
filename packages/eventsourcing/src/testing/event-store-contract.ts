import { z } from 'zod';
import type { RecordedEvent } from '../envelope/envelope';
import type { EventStore, StoreCapabilities } from '../event-store/event-store';
import type { EventStoreDriver } from '../driver/event-store-driver';
import { verifyChains } from '../hash-chain/hash-chain';
import { createEventRegistry, defineEvent, type EventRegistry } from '../registry/event-registry';
import { describeIntegrityContract } from './integrity-contract';
import { describeMultiStreamAppendContract } from './multi-stream-contract';
import { waitUntil } from './wait-until';
import { collect } from './store-log-checks';

/**
 * Builds a fresh, empty store; the suite closes it after each test. Pass
 * `options` on to the store (its `registry`, and its `wrapDriver`, through
 * which the suite injects faults such as a lost reply).
 */
export type EventStoreFactory = (options: {
  registry?: EventRegistry;
  wrapDriver?: (driver: EventStoreDriver) => EventStoreDriver;
}) => Promise<EventStore>;

let counter = 0;
/** Stream ids unique per test, so suites may share one backing database. */
const uniqueStream = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter += 1)}`;
const event = (n: number, type = 'Tested') => ({ type, data: { n } });
const expectCode = async (promise: Promise<unknown>, code: string) => {
  await expect(promise).rejects.toMatchObject({ code });
};

/**
 * The conformance suite every `EventStore` adapter runs. Real differences are
 * read from the store's own `capabilities`, never declared a second time and
 * never met by skipping tests by name: `densePositions` decides whether the
 * positions must be exactly 1, 2, 3… (with no hole left by a failed append)
 * or only increase. The process-level flags (`durable`, `concurrentWriters`)
 * are read by {@link describeDurabilityContract} and {@link describeReplicaContract}.
 *
 * @example
 * describeEventStoreContract('memory', async (options) => createInMemoryEventStore(options));
 */
export function describeEventStoreContract(name: string, factory: EventStoreFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let capabilities: StoreCapabilities;
    beforeEach(async () => {
      store = await factory({});
      capabilities = store.capabilities;
    });
    afterEach(async () => {
      await store.close();
    });

    describe('append and expected revisions', () => {
      it('starts a stream at revision 0n with no_stream and returns bigint revision and position', async () => {
        const s = uniqueStream('a');
        const result = await store.appendToStream(s, [event(1), event(2), event(3)], { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(2n);
        expect(typeof result.position).toBe('bigint');
        expect(result.alreadyAppended).toBe(false);
        expect(result.events.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        const read = await collect(store.readStream(s));
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(read.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
        for (const e of read) {
          expect(typeof e.position).toBe('bigint');
          expect(e.streamId).toBe(s);
          expect(e.schemaVersion).toBe(1);
        }
        expect(read[2]!.position).toBe(result.position);
      });

      it('refuses no_stream on an existing stream with the actual revision', async () => {
        const s = uniqueStream('a');
        await store.appendToStream(s, [event(1), event(2)]);
        await expect(store.appendToStream(s, [event(3)], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
          code: 'concurrency',
          streamId: s,
          expected: 'no_stream',
          actual: 1n,
        });
      });

      it('accepts stream_exists only when the stream exists', async () => {
        const s = uniqueStream('a');
        await expect(store.appendToStream(s, [event(1)], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
          code: 'concurrency',
          expected: 'stream_exists',
          actual: null,
        });
        await store.appendToStream(s, [event(1)], { expectedRevision: 'no_stream' });
        const result = await store.appendToStream(s, [event(2)], { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(1n);
      });

      it('accepts an exact revision only when it is the last one', async () => {
        const s = uniqueStream('a');
        await store.appendToStream(s, [event(1), event(2)], { expectedRevision: 'no_stream' });
        await expect(store.appendToStream(s, [event(3)], { expectedRevision: 0n })).rejects.toMatchObject({
          code: 'concurrency',
          expected: 0n,
          actual: 1n,
        });
        await expect(store.appendToStream(uniqueStream('missing'), [event(3)], { expectedRevision: 0n })).rejects.toMatchObject({
          code: 'concurrency',
          actual: null,
        });
        const ok = await store.appendToStream(s, [event(3)], { expectedRevision: 1n });
        expect(ok.nextExpectedRevision).toBe(2n);
      });

      it('accepts any whether or not the stream exists', async () => {
        const s = uniqueStream('a');
        await store.appendToStream(s, [event(1)], { expectedRevision: 'any' });
        const result = await store.appendToStream(s, [event(2)], { expectedRevision: 'any' });
        expect(result.nextExpectedRevision).toBe(1n);
        expect((await collect(store.readStream(s))).length).toBe(2);
      });

      it('refuses an empty append and an invalid stream id with validation_failed', async () => {
        await expectCode(store.appendToStream(uniqueStream('a'), []), 'validation_failed');
        await expectCode(store.appendToStream('has space', [event(1)]), 'validation_failed');
        expect(await store.headPosition()).toBeNull();
      });

      it('writes nothing of a multi-event append that fails', async () => {
        const s = uniqueStream('atomic');
        await store.appendToStream(s, [event(1)]);
        await expectCode(store.appendToStream(s, [event(2), event(3)], { expectedRevision: 5n }), 'concurrency');
        // A payload that cannot be hashed (a bigint) fails the whole batch, not just its own event.
        await expect(store.appendToStream(s, [event(2), { type: 'Tested', data: { n: 10n } }])).rejects.toThrow();
        const read = await collect(store.readStream(s));
        expect(read.map((e) => (e.data as { n: number }).n)).toEqual([1]);
      });

      it('keeps concurrent multi-event appends whole: one batch wins, the other writes nothing', async () => {
        const s = uniqueStream('atomic');
        const batch = (tag: string) => [0, 1, 2, 3, 4].map((n) => ({ type: 'Tested', data: { tag, n } }));
        const results = await Promise.allSettled([
          store.appendToStream(s, batch('a'), { expectedRevision: 'no_stream' }),
          store.appendToStream(s, batch('b'), { expectedRevision: 'no_stream' }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(loser.reason).toMatchObject({ code: 'concurrency' });
        const read = await collect(store.readStream(s));
        expect(read).toHaveLength(5);
        expect(new Set(read.map((e) => (e.data as { tag: string }).tag)).size).toBe(1);
      });

      it('treats re-appending the same event ids at the same revision as a no-op', async () => {
        const s = uniqueStream('idem');
        const first = [
          { id: '0b7f4a5e-8d1c-4c1e-9a57-1d2f3e4a5b60', type: 'Tested', data: { n: 1 } },
          { id: '0b7f4a5e-8d1c-4c1e-9a57-1d2f3e4a5b61', type: 'Tested', data: { n: 2 } },
        ];
        const once = await store.appendToStream(s, first, { expectedRevision: 'no_stream' });
        const head = await store.headPosition();
        const again = await store.appendToStream(s, first, { expectedRevision: 'no_stream' });
        expect(again.alreadyAppended).toBe(true);
        expect(again.nextExpectedRevision).toBe(once.nextExpectedRevision);
        expect(again.position).toBe(once.position);
        expect(await store.headPosition()).toBe(head);
        await store.appendToStream(s, [{ id: '0b7f4a5e-8d1c-4c1e-9a57-1d2f3e4a5b62', type: 'Tested', data: { n: 3 } }], { expectedRevision: 1n });
        const third = await store.appendToStream(s, [{ id: '0b7f4a5e-8d1c-4c1e-9a57-1d2f3e4a5b62', type: 'Tested', data: { n: 3 } }], { expectedRevision: 1n });
        expect(third.alreadyAppended).toBe(true);
        // Different ids at a taken revision are a real conflict.
        await expectCode(store.appendToStream(s, [event(9)], { expectedRevision: 1n }), 'concurrency');
        expect((await collect(store.readStream(s))).length).toBe(3);
      });

      it('lets exactly one of 20 racing appenders win each revision, losing nothing', async () => {
        const s = uniqueStream('race');
        await store.appendToStream(s, [event(-1)], { expectedRevision: 'no_stream' });
        let conflicts = 0;
        // The first round starts together: every writer has read the tip before any of them appends.
        let readers = 0;
        let allRead!: () => void;
        const firstRound = new Promise<void>((resolve) => (allRead = resolve));
        const writer = async (w: number) => {
          for (let round = 0; ; round += 1) {
            const revision = await store.streamRevision(s);
            if (round === 0) {
              readers += 1;
              if (readers === 20) allRead();
              await firstRound;
            }
            try {
              await store.appendToStream(s, [{ type: 'Tested', data: { writer: w } }], { expectedRevision: revision ?? 'no_stream' });
              return;
            } catch (error) {
              expect(error).toMatchObject({ code: 'concurrency' });
              conflicts += 1;
            }
          }
        };
        await Promise.all(Array.from({ length: 20 }, (_, w) => writer(w)));
        const read = await collect(store.readStream(s));
        expect(read.map((e) => e.revision)).toEqual(Array.from({ length: 21 }, (_, i) => BigInt(i)));
        const writers = read.slice(1).map((e) => (e.data as { writer: number }).writer).sort((a, b) => a - b);
        expect(writers).toEqual(Array.from({ length: 20 }, (_, i) => i));
        // All read revision 0 before anyone appended: all but one lost that first round.
        expect(conflicts).toBeGreaterThanOrEqual(19);
      });
    });

    describe('envelope', () => {
      it('returns recordedAt as an ISO-8601 instant from the store clock', async () => {
        const before = Date.now();
        const s = uniqueStream('time');
        await store.appendToStream(s, [event(1)]);
        const [read] = await collect(store.readStream(s));
        expect(read!.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
        const at = Date.parse(read!.recordedAt);
        expect(at).toBeGreaterThanOrEqual(before - 5_000);
        expect(at).toBeLessThanOrEqual(Date.now() + 5_000);
      });

      it('round-trips a 100 KB payload, Vietnamese text and metadata extras exactly', async () => {
        const s = uniqueStream('payload');
        const big = 'Khối Thi đua Kinh tế - Kỹ thuật tỉnh Tây Ninh; '.repeat(2_200);
        const data = {
          text: big,
          title: 'Cờ Luân lưu khối trưởng — Sở Thông tin và Truyền thông',
          nested: { list: [1, 2.5, -3, null, true, 'ẩ ự ỹ 𝓍'], empty: {} },
        };
        const metadata = { commandId: 'c-1', actor: { id: 'u', role: 'council' }, note: 'bình bầu' };
        await store.appendToStream(s, [{ type: 'Tested', data, metadata }]);
        const [read] = await collect(store.readStream(s));
        expect(Buffer.byteLength(JSON.stringify(read!.data))).toBeGreaterThan(100_000);
        expect(read!.data).toEqual(data);
        expect(read!.metadata).toMatchObject(metadata);
        expect(read!.type).toBe('Tested');
      });

      it('chains hashes per stream so that verifyChains accepts the raw log', async () => {
        const a = uniqueStream('chain');
        const b = uniqueStream('chain');
        await store.appendToStream(a, [event(1), event(2)]);
        await store.appendToStream(b, [event(1)]);
        await store.appendToStream(a, [event(3)]);
        const events = await collect(store.readStream(a, { raw: true }));
        expect(events[0]!.metadata.prevHash).toBeNull();
        expect(events[1]!.metadata.prevHash).toBe(events[0]!.metadata.hash);
        expect(events[2]!.metadata.prevHash).toBe(events[1]!.metadata.hash);
        expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.metadata.hash))).toBe(true);
        const verified = await verifyChains(store.readAll({ raw: true }));
        expect(verified.firstBreak).toBeNull();
        expect(verified.verified).toBe(4);
      });
    });

    describe('bookkeeping and stored anchors', () => {
      it('records what its capabilities claim: bookkeeping that agrees with the events, anchors that read back', async () => {
        const a = uniqueStream('books');
        await store.appendToStream(a, [event(1), event(2)]);
        const last = (await store.appendToStream(a, [event(3)])).events[0]!;
        expect(store.bookkeeping !== undefined).toBe(capabilities.bookkeeping === true);
        expect(store.recordAnchor !== undefined && store.storedAnchors !== undefined).toBe(capabilities.storedAnchors === true);
        if (store.bookkeeping) {
          const books = await store.bookkeeping();
          expect(books.head).toBe(await store.headPosition());
          if (books.tips !== null) expect(books.tips.find((tip) => tip.streamId === a)).toEqual({ streamId: a, revision: 2n, hash: last.metadata.hash });
        }
        if (store.recordAnchor && store.storedAnchors) {
          const before = (await store.storedAnchors()).length;
          const anchor = { position: last.position, streams: 1, tipsDigest: 'a'.repeat(64), eventsDigest: 'b'.repeat(64), anchoredAt: '2026-01-02T03:04:05.000Z' };
          await store.recordAnchor(anchor);
          const stored = await store.storedAnchors();
          expect(stored).toHaveLength(before + 1);
          expect(stored[stored.length - 1]).toEqual(anchor);
        }
      });
    });

    describe('readStream', () => {
      it('reads forwards and backwards, from a revision, with a maximum count', async () => {
        const s = uniqueStream('r');
        await store.appendToStream(s, Array.from({ length: 10 }, (_, i) => event(i)));
        const n = (events: RecordedEvent[]) => events.map((e) => (e.data as { n: number }).n);
        expect(n(await collect(store.readStream(s, { fromRevision: 3n, maxCount: 4 })))).toEqual([3, 4, 5, 6]);
        expect(n(await collect(store.readStream(s, { direction: 'backwards' })))).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        expect(n(await collect(store.readStream(s, { direction: 'backwards', fromRevision: 4n, maxCount: 3 })))).toEqual([4, 3, 2]);
        expect(n(await collect(store.readStream(s, { direction: 'backwards', maxCount: 1 })))).toEqual([9]);
        expect(n(await collect(store.readStream(s, { fromRevision: 10n })))).toEqual([]);
        expect(n(await collect(store.readStream(s, { maxCount: 0 })))).toEqual([]);
      });

      it('reads a missing stream as empty and reports no revision', async () => {
        const s = uniqueStream('missing');
        expect(await collect(store.readStream(s))).toEqual([]);
        expect(await collect(store.readStream(s, { direction: 'backwards' }))).toEqual([]);
        expect(await store.streamRevision(s)).toBeNull();
      });

      it('pages through a stream longer than one page', async () => {
        const s = uniqueStream('long');
        for (let i = 0; i < 5; i += 1) await store.appendToStream(s, Array.from({ length: 500 }, (_, j) => event(i * 500 + j)));
        const read = await collect(store.readStream(s));
        expect(read).toHaveLength(2_500);
        expect(read.every((e, i) => e.revision === BigInt(i))).toBe(true);
        const back = await collect(store.readStream(s, { direction: 'backwards' }));
        expect(back[0]!.revision).toBe(2_499n);
        expect(back[2_499]!.revision).toBe(0n);
        expect(await store.streamRevision(s)).toBe(2_499n);
      });
    });

    describe('aggregateStream', () => {
      const fold = {
        initialState: () => [] as number[],
        evolve: (state: number[], e: RecordedEvent) => [...state, (e.data as { n: number }).n],
      };

      it('folds every event of a stream in revision order, across pages, and returns its last revision', async () => {
        const s = uniqueStream('agg');
        for (let i = 0; i < 3; i += 1) await store.appendToStream(s, Array.from({ length: 500 }, (_, j) => event(i * 500 + j)));
        await store.appendToStream(uniqueStream('other'), [event(-1)]);
        const { state, revision } = await store.aggregateStream(s, fold);
        expect(state).toEqual(Array.from({ length: 1_500 }, (_, i) => i));
        expect(revision).toBe(1_499n);
      });

      it('returns the initial state and no revision for a missing stream', async () => {
        const initial: number[] = [];
        const result = await store.aggregateStream(uniqueStream('missing'), { ...fold, initialState: () => initial });
        expect(result.state).toBe(initial);
        expect(result.revision).toBeNull();
      });

      it('rejects with the error a throwing evolve raises', async () => {
        const s = uniqueStream('agg');
        await store.appendToStream(s, [event(1), event(2)]);
        const failing = {
          ...fold,
          evolve: (state: number[], e: RecordedEvent) => {
            if (e.revision === 1n) throw new Error('rule in evolve');
            return fold.evolve(state, e);
          },
        };
        await expect(store.aggregateStream(s, failing)).rejects.toThrow('rule in evolve');
      });
    });

    describe('readAll', () => {
      it('returns every stream in one increasing order, from an inclusive position, with filters', async () => {
        const prefix = uniqueStream('all');
        const a = `${prefix}-a`;
        const b = `${prefix}-b`;
        await store.appendToStream(a, [event(1, 'A1'), event(2, 'A2')]);
        await store.appendToStream(b, [event(3, 'B1')]);
        await store.appendToStream(a, [event(4, 'A1')]);
        const all = await collect(store.readAll());
        expect(all.map((e) => e.type)).toEqual(['A1', 'A2', 'B1', 'A1']);
        for (let i = 1; i < all.length; i += 1) expect(all[i]!.position > all[i - 1]!.position).toBe(true);
        if (capabilities.densePositions) expect(all.map((e) => e.position)).toEqual([1n, 2n, 3n, 4n]);
        expect(await store.headPosition()).toBe(all[3]!.position);

        const fromThird = await collect(store.readAll({ fromPosition: all[2]!.position }));
        expect(fromThird.map((e) => e.type)).toEqual(['B1', 'A1']);
        expect((await collect(store.readAll({ maxCount: 2 }))).map((e) => e.type)).toEqual(['A1', 'A2']);
        expect((await collect(store.readAll({ filter: { streamPrefixes: [b] } }))).map((e) => e.type)).toEqual(['B1']);
        expect((await collect(store.readAll({ filter: { eventTypes: ['A1'] } }))).map((e) => e.streamId)).toEqual([a, a]);
        expect(
          (await collect(store.readAll({ filter: { streamPrefixes: [a], eventTypes: ['A2'] } }))).map((e) => e.type),
        ).toEqual(['A2']);
        const page = await store.readAllPage({ fromPosition: all[1]!.position, maxCount: 2 });
        expect(page.map((e) => e.type)).toEqual(['A2', 'B1']);
      });

      it('numbers the log densely when it says so, whatever failed or raced on the way; otherwise only increasingly', async () => {
        const prefix = uniqueStream('dense');
        await store.appendToStream(`${prefix}-a`, [event(1), event(2)]);
        // A refused append, a batch that cannot be sealed, and a lost no_stream race: none may take a position.
        await expectCode(store.appendToStream(`${prefix}-a`, [event(3)], { expectedRevision: 'no_stream' }), 'concurrency');
        await expect(store.appendToStream(`${prefix}-b`, [event(4), { type: 'Tested', data: { n: 5n } }])).rejects.toThrow();
        await Promise.allSettled([0, 1].map((n) => store.appendToStream(`${prefix}-c`, [event(n)], { expectedRevision: 'no_stream' })));
        await Promise.all(Array.from({ length: 6 }, (_, n) => store.appendToStream(`${prefix}-d${n}`, [event(n), event(n)])));
        await store.appendToStream(`${prefix}-a`, [event(6)]);
        const positions = (await collect(store.readAll())).map((e) => e.position);
        expect(positions).toHaveLength(2 + 1 + 12 + 1);
        if (capabilities.densePositions) {
          expect(positions).toEqual(positions.map((_, i) => BigInt(i + 1)));
        } else {
          for (let i = 1; i < positions.length; i += 1) expect(positions[i]! > positions[i - 1]!).toBe(true);
        }
        expect(await store.headPosition()).toBe(positions[positions.length - 1]);
      });

      it('reports an empty store with a null head and no events', async () => {
        expect(await store.headPosition()).toBeNull();
        expect(await collect(store.readAll())).toEqual([]);
      });
    });

    describe('catch-up subscription', () => {
      it('resumes after a checkpoint (exclusive), follows live, and never skips or repeats under concurrent writers', async () => {
        const prefix = uniqueStream('sub');
        await store.appendToStream(`${prefix}-0`, [event(0), event(1), event(2)]);
        const history = await collect(store.readAll());
        const checkpoint = history[1]!.position;

        const received: RecordedEvent[] = [];
        const writers = 4;
        const perWriter = 25;
        const total = 1 + writers * perWriter; // the third history event, then everything written live
        let resolveAll!: () => void;
        const all = new Promise<void>((resolve) => (resolveAll = resolve));
        const subscription = store.subscribeToAll({
          afterPosition: checkpoint,
          batchSize: 7,
          pollIntervalMs: 20,
          onEvent: async (e) => {
            received.push(e);
            if (received.length === total) resolveAll();
          },
        });
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < perWriter; i += 1) {
              await store.appendToStream(`${prefix}-w${w}`, [{ type: 'Tested', data: { w, i } }]);
            }
          }),
        );
        await all;
        await subscription.stop();
        await subscription.done;

        const expected = await collect(store.readAll({ fromPosition: checkpoint + 1n }));
        expect(received.map((e) => e.id)).toEqual(expected.map((e) => e.id));
        expect(new Set(received.map((e) => e.id)).size).toBe(received.length);
        for (let i = 1; i < received.length; i += 1) expect(received[i]!.position > received[i - 1]!.position).toBe(true);
      });

      it('delivers only filtered events, reports catching up, and stops cleanly', async () => {
        const prefix = uniqueStream('subf');
        await store.appendToStream(`${prefix}-x`, [event(1, 'Wanted'), event(2, 'Other')]);
        const received: string[] = [];
        let caughtUp = 0;
        const subscription = store.subscribeToAll({
          filter: { eventTypes: ['Wanted'] },
          pollIntervalMs: 10,
          onEvent: (e) => {
            received.push(e.type);
          },
          onCaughtUp: () => {
            caughtUp += 1;
          },
        });
        await waitUntil(() => caughtUp > 0, { what: 'the subscription caught up' });
        await store.appendToStream(`${prefix}-y`, [event(3, 'Other'), event(4, 'Wanted')]);
        await waitUntil(() => received.length === 2, { what: 'both wanted events delivered' });
        await subscription.stop();
        await store.appendToStream(`${prefix}-z`, [event(5, 'Wanted')]);
        await new Promise((resolve) => setTimeout(resolve, 60));
        expect(received).toEqual(['Wanted', 'Wanted']);
        await expect(subscription.done).resolves.toBeUndefined();
      });

      it('ends with the handler error when onEvent throws', async () => {
        const s = uniqueStream('subx');
        await store.appendToStream(s, [event(1), event(2)]);
        const errors: unknown[] = [];
        const subscription = store.subscribeToAll({
          onEvent: (e) => {
            if ((e.data as { n: number }).n === 2) throw new Error('handler failed');
          },
          onError: (error) => errors.push(error),
        });
        await expect(subscription.done).rejects.toThrow('handler failed');
        expect(errors).toHaveLength(1);
        await subscription.stop();
      });
    });

    describe('registry', () => {
      const Scored = defineEvent(
        'Scored',
        z.object({ points: z.number().min(0), assessor: z.enum(['self', 'verified']) }),
        {
          version: 2,
          history: {
            1: {
              schema: z.object({ points: z.number() }),
              upcast: (data) => {
                const v1 = data as { points: number };
                if (v1.points === 13) throw new Error('unlucky payload');
                return { points: v1.points, assessor: 'self' };
              },
            },
          },
        },
      );
      let typed: EventStore;
      beforeEach(async () => {
        typed = await factory({ registry: createEventRegistry([Scored]) });
      });
      afterEach(async () => {
        await typed.close();
      });

      it('validates on append (validation_failed, nothing appended) and defaults to the current version', async () => {
        const s = uniqueStream('reg');
        await expectCode(typed.appendToStream(s, [{ type: 'Scored', data: { points: -1, assessor: 'self' } }]), 'validation_failed');
        await expectCode(typed.appendToStream(s, [{ type: 'Unknown', data: {} }]), 'validation_failed');
        await expectCode(
          typed.appendToStream(s, [{ type: 'Scored', data: { points: 1, assessor: 'self' } }, { type: 'Scored', data: {} }]),
          'validation_failed',
        );
        expect(await typed.headPosition()).toBeNull();
        await typed.appendToStream(s, [{ type: 'Scored', data: { points: 1, assessor: 'verified' } }]);
        const [read] = await collect(typed.readStream(s));
        expect(read!.schemaVersion).toBe(2);
      });

      it('upcasts older versions on read and reports corrupt payloads as corrupt_log naming stream and revision', async () => {
        const s = uniqueStream('reg');
        await typed.appendToStream(s, [
          { type: 'Scored', schemaVersion: 2, data: { points: 1, assessor: 'verified' } },
          { type: 'Scored', schemaVersion: 1, data: { points: 4 } },
          { type: 'Scored', schemaVersion: 1, data: { points: 13 } },
        ]);
        // Older versions are stored as written (their hashes cover them) and upcast on read.
        const raw = await collect(typed.readStream(s, { raw: true }));
        expect(raw.map((e) => e.schemaVersion)).toEqual([2, 1, 1]);
        const current = await collect(typed.readStream(s, { maxCount: 2 }));
        expect(current.map((e) => [e.schemaVersion, e.data])).toEqual([
          [2, { points: 1, assessor: 'verified' }],
          [2, { points: 4, assessor: 'self' }],
        ]);
        const folded = await typed.aggregateStream(uniqueStream('reg'), { initialState: () => 0, evolve: (n) => n + 1 });
        expect(folded).toEqual({ state: 0, revision: null });
        const failure = collect(typed.readStream(s));
        await expect(failure).rejects.toMatchObject({ code: 'corrupt_log', streamId: s, revision: 2n });
        await expect(collect(typed.readAll())).rejects.toMatchObject({ code: 'corrupt_log', streamId: s, revision: 2n });
        // aggregateStream sees the events readStream returns: upcast, and the corrupt one refused.
        const seen: [number, unknown][] = [];
        const folding = typed.aggregateStream(s, {
          initialState: () => seen,
          evolve: (state, e) => {
            state.push([e.schemaVersion, e.data]);
            return state;
          },
        });
        await expect(folding).rejects.toMatchObject({ code: 'corrupt_log', streamId: s, revision: 2n });
        expect(seen).toEqual(current.map((e) => [e.schemaVersion, e.data]));
      });
    });
  });
  describeIntegrityContract(name, factory);
  describeMultiStreamAppendContract(name, factory);
}
