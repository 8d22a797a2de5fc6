import { createThidua, thiduaRegistry } from '@thidua/domain';
import { waitForCheckpoint } from '@thidua/eventsourcing';
import { STANDINGS_PROJECTION, type YearEndStandings } from '@thidua/projections';
import { describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-test-env';
import { recordScore, REPLICA_CAMPAIGN, setupCommands } from './__fixtures__/replica-campaign';
import { killAllReplicas, startReplica, type Replica } from './__fixtures__/replica-process';
import { createPostgresEventStore } from './postgres-event-store';
import { createPostgresProjectionLeases } from './postgres-projection-leases';
import { createPostgresProjectionStore } from './postgres-projection-store';

/*
 * Read-your-writes across processes: a writer replica executes a command and
 * gets its position; a reader replica waits until the standings have applied
 * that position, reading only the shared projection store; a third replica
 * runs the projections. The wait is made real by having no projector running
 * when the reader starts waiting.
 */
describePostgres('read-your-writes across replicas', () => {
  const schemas = testSchemas('replica_ryw');
  afterEach(async () => {
    await killAllReplicas();
  });

  it('lets a reader in one process wait for a position written by another, and times out with a typed error', async () => {
    const schema = schemas.next();
    const eventStore = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, registry: thiduaRegistry, maxConnections: 2 });
    const projectionStore = createPostgresProjectionStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
    const leases = createPostgresProjectionLeases({ connectionString: TEST_DATABASE_URL, schema });
    const env = { THIDUA_REPLICA_SCHEMA: schema };
    const projector = (name: string) =>
      startReplica('replica-projector.ts', `thidua-ryw-${process.pid}-${name}`, { ...env, THIDUA_REPLICA_PROJECTIONS: 'thidua' });
    const ready = (replica: Replica) => replica.waitForLine((line) => line === 'ready');
    try {
      const thidua = createThidua({ eventStore });
      for (const command of setupCommands()) await thidua.execute(command);
      const first = projector('p1');
      const writer = startReplica('replica-writer.ts', `thidua-ryw-${process.pid}-writer`, env);
      const reader = startReplica('replica-reader.ts', `thidua-ryw-${process.pid}-reader`, env);
      await Promise.all([ready(first), ready(writer), ready(reader)]);
      await waitForCheckpoint(projectionStore, STANDINGS_PROJECTION, (await eventStore.headPosition())!, { timeoutMs: 20_000 });

      // No projector from here on: the standings stand still until the next one starts.
      first.send('stop');
      expect((await first.exited).code).toBe(0);
      const pledgeId = `${REPLICA_CAMPAIGN}.don-vi-d`;
      writer.send(JSON.stringify(recordScore('ryw-1', pledgeId, 'c1', 7.75)));
      const position = BigInt((await writer.waitForLine((line) => line.startsWith('position '))).slice('position '.length));

      const next = async (prefix: string) => (await reader.nextLine((line) => line.startsWith(prefix))).slice(prefix.length);

      // Nobody applies the position: the wait ends with a typed timeout.
      reader.send(`wait ${position} 300`);
      expect(BigInt(await next('before '))).toBeLessThan(position);
      expect(await next('error ')).toBe('timeout');

      // The reader waits; a new projector replica starts, takes the free leases and catches up; the reader sees the write.
      reader.send(`wait ${position} 20000`);
      expect(BigInt(await next('before '))).toBeLessThan(position);
      const second = projector('p2');
      const standings = JSON.parse(await next('standings ')) as YearEndStandings;
      const row = standings.rows.find((r) => r.unitId === 'don-vi-d');
      expect(row?.criteria).toEqual({ c1: 7.75, c2: 0 });
      expect((await leases.holder(STANDINGS_PROJECTION))?.owner).toBe(`${second.name}:${second.pid}`);

      for (const replica of [writer, reader, second]) replica.send('stop');
      for (const replica of [writer, reader, second]) expect((await replica.exited).code).toBe(0);
    } finally {
      await Promise.all([eventStore.close(), projectionStore.close(), leases.close()]);
    }
  });
});
