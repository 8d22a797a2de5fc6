import { writeFileSync } from 'node:fs';
import type { RecordedEvent } from '@thidua/eventsourcing';
import { createProjectionRunner, isThiduaError, waitForCheckpoint } from '@thidua/eventsourcing';
import { killAllChildren, startChild, type Child } from './__fixtures__/child';
import { foldTally, tallyProjection, type Tally } from './__fixtures__/tally';
import { tempDatabasePath } from './__fixtures__/temp-database';
import { createSqliteEventStore, createSqliteProjectionLeases, createSqliteProjectionStore } from '.';

/** Lease settings of every replica: a dead holder is replaced within TTL + RETRY. */
const TTL_MS = 1_000;
const RENEW_MS = 200;
const RETRY_MS = 100;
/** Room for what the bound leaves out: a standby's timer firing late, and its wait for the write lock the killed holder held. */
const SCHEDULING_SLACK_MS = 750;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/*
 * Three processes on one SQLite file (a backend, a CLI, an auditor on one
 * machine) run the same projection under a lease while this process appends.
 * The holder is frozen inside a batch commit, holding the write lock, and
 * SIGKILLed there, twice: another process takes over within the lease's
 * bound, and every event ends up applied exactly once.
 */
describe('SQLite projections across processes', () => {
  let file: ReturnType<typeof tempDatabasePath>;
  const closers: (() => Promise<void>)[] = [];
  beforeEach(() => {
    file = tempDatabasePath();
  });
  afterEach(async () => {
    await killAllChildren();
    for (const close of closers.splice(0)) await close();
    file.remove();
  });

  it('runs the projection in one process at a time, takes over from a killed holder within ttl + retry, and applies every event once', async () => {
    const eventStore = createSqliteEventStore({ database: file.path });
    const projectionStore = createSqliteProjectionStore({ database: file.path });
    const leases = createSqliteProjectionLeases({ database: file.path });
    const impatient = createSqliteEventStore({ database: file.path, busyTimeoutMs: 20 });
    closers.push(() => eventStore.close(), () => impatient.close(), () => projectionStore.close(), () => leases.close());
    let n = 0;
    const append = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        n += 1;
        await eventStore.appendToStream(`pledge-${n % 4}`, [
          { type: 'Scored', data: { unit: `u${n % 6}`, points: n % 9 } },
          ...(n % 5 === 0 ? [{ type: 'Ignored', data: { n } }] : []),
        ]);
      }
    };
    await append(100);

    const replicas = new Map<string, Child>();
    for (const owner of ['p0', 'p1', 'p2']) {
      replicas.set(owner, startChild('leased-projector.ts', [file.path, owner, String(TTL_MS), String(RENEW_MS), String(RETRY_MS), '20']));
    }
    await Promise.all([...replicas.values()].map((child) => child.waitForLine((line) => line === 'ready')));

    const holders: string[] = [];
    for (let kill = 0; kill < 2; kill += 1) {
      // Appends go on while the holder works; the holder must have committed batches of its own before it dies.
      const before = (await projectionStore.getState(tallyProjection.name))?.checkpoint ?? 0n;
      let holder = await leases.holder(tallyProjection.name);
      while (!holder || holders.includes(holder.owner) || ((await projectionStore.getState(tallyProjection.name))?.checkpoint ?? 0n) <= before) {
        await append(5);
        await pause(10);
        holder = await leases.holder(tallyProjection.name);
      }
      const victim = replicas.get(holder.owner)!;
      holders.push(holder.owner);
      // Freeze it inside its next batch commit, where it holds the write lock. Appends go on to give it a batch,
      // through a store that gives up on the lock at once: a frozen holder would block a patient one (and this process).
      writeFileSync(`${file.path}.pause-${holder.owner}`, '');
      while (!victim.lines.includes('paused')) {
        await impatient.appendToStream('pledge-0', [{ type: 'Scored', data: { unit: 'u0', points: 1 } }]).catch((error: unknown) => {
          if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
        });
        await pause(10);
      }
      const killedAt = Date.now();
      await victim.kill();

      let next = await leases.holder(tallyProjection.name);
      let lastExpiry = holder.expiresAt;
      const deadline = Date.now() + 20_000;
      while (next === null || next.owner === holder.owner) {
        if (next) lastExpiry = next.expiresAt;
        if (Date.now() > deadline) throw new Error(`no process took over from ${holder.owner}`);
        await pause(5);
        next = await leases.holder(tallyProjection.name);
      }
      const tookOverAt = Date.now();
      expect(replicas.has(next.owner)).toBe(true);
      // Not before the dead holder's lease ran out, and within the bound after it died (one machine, one clock).
      expect(tookOverAt).toBeGreaterThanOrEqual(lastExpiry);
      expect(tookOverAt - killedAt).toBeLessThanOrEqual(TTL_MS + RETRY_MS + SCHEDULING_SLACK_MS);
      await append(20);
    }

    const log: RecordedEvent[] = await collect(eventStore.readAll());
    await waitForCheckpoint(projectionStore, tallyProjection.name, log[log.length - 1]!.position, { timeoutMs: 20_000 });
    const docs = new Map((await projectionStore.listDocuments<Tally>(tallyProjection.name)).map(({ key, doc }) => [key, doc]));
    expect(docs).toEqual(foldTally(log));
    const applied = [...docs.values()].flatMap((doc) => doc.positions);
    expect(new Set(applied).size).toBe(applied.length);
    expect(applied).toHaveLength(log.filter((e) => e.type === 'Scored').length);

    // The survivor never lost its lease, and stops cleanly, giving it back.
    const [survivorOwner, survivor] = [...replicas.entries()].find(([owner]) => !holders.includes(owner))!;
    expect((await leases.holder(tallyProjection.name))?.owner).toBe(survivorOwner);
    expect(survivor.lines).not.toContain('lost');
    survivor.process.kill('SIGTERM');
    expect(await survivor.exited).toMatchObject({ code: 0 });
    expect(survivor.lines).toContain('stopped');
    expect(await leases.holder(tallyProjection.name)).toBeNull();
  });

  it('lets a CLI beside a leased runner catch up without a lease: the checkpoint guard settles every race, nothing is applied twice', async () => {
    const eventStore = createSqliteEventStore({ database: file.path });
    const projectionStore = createSqliteProjectionStore({ database: file.path });
    closers.push(() => eventStore.close(), () => projectionStore.close());
    const score = (i: number) => eventStore.appendToStream(`pledge-${i % 3}`, [{ type: 'Scored', data: { unit: `u${i % 4}`, points: i % 5 } }]);
    for (let i = 0; i < 50; i += 1) await score(i);
    const backend = startChild('leased-projector.ts', [file.path, 'backend', String(TTL_MS), String(RENEW_MS), String(RETRY_MS), '5']);
    await backend.waitForLine((line) => line === 'ready');

    // What `thidua standings` does before reading: an unleased catch-up, here racing the backend's runner,
    // which wakes every 100 ms to apply the same appends.
    const outcomes: string[] = [];
    for (let i = 50; i < 110; i += 1) {
      await score(i);
      if (i % 2 === 0) await pause(25);
      const cli = createProjectionRunner({ eventStore, projectionStore, projection: tallyProjection, batchSize: 5 });
      outcomes.push(await cli.catchUp().then(() => 'ok', (error: unknown) => (isThiduaError(error) ? error.code : String(error))));
    }
    for (const outcome of outcomes) expect(['ok', 'concurrency']).toContain(outcome);
    // They did race: the CLI moved the checkpoint under the backend's runner, which started again from the stored one.
    await backend.waitForLine((line) => line === 'lost');

    const log: RecordedEvent[] = await collect(eventStore.readAll());
    await waitForCheckpoint(projectionStore, tallyProjection.name, log[log.length - 1]!.position, { timeoutMs: 20_000 });
    const docs = new Map((await projectionStore.listDocuments<Tally>(tallyProjection.name)).map(({ key, doc }) => [key, doc]));
    expect(docs).toEqual(foldTally(log));
    backend.process.kill('SIGTERM');
    expect(await backend.exited).toMatchObject({ code: 0 });
  });
});
