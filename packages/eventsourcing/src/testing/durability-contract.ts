import type { RecordedEvent } from '../envelope/envelope';
import { isTransientStoreError } from '../errors/store-unavailable';
import { createProjectionRunner } from '../projections/projection-runner';
import { describeProcessSuite, PROCESS_TEST_TIMEOUT_MS } from './process-test-context';
import { collect, expectSoundLog, wholeBatches } from './store-log-checks';
import type { StoreTarget } from './store-target';
import { expectedTally, TALLY_PROJECTION, tallyProjection, withoutAppliers, type TallyDoc } from './tally-projection';

const EVENTS_PER_APPEND = 4;

/** The batch ids of the lines `<prefix> <id>` a child printed, in order. */
const printed = (lines: readonly string[], prefix: string) => lines.filter((l) => l.startsWith(`${prefix} `)).map((l) => l.slice(prefix.length + 1));

/**
 * What a store must survive when its processes die: SIGKILL inside an
 * append and inside a projection commit (nothing partial, nothing
 * acknowledged lost, nothing applied twice), readers and writers meeting a
 * process frozen inside its write, and processes creating one new store
 * together. Every scenario runs real `node` processes (see
 * {@link StoreTarget}), coordinated by lines and flag files, never by sleeps.
 *
 * The store's own flags decide what is asserted: a store that is not
 * `durable` is only checked to keep nothing once reopened (no process can
 * share it); `densePositions` asks for positions 1, 2, 3… after every crash;
 * `concurrentWriters` decides what another writer meets while one process is
 * frozen inside an append: it goes ahead (`true`), or it waits for the
 * store-wide write lock and, with a short wait, fails as a transient
 * `store_unavailable`, writing nothing (`false`).
 *
 * @example
 * describeDurabilityContract('sqlite', storeTarget);
 */
