import { createThidua, thiduaRegistry } from '@thidua/domain';
import {
  createInMemoryProjectionStore,
  createProjectionRunner,
  isThiduaError,
  waitForCheckpoint,
  type RecordedEvent,
} from '@thidua/eventsourcing';
import { createThiduaProjections, getYearEndStandings, STANDINGS_PROJECTION } from '@thidua/projections';
import { isDeepStrictEqual } from 'node:util';
import { describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-test-env';
import { recordScore, REPLICA_BLOC, REPLICA_CAMPAIGN, REPLICA_YEAR, setupCommands, workloadCommands } from './__fixtures__/replica-campaign';
import { COUNTER_PROJECTION, counterProjection, foldCounter, withoutAppliers, type CounterDoc } from './__fixtures__/replica-counter';
import { killAllReplicas, startReplica } from './__fixtures__/replica-process';
import { createPostgresEventStore } from './postgres-event-store';
import { createPostgresProjectionLeases } from './postgres-projection-leases';
import { createPostgresProjectionStore } from './postgres-projection-store';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Runs `read` over and over until `until` settles, as a reader replica polling during a rebuild would. */
async function pollDuring<T>(until: Promise<unknown>, read: () => Promise<T>): Promise<T[]> {
  let done = false;
  const finished = until.finally(() => {
    done = true;
  });
  const seen: T[] = [];
  while (!done) seen.push(await read());
  await finished;
  return seen;
}

/*
 * Blue/green rebuilds across processes: one replica rebuilds while this
 * process reads. Readers must see the old documents or the new ones, whole,
 * never a mix, never a partial or empty set; and the rebuild runs only where
 * the projection's lease is held.
 */
describePostgres('rebuilds across replicas', () => {
  const schemas = testSchemas('replica_rebuild');
  afterEach(async () => {
    await killAllReplicas();
  });

  it('rebuilds the standings in the replica holding the lease while readers elsewhere see whole standings, and refuses it elsewhere', async () => {
    const schema = schemas.next();
    const eventStore = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, registry: thiduaRegistry, maxConnections: 2 });
    const projectionStore = createPostgresProjectionStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
    const leases = createPostgresProjectionLeases({ connectionString: TEST_DATABASE_URL, schema });
    const expected = createInMemoryProjectionStore();
    try {
      const thidua = createThidua({ eventStore });
      for (const command of [...setupCommands(), ...workloadCommands(0, 40)]) {
        await thidua.execute(command).catch((error: unknown) => {
          if (!isThiduaError(error, 'rule_violated')) throw error;
        });
      }
      const head = (await eventStore.headPosition())!;
      await createThiduaProjections({ eventStore, projectionStore: expected }).catchUp();
      const wanted = await getYearEndStandings(expected, { blocId: REPLICA_BLOC, year: REPLICA_YEAR });
      const wantedDocs = await expected.listDocuments(STANDINGS_PROJECTION);
      expect(wanted?.rows).toHaveLength(4);

      const replicas = ['a', 'b'].map((name) =>
        startReplica('replica-projector.ts', `thidua-rebuild-${process.pid}-${name}`, {
          THIDUA_REPLICA_SCHEMA: schema,
          THIDUA_REPLICA_PROJECTIONS: 'thidua',
          THIDUA_REPLICA_BATCH: '4',
          THIDUA_REPLICA_HOLD_MS: '60',
          THIDUA_REPLICA_ACQUIRE_TIMEOUT_MS: '1500',
        }),
      );
      await Promise.all(replicas.map((replica) => replica.waitForLine((line) => line === 'ready')));
      await waitForCheckpoint(projectionStore, STANDINGS_PROJECTION, head, { timeoutMs: 20_000 });
      const owner = (await leases.holder(STANDINGS_PROJECTION))!.owner;
      const holder = replicas.find((replica) => `${replica.name}:${replica.pid}` === owner)!;
      const other = replicas.find((replica) => replica !== holder)!;

      holder.send(`rebuild ${STANDINGS_PROJECTION}`);
      other.send(`rebuild ${STANDINGS_PROJECTION}`);
      const rebuilt = holder.waitForLine((line) => line.startsWith(`rebuilt ${STANDINGS_PROJECTION}`));
      const refused = other.waitForLine((line) => line.startsWith(`rebuild-failed ${STANDINGS_PROJECTION}`));
      const reads = await pollDuring(Promise.all([rebuilt, refused]), async () => {
        const staging = await projectionStore.getState(`${STANDINGS_PROJECTION}~rebuild`);
        const standings = await getYearEndStandings(projectionStore, { blocId: REPLICA_BLOC, year: REPLICA_YEAR });
        const docs = await projectionStore.listDocuments(STANDINGS_PROJECTION);
        const stagingAfter = await projectionStore.getState(`${STANDINGS_PROJECTION}~rebuild`);
        const lease = await leases.holder(STANDINGS_PROJECTION);
        return {
          duringRebuild: staging !== null && stagingAfter !== null,
          whole: isDeepStrictEqual(standings, wanted) && isDeepStrictEqual(docs, wantedDocs),
          owner: lease?.owner,
        };
      });

      expect(await rebuilt).toBe(`rebuilt ${STANDINGS_PROJECTION} ${head}`);
      // The other replica waited for the lease the live holder never gave up, and gave up with a typed timeout.
      expect(await refused).toBe(`rebuild-failed ${STANDINGS_PROJECTION} timeout`);
      expect(reads.filter((read) => read.duringRebuild).length).toBeGreaterThan(0);
      expect(reads.filter((read) => !read.whole)).toEqual([]);
      expect(new Set(reads.map((read) => read.owner))).toEqual(new Set([owner]));
      expect(await projectionStore.getState(`${STANDINGS_PROJECTION}~rebuild`)).toBeNull();
      expect(await projectionStore.getState(STANDINGS_PROJECTION)).toEqual({ version: expect.any(Number), checkpoint: head });
      expect(await projectionStore.listDocuments(STANDINGS_PROJECTION)).toEqual(wantedDocs);
      // The holder's live runner follows on from the swapped-in documents.
      const { position } = await thidua.execute(recordScore('after-rebuild', `${REPLICA_CAMPAIGN}.don-vi-d`, 'c2', 6.5));
      const after = await getYearEndStandings(projectionStore, { blocId: REPLICA_BLOC, year: REPLICA_YEAR, waitFor: { position: position!, timeoutMs: 10_000 } });
      expect(after?.rows.find((row) => row.unitId === 'don-vi-d')?.criteria).toEqual({ c1: 0, c2: 6.5 });

      for (const replica of replicas) replica.send('stop');
      for (const replica of replicas) expect((await replica.exited).code).toBe(0);
    } finally {
      await Promise.all([eventStore.close(), projectionStore.close(), leases.close(), expected.close()]);
    }
  });

  it('swaps a rebuilt version in at once: a reader sees the whole old version, then the whole new one, nothing between', async () => {
    const schema = schemas.next();
    const eventStore = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
    const projectionStore = createPostgresProjectionStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
    const leases = createPostgresProjectionLeases({ connectionString: TEST_DATABASE_URL, schema });
    try {
      for (let i = 0; i < 75; i += 1) {
        await eventStore.appendToStream(`s-${i % 5}`, [
          { type: 'Counted', data: { i } },
          { type: 'Counted', data: { i } },
        ]);
      }
      const log: RecordedEvent[] = await collect(eventStore.readAll());
      const head = log[log.length - 1]!.position;
      await createProjectionRunner({ eventStore, projectionStore, projection: counterProjection({ version: 1, applier: 'parent' }) }).catchUp();
      const oldDocs = foldCounter(log, 1);
      const newDocs = foldCounter(log, 2);

      const rebuilder = startReplica('replica-projector.ts', `thidua-rebuild-${process.pid}-v2`, {
        THIDUA_REPLICA_SCHEMA: schema,
        THIDUA_REPLICA_PROJECTIONS: 'counter',
        THIDUA_REPLICA_VERSION: '2',
        THIDUA_REPLICA_START: '0',
        THIDUA_REPLICA_BATCH: '10',
        THIDUA_REPLICA_HOLD_MS: '60',
      });
      await rebuilder.waitForLine((line) => line === 'ready');
      rebuilder.send(`rebuild ${COUNTER_PROJECTION}`);
      const rebuilt = rebuilder.waitForLine((line) => line.startsWith(`rebuilt ${COUNTER_PROJECTION}`));
      const reads = await pollDuring(rebuilt, async () => {
        const docs = withoutAppliers(await projectionStore.listDocuments<CounterDoc>(COUNTER_PROJECTION));
        const lease = await leases.holder(COUNTER_PROJECTION);
        const kind = isDeepStrictEqual(docs, oldDocs) ? 'old' : isDeepStrictEqual(docs, newDocs) ? 'new' : `mixed: ${JSON.stringify([...docs])}`;
        return { kind, owner: lease?.owner ?? null };
      });
      expect(await rebuilt).toBe(`rebuilt ${COUNTER_PROJECTION} ${head}`);

      const kinds = reads.map((read) => read.kind).filter((kind, i, all) => i === 0 || all[i - 1] !== kind);
      expect(kinds).toEqual(['old', 'new']);
      // The rebuild held the lease while it built (the later reads may come after it gave the lease back).
      expect(reads.some((read) => read.owner === `${rebuilder.name}:${rebuilder.pid}`)).toBe(true);
      expect(await leases.holder(COUNTER_PROJECTION)).toBeNull();
      expect(await projectionStore.getState(COUNTER_PROJECTION)).toEqual({ version: 2, checkpoint: head });

      rebuilder.send('stop');
      expect((await rebuilder.exited).code).toBe(0);
    } finally {
      await Promise.all([eventStore.close(), projectionStore.close(), leases.close()]);
    }
  });
});
