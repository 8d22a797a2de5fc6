import { waitForCheckpoint, type RecordedEvent } from '@thidua/eventsourcing';
import { adminPool, describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-test-env';
import { COUNTER_PROJECTION, foldCounter, withoutAppliers, type CounterDoc } from './__fixtures__/replica-counter';
import { killAllReplicas, startReplica, type Replica } from './__fixtures__/replica-process';
import { createPostgresEventStore } from './postgres-event-store';
import { createPostgresProjectionStore } from './postgres-projection-store';

/** The lease settings of every replica: a dead holder is replaced within TTL + RETRY. */
const TTL_MS = 1_500;
const RENEW_MS = 300;
const RETRY_MS = 200;
/**
 * Room for what the bound leaves out: the standby's round trip to take the
 * lease and its timer firing late on a loaded machine. Measured on the
 * database's clock, so neither process's clock plays a part.
 */
const SCHEDULING_SLACK_MS = 750;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * Three replicas run the same (counting) projection under one PostgreSQL
 * lease while this process appends. The lease holder is SIGKILLed in the
 * middle of a batch, twice: each time another replica must take over within
 * the lease's bound, and in the end every event must have been applied
 * exactly once, by one replica at a time.
 */
describePostgres('projections across replicas', () => {
  const schemas = testSchemas('replica_proj');
  const admin = adminPool(2);
  afterEach(async () => {
    await killAllReplicas();
  });

  /** The server's clock, in ms. */
  const dbNow = async () => Number((await admin.query<{ ms: string }>('SELECT extract(epoch FROM clock_timestamp()) * 1000 AS ms')).rows[0]!.ms);

  it('runs each projection in one replica at a time, takes over from a killed holder within ttl + retry, and applies every event once', async () => {
    const schema = schemas.next();
    const eventStore = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
    const projectionStore = createPostgresProjectionStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
    let writing = true;
    let writer: Promise<void> = Promise.resolve();
    try {
      let n = 0;
      const append = () => {
        n += 1;
        return eventStore.appendToStream(`s-${n % 5}`, [
          { type: 'Counted', data: { n } },
          { type: 'Counted', data: { n } },
          ...(n % 7 === 0 ? [{ type: 'Ignored', data: { n } }] : []),
        ]);
      };
      for (let i = 0; i < 40; i += 1) await append();

      const replicas = new Map<string, Replica>();
      for (let i = 0; i < 3; i += 1) {
        const replica = startReplica('replica-projector.ts', `thidua-proj-${process.pid}-${i}`, {
          THIDUA_REPLICA_SCHEMA: schema,
          THIDUA_REPLICA_PROJECTIONS: 'counter',
          THIDUA_REPLICA_TTL_MS: String(TTL_MS),
          THIDUA_REPLICA_RENEW_MS: String(RENEW_MS),
          THIDUA_REPLICA_RETRY_MS: String(RETRY_MS),
          THIDUA_REPLICA_BATCH: '40',
          // Each batch commit holds its transaction open this long, so a kill lands inside one.
          THIDUA_REPLICA_HOLD_MS: '150',
        });
        replicas.set(`${replica.name}:${replica.pid}`, replica);
      }
      await Promise.all([...replicas.values()].map((replica) => replica.waitForLine((line) => line === 'ready')));
      writer = (async () => {
        while (writing) {
          await append();
          await pause(15);
        }
      })();

      const leaseRow = async () =>
        (
          await admin.query<{ owner: string; acquired: string; expires: string }>(
            `SELECT owner, extract(epoch FROM acquired_at) * 1000 AS acquired, extract(epoch FROM expires_at) * 1000 AS expires
             FROM "${schema}".projection_leases WHERE projection = $1`,
            [COUNTER_PROJECTION],
          )
        ).rows.map((r) => ({ owner: r.owner, acquired: Number(r.acquired), expires: Number(r.expires) }))[0];
      const checkpoint = async () => (await projectionStore.getState(COUNTER_PROJECTION))?.checkpoint ?? 0n;

      /** Waits until `owner`'s replica is inside a batch commit that has written (it holds an xid) and sits in the test-only hold. */
      const waitUntilMidBatch = async (replica: Replica) => {
        const deadline = Date.now() + 20_000;
        for (;;) {
          const { rows } = await admin.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity
             WHERE application_name = $1 AND backend_xid IS NOT NULL AND state = 'active' AND query LIKE 'SELECT pg_sleep%'`,
            [replica.name],
          );
          if (rows[0]?.n !== '0') return;
          if (Date.now() > deadline) throw new Error(`${replica.name} never seen inside a batch commit`);
        }
      };

      const holders: string[] = [];
      const takeovers: number[] = [];
      for (let kill = 0; kill < 2; kill += 1) {
        // The holder must have committed batches of its own before it dies, so that its part of the log is visible.
        const before = await checkpoint();
        let row = await leaseRow();
        while (!row || !replicas.has(row.owner) || holders.includes(row.owner) || (await checkpoint()) <= before) {
          await pause(20);
          row = await leaseRow();
        }
        const owner = row.owner;
        const victim = replicas.get(owner)!;
        holders.push(owner);
        await waitUntilMidBatch(victim);
        const killedAt = await dbNow();
        await victim.kill();

        // Follow the lease row until someone else holds it; the dead holder's last expiry is the last one seen under its name.
        let lastExpiry = row.expires;
        const deadline = Date.now() + 20_000;
        for (;;) {
          const now = await leaseRow();
          if (now && now.owner === owner) lastExpiry = now.expires;
          else if (now && now.owner !== owner) {
            expect(replicas.has(now.owner)).toBe(true);
            // Never before the dead holder's lease ran out …
            expect(now.acquired).toBeGreaterThanOrEqual(lastExpiry);
            // … and within the configured bound after it died.
            takeovers.push(now.acquired - killedAt);
            expect(now.acquired - killedAt).toBeLessThanOrEqual(TTL_MS + RETRY_MS + SCHEDULING_SLACK_MS);
            break;
          }
          if (Date.now() > deadline) throw new Error(`no replica took over from ${owner}`);
          await pause(10);
        }
      }

      writing = false;
      await writer;
      const log: RecordedEvent[] = await collect(eventStore.readAll());
      const head = log[log.length - 1]!.position;
      await waitForCheckpoint(projectionStore, COUNTER_PROJECTION, head, { timeoutMs: 30_000 });

      // Every event applied exactly once: the documents are the fold of the whole log.
      const docs = await projectionStore.listDocuments<CounterDoc>(COUNTER_PROJECTION);
      expect(withoutAppliers(docs)).toEqual(foldCounter(log, 1));

      // One replica at a time: in log order, the appliers form one run per holder, in the order they held the lease.
      const appliedBy = docs
        .flatMap(({ doc }) => doc.positions.map((position, i) => ({ position: BigInt(position), by: doc.appliedBy[i]! })))
        .sort((a, b) => (a.position < b.position ? -1 : 1));
      const runs = appliedBy.map((a) => a.by).filter((by, i, all) => i === 0 || all[i - 1] !== by);
      const survivor = [...replicas.entries()].find(([owner]) => !holders.includes(owner))!;
      expect(runs).toEqual([...holders, survivor[0]].map((owner) => replicas.get(owner)!.name));
      expect(takeovers).toHaveLength(2);

      // Nobody lost a lease it held, and the survivor stops cleanly, giving its lease back.
      for (const replica of replicas.values()) expect({ replica: replica.name, lost: replica.lines.filter((l) => l === 'lost') }).toEqual({ replica: replica.name, lost: [] });
      const exit = await survivor[1].kill('SIGTERM');
      expect(exit.code).toBe(0);
      expect(survivor[1].lines).toContain('stopped');
      expect(await leaseRow()).toBeUndefined();
    } finally {
      writing = false;
      await writer.catch(() => undefined);
      await Promise.all([eventStore.close(), projectionStore.close()]);
    }
  });
});