export function describeDurabilityContract(name: string, target: StoreTarget): void {
  const notDurable = 'declares itself not durable, and indeed keeps nothing once closed and reopened';
  describeProcessSuite(`Durability contract: ${name}`, target, notDurable, (current, capabilities) => {
    const { densePositions, concurrentWriters } = capabilities;

    it(
      'keeps no part of an append killed inside its transaction, and appends on after a restart',
      async () => {
        const { children, open } = current();
        const child = children.start('appender', 'killed-appender', { batch: EVENTS_PER_APPEND, freezeAfter: 6 });
        await child.waitForLine((line) => line === 'frozen');
        await child.kill();
        const committed = printed(child.lines, 'committed');
        const inFlight = printed(child.lines, 'writing').pop()!;
        expect(committed).toHaveLength(6);
        expect(committed).not.toContain(inFlight);

        const { eventStore } = open();
        const batches = wholeBatches(await expectSoundLog(eventStore), densePositions);
        expect([...batches.keys()]).toEqual(committed);

        const restarted = children.start('appender', 'restarted-appender', { batch: EVENTS_PER_APPEND, limit: 3 });
        expect(await restarted.exited).toMatchObject({ code: 0 });
        const after = wholeBatches(await expectSoundLog(eventStore), densePositions);
        expect([...after.keys()]).toEqual([...committed, ...printed(restarted.lines, 'committed')]);
        if (densePositions) expect(await eventStore.headPosition()).toBe(BigInt(9 * EVENTS_PER_APPEND));
      },
      PROCESS_TEST_TIMEOUT_MS,
    );

    it(
      'loses no acknowledged append and keeps every append whole when killed at any point',
      async () => {
        const { children, open } = current();
        const child = children.start('appender', 'busy-appender', { batch: EVENTS_PER_APPEND });
        await child.waitForLine((line) => line === 'committed busy-appender-30');
        await child.kill();
        const acknowledged = printed(child.lines, 'committed');

        const stored = [...wholeBatches(await expectSoundLog(open().eventStore), densePositions).keys()];
        // Every acknowledged append is there, in order; at most one more committed before its acknowledgement got out.
        expect(stored.slice(0, acknowledged.length)).toEqual(acknowledged);
        expect(stored.length - acknowledged.length).toBeLessThanOrEqual(1);
        expect(stored).toEqual(stored.map((_, i) => `busy-appender-${i}`));
      },
      PROCESS_TEST_TIMEOUT_MS,
    );

    describe('projections', () => {
      /** 30 appends of Counted events over 5 streams, with events the tally ignores between them. */
      async function seed(): Promise<RecordedEvent[]> {
        const { eventStore } = current().open();
        for (let i = 0; i < 30; i += 1) {
          const events = Array.from({ length: EVENTS_PER_APPEND }, (_, k) => ({ type: 'Counted', data: { batch: `seed-${i}`, k, of: EVENTS_PER_APPEND } }));
          await eventStore.appendToStream(`s-${i % 5}`, events);
          if (i % 7 === 0) await eventStore.appendToStream('ignored', [{ type: 'Ignored', data: { i } }]);
        }
        return collect(eventStore.readAll());
      }
      const stored = async (projection: string) => {
        const { projectionStore } = current().open();
        return { docs: withoutAppliers(await projectionStore.listDocuments<TallyDoc>(projection)), state: await projectionStore.getState(projection) };
      };

      it(
        'resumes a projection killed inside a batch commit with no event applied twice or missed',
        async () => {
          const log = await seed();
          const head = log[log.length - 1]!.position;
          const { children } = current();
          const child = children.start('projector', 'killed-projector', { batch: 10, freezeAfter: 3 });
          await child.waitForLine((line) => line === 'frozen');
          await child.kill();
          const checkpoints = printed(child.lines, 'committed').map((line) => BigInt(line.split(' ')[1]!));
          expect(checkpoints).toHaveLength(3);
          const checkpoint = checkpoints[2]!;
          expect(checkpoint).toBeLessThan(head);

          // The documents are exactly the fold of the log up to the stored checkpoint: the killed batch left nothing.
          const after = await stored(TALLY_PROJECTION);
          expect(after.state).toEqual({ version: 1, checkpoint });
          expect(after.docs).toEqual(expectedTally(log.filter((e) => e.position <= checkpoint)));

          const restarted = children.start('projector', 'restarted-projector', { batch: 10 });
          expect(await restarted.exited).toMatchObject({ code: 0 });
          expect(restarted.lines).toContain(`done ${head}`);
          expect((await stored(TALLY_PROJECTION)).docs).toEqual(expectedTally(log));
        },
        PROCESS_TEST_TIMEOUT_MS,
      );

      it(
        'keeps the live documents whole when a blue/green rebuild is killed half-way',
        async () => {
          const log = await seed();
          const { children, open } = current();
          const first = children.start('projector', 'first-projector', { batch: 10 });
          expect(await first.exited).toMatchObject({ code: 0 });
          const live = await stored(TALLY_PROJECTION);
          expect(live.docs).toEqual(expectedTally(log));

          const rebuilding = children.start('projector', 'killed-rebuild', { batch: 10, mode: 'rebuild', freezeAfter: 3 });
          await rebuilding.waitForLine((line) => line === 'frozen');
          await rebuilding.kill();
          expect(await stored(TALLY_PROJECTION)).toEqual(live);
          const staging = await stored(`${TALLY_PROJECTION}~rebuild`);
          expect(staging.state?.checkpoint).toBeLessThan(live.state!.checkpoint!);

          const { eventStore, projectionStore } = open();
          await createProjectionRunner({ eventStore, projectionStore, projection: tallyProjection(), batchSize: 10 }).rebuild();
          expect(await stored(TALLY_PROJECTION)).toEqual(live);
          expect((await stored(`${TALLY_PROJECTION}~rebuild`)).state).toBeNull();
        },
        PROCESS_TEST_TIMEOUT_MS,
      );
    });

    it(
      concurrentWriters
        ? 'serves readers and lets other writers go ahead while another process is frozen inside an append'
        : 'serves readers while another process is frozen inside an append, and keeps other writers waiting for it',
      async () => {
        const { children, open } = current();
        const child = children.start('appender', 'frozen-appender', { batch: 5, freezeAfter: 3 });
        await child.waitForLine((line) => line === 'frozen');

        // Reads see the three committed appends only, and never wait for the writer.
        const other = open({ lockWaitMs: 50 });
        expect((await collect(other.eventStore.readAll())).map((e) => (e.data as { batch: string }).batch)).toEqual(
          ['frozen-appender-0', 'frozen-appender-1', 'frozen-appender-2'].flatMap((batch) => Array<string>(5).fill(batch)),
        );
        const head = await other.eventStore.headPosition();
        if (densePositions) expect(head).toBe(15n);
        expect(await collect(other.eventStore.readStream('s-0'))).toHaveLength(5);

        const checkpoint = { version: 1, expectedCheckpoint: null, checkpoint: 1n, changes: new Map([['k', { n: 1 }]]) };
        if (concurrentWriters) {
          // Writers that do not touch the frozen stream's row or the log order go ahead.
          await other.projectionStore.commit('beside-the-frozen-append', checkpoint);
          expect(await other.leases.tryAcquire('beside-the-frozen-append', 'other', 60_000)).toBe(true);
        } else {
          // One store-wide write lock: a writer that will not wait is refused as transient, and writes nothing.
          const refused = await other.eventStore.appendToStream('other', [{ type: 'Counted', data: {} }]).then(
            () => null,
            (error: unknown) => error,
          );
          expect(refused).toMatchObject({ code: 'store_unavailable', transient: true });
          expect(isTransientStoreError(refused)).toBe(true);
          await expect(other.projectionStore.commit('beside-the-frozen-append', checkpoint)).rejects.toMatchObject({ code: 'store_unavailable' });
          expect(await other.eventStore.headPosition()).toBe(head);
          expect(await other.projectionStore.getState('beside-the-frozen-append')).toBeNull();
        }

        await child.kill();
        const appended = await open().eventStore.appendToStream('other', [{ type: 'Counted', data: {} }]);
        if (densePositions) expect(appended.position).toBe(16n);
        expect(appended.position > head!).toBe(true);
      },
      PROCESS_TEST_TIMEOUT_MS,
    );

    it(
      'keeps the appends of processes that create one new store together whole, in one order',
      async () => {
        const { children, open } = current();
        const writers = ['a', 'b', 'c'].map((writer) => children.start('opener', `opener-${writer}`, { count: 40 }));
        await Promise.all(writers.map((writer) => writer.waitForLine((line) => line === 'ready')));
        children.raise('go');
        // Whole, so that a failing writer's stderr shows in the diff.
        for (const writer of writers) expect(await writer.exited).toEqual({ code: 0, signal: null, stderr: '' });

        const { eventStore } = open();
        const events = await expectSoundLog(eventStore);
        expect(events).toHaveLength(3 * 40 * 3);
        const shared = events.filter((e) => e.streamId === 'shared');
        expect(shared.map((e) => e.revision)).toEqual(shared.map((_, i) => BigInt(i)));
        for (const writer of writers) {
          const mine = shared.filter((e) => (e.data as { writer: string }).writer === writer.name).map((e) => (e.data as { i: number }).i);
          expect(mine).toEqual(Array.from({ length: 40 }, (_, i) => i));
          expect(await eventStore.streamRevision(`own-${writer.name}`)).toBe(79n);
        }
      },
      PROCESS_TEST_TIMEOUT_MS,
    );
  });
}
