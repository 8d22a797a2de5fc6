import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { verifyChains, type RecordedEvent } from '@thidua/eventsourcing';
import { adminPool, describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-test-env';
import { EVENTS_PER_APPEND, STREAMS, foldTally, tallyProjection, type CrashEventData } from './__fixtures__/crash-workload';
import { createPostgresEventStore } from './postgres-event-store';
import { createPostgresProjectionStore } from './postgres-projection-store';

const RUNNER = join(__dirname, '../../../tools/run-ts.js');
const CHILD = join(__dirname, '__fixtures__', 'crash-child.ts');

interface Child {
  readonly lines: string[];
  waitForLines(predicate: (line: string) => boolean, count: number): Promise<void>;
  readonly exited: Promise<number | null>;
  kill(): void;
}

/** Starts crash-child.ts under plain node; its database sessions carry `applicationName`. */
function startChild(mode: 'append' | 'project', schema: string, applicationName: string, limit = 0): Child {
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('application_name', applicationName);
  const child = spawn(process.execPath, [RUNNER, CHILD], {
    env: {
      ...process.env,
      THIDUA_CRASH_MODE: mode,
      THIDUA_CRASH_URL: url.toString(),
      THIDUA_CRASH_SCHEMA: schema,
      THIDUA_CRASH_LIMIT: String(limit),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let waiters: (() => void)[] = [];
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
    waiters.forEach((wake) => wake());
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  exited.then(() => waiters.forEach((wake) => wake()));
  running.add(child);
  void exited.then(() => running.delete(child));
  return {
    lines,
    exited,
    kill: () => child.kill('SIGKILL'),
    async waitForLines(predicate, count) {
      const deadline = Date.now() + 20_000;
      while (lines.filter(predicate).length < count) {
        if (child.exitCode !== null) throw new Error(`child exited (${child.exitCode}) early: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`child did not report in time: ${lines.slice(-5).join(' | ')} ${stderr}`);
        await new Promise<void>((resolve) => {
          const wake = () => resolve();
          waiters.push(wake);
          setTimeout(wake, 50);
        });
        waiters = [];
      }
    },
  };
}

const running = new Set<ReturnType<typeof spawn>>();

async function collect(events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describePostgres('crash recovery (SIGKILL)', () => {
  const schemas = testSchemas('crash');
  const admin = adminPool(2);
  afterEach(() => {
    for (const child of running) child.kill('SIGKILL');
  });

  /**
   * Waits until the child's session is inside a transaction that has written
   * (it has an xid) and has only just started the test-only sleep before
   * COMMIT, so the kill lands well before that commit.
   */
  async function waitUntilMidTransaction(applicationName: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { rows } = await admin.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity
         WHERE application_name = $1 AND backend_xid IS NOT NULL AND state = 'active'
           AND query LIKE 'SELECT pg_sleep%' AND clock_timestamp() - query_start < interval '40 milliseconds'`,
        [applicationName],
      );
      if (rows[0]?.n !== '0') return;
      if (Date.now() > deadline) throw new Error(`${applicationName} never seen mid-transaction`);
    }
  }

  /** The server ends a dead client's session (rolling its transaction back) once the sleep returns. */
  async function waitUntilGone(applicationName: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1`, [
        applicationName,
      ]);
      if (rows[0]?.n === '0') return;
      if (Date.now() > deadline) throw new Error(`${applicationName} still connected`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function expectWholeLog(schema: string): Promise<{ events: RecordedEvent[]; batches: Map<string, RecordedEvent[]> }> {
    const store = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema });
    try {
      const events = await collect(store.readAll({ raw: true }));
      expect(events.map((e) => e.position)).toEqual(events.map((_, i) => BigInt(i + 1)));
      expect(await store.headPosition()).toBe(events.length === 0 ? null : BigInt(events.length));
      const verified = await verifyChains(events);
      expect(verified.firstBreak).toBeNull();
      expect(verified.verified).toBe(events.length);
      const batches = new Map<string, RecordedEvent[]>();
      for (const event of events) {
        const { batch } = event.data as CrashEventData;
        batches.set(batch, [...(batches.get(batch) ?? []), event]);
      }
      for (const batch of batches.values()) {
        // Whole appends only: all of a batch's events, at consecutive positions and revisions.
        expect(batch.map((e) => (e.data as CrashEventData).k)).toEqual([0, 1, 2, 3]);
        expect(batch.map((e) => e.position - batch[0]!.position)).toEqual([0n, 1n, 2n, 3n]);
        expect(batch.map((e) => e.revision - batch[0]!.revision)).toEqual([0n, 1n, 2n, 3n]);
      }
      return { events, batches };
    } finally {
      await store.close();
    }
  }

  it('leaves no partial append when killed inside an append transaction, and appends on after restart', async () => {
    const schema = schemas.next();
    const name = `thidua-crash-append-${process.pid}`;
    const child = startChild('append', schema, name);
    await child.waitForLines((line) => line.startsWith('committed '), 4);
    await waitUntilMidTransaction(name);
    child.kill();
    await child.exited;
    await waitUntilGone(name);

    const committed = child.lines.filter((l) => l.startsWith('committed ')).map((l) => l.slice('committed '.length));
    const writing = child.lines.filter((l) => l.startsWith('writing ')).map((l) => l.slice('writing '.length));
    const inFlight = writing[writing.length - 1]!;
    expect(committed).not.toContain(inFlight);

    const { batches } = await expectWholeLog(schema);
    for (const batch of committed) expect(batches.has(batch)).toBe(true);
    expect(batches.has(inFlight)).toBe(false);
    expect(batches.size).toBe(committed.length);

    const restarted = startChild('append', schema, `${name}-2`, 3);
    expect(await restarted.exited).toBe(0);
    const after = await expectWholeLog(schema);
    expect(after.batches.size).toBe(committed.length + 3);
    expect(after.events).toHaveLength((committed.length + 3) * EVENTS_PER_APPEND);
  });

  it('resumes a projection killed inside a batch commit with no event applied twice or missed', async () => {
    const schema = schemas.next();
    const seeder = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema });
    for (let i = 0; i < 30; i += 1) {
      const events = Array.from({ length: EVENTS_PER_APPEND }, (_, k) => ({ type: 'Counted', data: { batch: `seed-${i}`, k, n: i * 10 + k } }));
      await seeder.appendToStream(`crash-${i % STREAMS}`, events);
      if (i % 7 === 0) await seeder.appendToStream('other-stream', [{ type: 'Other', data: { batch: `other-${i}`, k: 0, n: 0 } }]);
    }
    const log = await collect(seeder.readAll());
    await seeder.close();
    const projections = createPostgresProjectionStore({ connectionString: TEST_DATABASE_URL, schema });
    const documents = async () => new Map((await projections.listDocuments(tallyProjection.name)).map(({ key, doc }) => [key, doc]));

    try {
      const name = `thidua-crash-project-${process.pid}`;
      const child = startChild('project', schema, name);
      await child.waitForLines((line) => /^checkpoint \d+$/.test(line), 3);
      await waitUntilMidTransaction(name);
      child.kill();
      await child.exited;
      await waitUntilGone(name);

      const state = await projections.getState(tallyProjection.name);
      expect(state?.checkpoint).not.toBeNull();
      const checkpoint = state!.checkpoint!;
      expect(checkpoint).toBeLessThan(log[log.length - 1]!.position);
      // Documents are exactly the fold of the log up to the stored checkpoint: the killed batch left nothing.
      expect(await documents()).toEqual(foldTally(log.filter((e) => e.position <= checkpoint)));

      const restarted = startChild('project', schema, `${name}-2`);
      expect(await restarted.exited).toBe(0);
      expect(restarted.lines[restarted.lines.length - 1]).toBe(`caught-up ${log[log.length - 1]!.position}`);
      expect(await documents()).toEqual(foldTally(log));
    } finally {
      await projections.close();
    }
  });
});
