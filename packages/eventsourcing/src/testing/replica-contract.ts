import { isDeepStrictEqual } from 'node:util';
import type { RecordedEvent } from '../envelope/envelope';
import { isTransientStoreError } from '../errors/store-unavailable';
import type { EventStore } from '../event-store/event-store';
import { createProjectionRunner, waitForCheckpoint } from '../projections/projection-runner';
import type { ChildProcessHandle } from './child-process';
import { createCommandHandler } from '../command-handler/command-handler';
import { StreamStateCache } from '../command-handler/stream-state-cache';
import { counterDecider, counterRegistry, counterStream, createCounterHandler, type CounterCommand } from './counter-decider';
import { addTo, CLOSED_COUNTER, counterWorkload, openCounters } from './counter-workload';
import { describeProcessSuite, PROCESS_TEST_TIMEOUT_MS } from './process-test-context';
import { releaseFlag } from './store-children';
import { collect, expectSoundLog } from './store-log-checks';
import type { StoreTarget } from './store-target';
import { expectedTally, TALLY_PROJECTION, tallyProjection, withoutAppliers, type TallyDoc } from './tally-projection';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const STAGING = `${TALLY_PROJECTION}~rebuild`;

/** Appends `count` appends of Counted events (two each, and an ignored one now and then) over five streams. */
async function appendCounted(store: EventStore, count: number, from = 0): Promise<void> {
  for (let n = from; n < from + count; n += 1) {
    await store.appendToStream(`s-${n % 5}`, [
      { type: 'Counted', data: { n } },
      { type: 'Counted', data: { n } },
      ...(n % 7 === 0 ? [{ type: 'Ignored', data: { n } }] : []),
    ]);
  }
}

/**
 * What a store must do for several processes sharing it, as replicas of a
 * backend (or a backend, a CLI and an auditor on one machine) do: run each
 * projection in one process at a time under a lease and hand it over when
 * its holder is killed, settle unleased catch-ups by the checkpoint guard,
 * keep conflicting commands from several processes whole, let one process
 * wait for another's write (read-your-writes), swap a blue/green rebuild
 * in at once for readers elsewhere, and never let a command state cache
 * decide on a state another handle has moved on from. Every process is real (see
 * {@link StoreTarget}); they are coordinated by lines and flag files, and no
 * assertion measures time.
 *
 * Only a `durable` store can be shared by processes; one that is not is
 * checked to keep nothing once reopened.
 *
 * @example
 * describeReplicaContract('postgres', storeTarget);
 */
export function describeReplicaContract(name: string, target: StoreTarget): void {
  const notDurable = 'is not shared by processes (it is not durable): a second opening sees nothing of the first';
  describeProcessSuite(`Replica contract: ${name}`, target, notDurable, (current) => {
    /** The test's store, opened here, with `count` appends of Counted events in it. */
    const seeded = async (count: number) => {
      const { children, open } = current();
      const handles = open();
      await appendCounted(handles.eventStore, count);
      const log = await collect(handles.eventStore.readAll());
      return { ...handles, children, log, head: log[log.length - 1]!.position };
    };

    it(
      'runs a leased projection in one process at a time, hands it over only after a killed holder’s lease ran out, and applies every event once',
      async () => {
        const ttlMs = 1_000;
        const { children, open } = current();
        const { eventStore, projectionStore, leases } = open();
        // While a holder is frozen inside a commit, appends go through a handle that gives up on a store-wide lock at once.
        const impatient = open({ lockWaitMs: 20 }).eventStore;
        let n = 0;
        const append = async (count: number) => {
          await appendCounted(eventStore, count, n);
          n += count;
        };
        await append(40);

        const replicas = new Map<string, ChildProcessHandle>();
        for (const replica of ['r0', 'r1', 'r2']) {
          replicas.set(replica, children.start('replica', replica, { ttlMs, renewMs: 250, retryMs: 100, batch: 20 }));
        }
        await Promise.all([...replicas.values()].map((replica) => replica.waitForLine((line) => line === 'ready')));

        const victims: string[] = [];
        for (let kill = 0; kill < 2; kill += 1) {
          // The next victim: a holder not killed yet, that has committed batches of its own.
          let holder = await leases.holder(TALLY_PROJECTION);
          while (!holder || victims.includes(holder.owner) || !replicas.get(holder.owner)?.lines.some((l) => l.startsWith(`committed ${TALLY_PROJECTION} `))) {
            await append(3);
            await pause(10);
            holder = await leases.holder(TALLY_PROJECTION);
          }
          const victim = replicas.get(holder.owner)!;
          victims.push(holder.owner);
          // Freeze it inside its next batch commit, and give it a batch to commit.
          victim.send('freeze 0');
          while (!victim.lines.includes('frozen')) {
            await appendCounted(impatient, 1, n).then(
              () => void (n += 1),
              (error: unknown) => {
                if (!isTransientStoreError(error)) throw error;
              },
            );
            await pause(10);
          }
          let lastExpiry = (await leases.holder(TALLY_PROJECTION))?.expiresAt ?? holder.expiresAt;
          await victim.kill();

          // Follow the lease until someone else holds it; the dead holder's last expiry is the last one seen under its name.
          let next = await leases.holder(TALLY_PROJECTION);
          while (!next || next.owner === holder.owner) {
            if (next) lastExpiry = next.expiresAt;
            await pause(5);
            next = await leases.holder(TALLY_PROJECTION);
          }
          expect(replicas.has(next.owner)).toBe(true);
          expect(victims).not.toContain(next.owner);
          // Taken when its expiry was set: never before the dead holder's lease ran out (both on the lease store's clock).
          expect(next.expiresAt - ttlMs).toBeGreaterThanOrEqual(lastExpiry);
          await append(10);
        }

        await append(5);
        const log: RecordedEvent[] = await collect(eventStore.readAll());
        await waitForCheckpoint(projectionStore, TALLY_PROJECTION, log[log.length - 1]!.position, { timeoutMs: 60_000 });
        // Every event applied exactly once, whoever held the lease.
        const docs = await projectionStore.listDocuments<TallyDoc>(TALLY_PROJECTION);
        expect(withoutAppliers(docs)).toEqual(expectedTally(log));
        const appliers = new Set(docs.flatMap(({ doc }) => doc.appliedBy));
        for (const victim of victims) expect(appliers).toContain(victim);

        // The survivor holds the lease, stops cleanly on SIGTERM, and gives it back.
        const [survivorName, survivor] = [...replicas].find(([replica]) => !victims.includes(replica))!;
        expect((await leases.holder(TALLY_PROJECTION))?.owner).toBe(survivorName);
        expect(await survivor.kill('SIGTERM')).toMatchObject({ code: 0 });
        expect(survivor.lines).toContain('stopped');
        expect(await leases.holder(TALLY_PROJECTION)).toBeNull();
      },
      PROCESS_TEST_TIMEOUT_MS,
    );

    it(
      'lets an unleased catch-up run beside a leased runner in another process: the checkpoint guard settles every race',
      async () => {
        const { children, open } = current();
        const { eventStore, projectionStore } = open();
        await appendCounted(eventStore, 30);
        const backend = children.start('replica', 'backend', { ttlMs: 60_000, retryMs: 50, batch: 5 });
        await backend.waitForLine((line) => line === 'ready');

        // What a CLI does before reading: an unleased catch-up, here against the backend's live runner.
        const outcomes = new Set<string>();
        for (let n = 30; n < 90; n += 1) {
          await appendCounted(eventStore, 1, n);
          const cli = createProjectionRunner({ eventStore, projectionStore, projection: tallyProjection({ applier: 'cli' }), batchSize: 5 });
          outcomes.add(await cli.catchUp().then(() => 'ok', (error: unknown) => (error as { code?: string }).code ?? String(error)));
        }
        for (const outcome of outcomes) expect(['ok', 'concurrency']).toContain(outcome);

        const log: RecordedEvent[] = await collect(eventStore.readAll());
        await waitForCheckpoint(projectionStore, TALLY_PROJECTION, log[log.length - 1]!.position, { timeoutMs: 60_000 });
        expect(withoutAppliers(await projectionStore.listDocuments<TallyDoc>(TALLY_PROJECTION))).toEqual(expectedTally(log));
        expect(await backend.kill('SIGTERM')).toMatchObject({ code: 0 });
      },
      PROCESS_TEST_TIMEOUT_MS,
    );

    it(
      'keeps conflicting commands from several processes whole: nothing acknowledged lost, each written once, nothing refused written',
      async () => {
        const replicas = 3;
        const commands = 40;
        const { children, open } = current();
        const { eventStore, projectionStore, leases } = open({ registry: counterRegistry });
        const execute = createCounterHandler(eventStore);
        for (const command of openCounters()) await execute(command);
        // This process runs the projection while the others write.
        const live = createProjectionRunner({
          eventStore,
          projectionStore,
          projection: tallyProjection({ applier: 'parent' }),
          lease: { leases, owner: 'parent', ttlMs: 60_000 },
        });
        const running = live.start();
        current().defer(() => live.stop());

        const commanders = Array.from({ length: replicas }, (_, index) => children.start('commander', `commander-${index}`, { index, replicas, commands }));
        await Promise.all(commanders.map((commander) => commander.waitForLine((line) => line === 'ready')));
        for (const commander of commanders) commander.send('go');
        for (const commander of commanders) expect(await commander.exited).toMatchObject({ code: 0 });

        const acknowledged = new Map<string, { position: bigint; duplicate: boolean }[]>();
        const rejected: { commandId: string; code: string; rule: string }[] = [];
        let conflicts = 0;
        for (const [index, commander] of commanders.entries()) {
          const answered: string[] = [];
          for (const line of commander.lines) {
            const [kind, commandId = '', a = '', b = ''] = line.split(' ');
            if (kind === 'ok') acknowledged.set(commandId, [...(acknowledged.get(commandId) ?? []), { position: BigInt(a), duplicate: b === 'true' }]);
            if (kind === 'rejected') rejected.push({ commandId, code: a, rule: b });
            if (kind === 'ok' || kind === 'rejected') answered.push(commandId);
            if (kind === 'conflicts') conflicts += Number(commandId);
          }
          // Every command answered once, in the order sent.
          expect(answered).toEqual(counterWorkload(index, commands).map((command) => command.commandId));
        }
        // Every refusal is a rule (the retries never ran out), and both rules of the workload were met.
        expect(new Set(rejected.map((r) => `${r.code} ${r.rule}`))).toEqual(new Set(['rule_violated counter.exceeds_max', 'rule_violated counter.closed']));
        // The processes did decide on the same revisions, and the shared commands were answered as duplicates.
        expect(conflicts).toBeGreaterThan(0);
        expect([...acknowledged.values()].flat().some((answer) => answer.duplicate)).toBe(true);

        // The log: every acknowledged command exactly once, at the position it was acknowledged with; nothing else.
        const log = await expectSoundLog(eventStore);
        const byCommand = new Map<string, RecordedEvent[]>();
        for (const event of log) byCommand.set(String(event.metadata.commandId), [...(byCommand.get(String(event.metadata.commandId)) ?? []), event]);
        expect(new Set([...byCommand.keys()].filter((id) => !id.startsWith('setup-')))).toEqual(new Set(acknowledged.keys()));
        for (const [commandId, answers] of acknowledged) {
          const events = byCommand.get(commandId)!;
          expect({ commandId, events: events.length }).toEqual({ commandId, events: 1 });
          for (const answer of answers) expect({ commandId, position: answer.position }).toEqual({ commandId, position: events[0]!.position });
        }
        // Nothing was added to the closed counter after it closed.
        const closed = log.filter((e) => e.streamId === counterStream(CLOSED_COUNTER));
        const closedAt = closed.findIndex((e) => e.type === 'CounterClosed');
        expect(closedAt).toBeGreaterThan(0);
        expect(closed.slice(closedAt + 1)).toEqual([]);

        // The projection this process ran while the others wrote equals a fold of the log.
        await live.waitForPosition(log[log.length - 1]!.position, { timeoutMs: 60_000 });
        await live.stop();
        await running.done;
        expect(withoutAppliers(await projectionStore.listDocuments<TallyDoc>(TALLY_PROJECTION))).toEqual(expectedTally(log));
      },
      PROCESS_TEST_TIMEOUT_MS,
    );

    it(
      'lets a reader in one process wait for a position written by another, and time out with a typed error while nobody projects',
      async () => {
        const { children, open } = current();
        const { eventStore, projectionStore, leases } = open({ registry: counterRegistry });
        const execute = createCounterHandler(eventStore);
        for (const command of openCounters()) await execute(command);
        const ready = (child: ChildProcessHandle) => child.waitForLine((line) => line === 'ready');
        const first = children.start('replica', 'projector-1');
        const writer = children.start('writer', 'writer');
        const reader = children.start('reader', 'reader');
        await Promise.all([ready(first), ready(writer), ready(reader)]);
        await waitForCheckpoint(projectionStore, TALLY_PROJECTION, (await eventStore.headPosition())!, { timeoutMs: 60_000 });

        // No projector from here on: the tally stands still until the next one starts.
        first.send('stop');
        expect(await first.exited).toMatchObject({ code: 0 });
        writer.send(JSON.stringify(addTo('ryw-1', 'c1', 7)));
        const position = BigInt((await writer.nextLine((line) => line.startsWith('position '))).slice('position '.length));
        const next = async (prefix: string) => (await reader.nextLine((line) => line.startsWith(prefix))).slice(prefix.length);

        reader.send(`wait ${position} 300`);
        expect(BigInt(await next('before '))).toBeLessThan(position);
        expect(await next('error ')).toBe('timeout');

        // The reader waits; a new projector starts, takes the free lease and catches up; the reader sees the write.
        reader.send(`wait ${position} 60000`);
        expect(BigInt(await next('before '))).toBeLessThan(position);
        const second = children.start('replica', 'projector-2');
        const tally = JSON.parse(await next('tally ')) as { key: string; doc: TallyDoc }[];
        expect(tally.find(({ key }) => key === counterStream('c1'))?.doc.positions).toContain(position.toString());
        expect((await leases.holder(TALLY_PROJECTION))?.owner).toBe('projector-2');

        for (const child of [writer, reader, second]) child.send('stop');
        for (const child of [writer, reader, second]) expect(await child.exited).toMatchObject({ code: 0 });
      },
      PROCESS_TEST_TIMEOUT_MS,
    );

    it(
      'rebuilds in the process holding the lease while readers elsewhere see whole documents, and refuses the rebuild elsewhere',
      async () => {
        const { children, eventStore, projectionStore, leases, log, head } = await seeded(40);
        const wanted = expectedTally(log);

        const replicas = ['a', 'b'].map((replica) => children.start('replica', `rebuild-${replica}`, { batch: 4, acquireTimeoutMs: 200 }));
        await Promise.all(replicas.map((replica) => replica.waitForLine((line) => line === 'ready')));
        await waitForCheckpoint(projectionStore, TALLY_PROJECTION, head, { timeoutMs: 60_000 });
        const owner = (await leases.holder(TALLY_PROJECTION))!.owner;
        const holder = replicas.find((replica) => replica.name === owner)!;
        const other = replicas.find((replica) => replica !== holder)!;

        // The other replica waits for the lease its live holder never gives up, and gives up with a typed timeout.
        other.send('rebuild');
        expect(await other.nextLine((line) => line.startsWith('rebuild'))).toBe('rebuild-failed timeout');

        // The holder rebuilds, frozen half-way inside a staging commit: readers see the old documents, whole.
        holder.send('freeze 2');
        holder.send('rebuild');
        await holder.waitForLine((line) => line === 'frozen');
        expect(await projectionStore.getState(STAGING)).not.toBeNull();
        expect(withoutAppliers(await projectionStore.listDocuments<TallyDoc>(TALLY_PROJECTION))).toEqual(wanted);
        expect((await leases.holder(TALLY_PROJECTION))?.owner).toBe(owner);

        children.raise(releaseFlag(holder.name));
        const rebuilt = holder.waitForLine((line) => line.startsWith('rebuilt '));
        const reads = await readUntil(rebuilt, async () => withoutAppliers(await projectionStore.listDocuments<TallyDoc>(TALLY_PROJECTION)));
        expect(await rebuilt).toBe(`rebuilt ${head}`);
        expect(reads.filter((docs) => !isDeepStrictEqual(docs, wanted))).toEqual([]);
        expect(await projectionStore.getState(STAGING)).toBeNull();
        expect(await projectionStore.getState(TALLY_PROJECTION)).toEqual({ version: 1, checkpoint: head });

        // The holder's live runner follows on from the swapped-in documents.
        await appendCounted(eventStore, 1, 40);
        const after = await collect(eventStore.readAll());
        await waitForCheckpoint(projectionStore, TALLY_PROJECTION, after[after.length - 1]!.position, { timeoutMs: 60_000 });
        expect(withoutAppliers(await projectionStore.listDocuments<TallyDoc>(TALLY_PROJECTION))).toEqual(expectedTally(after));

        for (const replica of replicas) replica.send('stop');
        for (const replica of replicas) expect(await replica.exited).toMatchObject({ code: 0 });
      },
      PROCESS_TEST_TIMEOUT_MS,
    );

    it(
      'swaps a rebuilt version in at once: a reader elsewhere sees the whole old version, then the whole new one, nothing between',
      async () => {
        const { children, eventStore, projectionStore, leases, log, head } = await seeded(60);
        await createProjectionRunner({ eventStore, projectionStore, projection: tallyProjection({ version: 1, applier: 'parent' }) }).catchUp();
        const oldDocs = expectedTally(log, 1);
        const newDocs = expectedTally(log, 2);
        const kindOf = async () => {
          const docs = withoutAppliers(await projectionStore.listDocuments<TallyDoc>(TALLY_PROJECTION));
          return isDeepStrictEqual(docs, oldDocs) ? 'old' : isDeepStrictEqual(docs, newDocs) ? 'new' : `mixed: ${JSON.stringify([...docs])}`;
        };

        const rebuilder = children.start('replica', 'rebuilder-v2', { version: 2, start: false, batch: 10 });
        await rebuilder.waitForLine((line) => line === 'ready');
        rebuilder.send('freeze 2');
        rebuilder.send('rebuild');
        await rebuilder.waitForLine((line) => line === 'frozen');
        expect(await kindOf()).toBe('old');
        expect((await leases.holder(TALLY_PROJECTION))?.owner).toBe('rebuilder-v2');

        children.raise(releaseFlag(rebuilder.name));
        const rebuilt = rebuilder.waitForLine((line) => line.startsWith('rebuilt '));
        const kinds = ['old', ...(await readUntil(rebuilt, kindOf)), await kindOf()];
        expect(await rebuilt).toBe(`rebuilt ${head}`);
        expect(kinds.filter((kind, i) => i === 0 || kinds[i - 1] !== kind)).toEqual(['old', 'new']);
        // The rebuild gave the lease back, and the stored state is the new version's.
        expect(await leases.holder(TALLY_PROJECTION)).toBeNull();
        expect(await projectionStore.getState(TALLY_PROJECTION)).toEqual({ version: 2, checkpoint: head });

        rebuilder.send('stop');
        expect(await rebuilder.exited).toMatchObject({ code: 0 });
      },
      PROCESS_TEST_TIMEOUT_MS,
    );

    it('keeps a command state cache honest: a handle never decides on a state another handle has moved on from', async () => {
      const { open } = current();
      const handlerOn = (eventStore: EventStore) =>
        createCommandHandler({ eventStore, decider: counterDecider, streamId: (command) => counterStream(command.data.counterId), stateCache: new StreamStateCache() });
      const [here, there] = [handlerOn(open().eventStore), handlerOn(open().eventStore)];
      const actor = { id: 'contract', role: 'council' };
      const add = (commandId: string, amount: number): CounterCommand => ({ command: 'Add', commandId, actor, data: { counterId: 'cached', amount } });
      await here({ command: 'OpenCounter', commandId: 'open-1', actor, data: { counterId: 'cached', max: 10 } });
      expect((await here(add('here-1', 2))).state.total).toBe(2);
      expect((await there(add('there-1', 7))).state.total).toBe(9);
      // Cached at 2 in this handle's cache; the store says 9: 9 + 2 > 10 must be refused.
      await expect(here(add('here-2', 2))).rejects.toMatchObject({ code: 'rule_violated', rule: 'counter.exceeds_max' });
      const result = await here(add('here-3', 1));
      expect([result.state.total, result.revision]).toEqual([10, 3n]);
      // The command the other handle ran is recognised here as a re-send, through this handle's cache.
      expect(await here(add('there-1', 7))).toMatchObject({ duplicate: true, state: { total: 10 } });
    });
  });
}

/**
 * Runs `read` over and over until `until` settles, as a reader polling
 * during a rebuild would, and returns what it saw, each run of equal
 * results kept once (a long wait reads the same thing many times).
 */
async function readUntil<T>(until: Promise<unknown>, read: () => Promise<T>): Promise<T[]> {
  let done = false;
  const finished = until.finally(() => {
    done = true;
  });
  const seen: T[] = [];
  while (!done) {
    // A store whose reads never wait (SQLite's are synchronous) would otherwise starve the event loop, and `until` with it.
    await new Promise((resolve) => setImmediate(resolve));
    const value = await read();
    if (seen.length === 0 || !isDeepStrictEqual(seen[seen.length - 1], value)) seen.push(value);
  }
  await finished;
  return seen;
}
