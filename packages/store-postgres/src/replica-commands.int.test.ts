import { createThidua, thiduaRegistry } from '@thidua/domain';
import {
  createInMemoryProjectionStore,
  verifyChains,
  type ProjectionStore,
  type RecordedEvent,
} from '@thidua/eventsourcing';
import { createThiduaProjections, getYearEndStandings } from '@thidua/projections';
import { describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-test-env';
import { REPLICA_BLOC, REPLICA_YEAR, setupCommands, WITHDRAWN_PLEDGE, workloadCommands } from './__fixtures__/replica-campaign';
import { killAllReplicas, startReplica } from './__fixtures__/replica-process';
import { createPostgresEventStore } from './postgres-event-store';
import { createPostgresProjectionLeases } from './postgres-projection-leases';
import { createPostgresProjectionStore } from './postgres-projection-store';

const REPLICAS = 3;
const COMMANDS_PER_REPLICA = 40;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function documentsOf(store: ProjectionStore, projection: string): Promise<unknown[]> {
  return store.listDocuments(projection);
}

/*
 * Three processes, each with its own pool and its own `createThidua`, send
 * conflicting commands to the same three pledges at once, while a fourth
 * (this one) runs the projections. Optimistic concurrency must keep the log
 * whole: nothing acknowledged lost, nothing written twice, nothing refused
 * written at all.
 */
describePostgres('commands from several replicas', () => {
  const schemas = testSchemas('replica_cmd');
  afterEach(async () => {
    await killAllReplicas();
  });

  it('loses no acknowledged command, writes each once, and the log replays to the live standings', async () => {
    const schema = schemas.next();
    const eventStore = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, registry: thiduaRegistry, maxConnections: 4 });
    const projectionStore = createPostgresProjectionStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 });
    const leases = createPostgresProjectionLeases({ connectionString: TEST_DATABASE_URL, schema });
    const live = createThiduaProjections({
      eventStore,
      projectionStore,
      lease: { leases, owner: `parent:${process.pid}`, ttlMs: 10_000 },
    });
    const fresh = createInMemoryProjectionStore();
    try {
      const thidua = createThidua({ eventStore });
      for (const command of setupCommands()) await thidua.execute(command);
      const running = live.start();

      const replicas = Array.from({ length: REPLICAS }, (_, index) =>
        startReplica('replica-commands.ts', `thidua-cmd-${process.pid}-${index}`, {
          THIDUA_REPLICA_INDEX: String(index),
          THIDUA_REPLICA_COMMANDS: String(COMMANDS_PER_REPLICA),
          THIDUA_REPLICA_SCHEMA: schema,
        }),
      );
      await Promise.all(replicas.map((replica) => replica.waitForLine((line) => line === 'ready')));
      for (const replica of replicas) replica.send('go');
      const exits = await Promise.all(replicas.map((replica) => replica.exited));
      for (const exit of exits) expect(exit).toMatchObject({ code: 0 });

      const ok = new Map<string, { position: bigint; duplicate: boolean }[]>();
      const rejected: { commandId: string; code: string; rule: string }[] = [];
      let conflicts = 0;
      for (const replica of replicas) {
        for (const line of replica.lines) {
          const [kind, commandId, a, b] = line.split(' ');
          if (kind === 'ok') ok.set(commandId!, [...(ok.get(commandId!) ?? []), { position: BigInt(a!), duplicate: b === 'true' }]);
          else if (kind === 'rejected') rejected.push({ commandId: commandId!, code: a!, rule: b! });
          else if (kind === 'conflicts') conflicts += Number(commandId);
        }
      }
      const sent = new Set(Array.from({ length: REPLICAS }, (_, r) => workloadCommands(r, COMMANDS_PER_REPLICA).map((c) => c.commandId)).flat());
      expect(ok.size + new Set(rejected.map((r) => r.commandId).filter((id) => !ok.has(id))).size).toBe(sent.size);

      // Every rejection is optimistic concurrency (retries exhausted) or a business rule, never anything else.
      for (const rejection of rejected) expect(['concurrency', 'rule_violated']).toContain(rejection.code);
      const rules = new Set(rejected.filter((r) => r.code === 'rule_violated').map((r) => r.rule));
      expect(rules).toEqual(new Set(['score.exceeds_max', 'pledge.not_active']));
      // The replicas did fight: appends met conflicts, and the shared commands were answered as duplicates.
      expect(conflicts).toBeGreaterThan(0);
      expect([...ok.values()].flat().some((result) => result.duplicate)).toBe(true);

      // The log: every acknowledged command exactly once, at the position it was acknowledged with; nothing else.
      const log = await collect(eventStore.readAll({ raw: true }));
      expect(log.map((e) => e.position)).toEqual(log.map((_, i) => BigInt(i + 1)));
      const chains = await verifyChains(log);
      expect(chains.firstBreak).toBeNull();
      expect(chains.verified).toBe(log.length);
      const byCommand = new Map<string, RecordedEvent[]>();
      for (const event of log) {
        const id = String(event.metadata.commandId);
        byCommand.set(id, [...(byCommand.get(id) ?? []), event]);
      }
      const workloadInLog = [...byCommand.keys()].filter((id) => !id.startsWith('setup-'));
      expect(new Set(workloadInLog)).toEqual(new Set(ok.keys()));
      for (const [commandId, results] of ok) {
        const events = byCommand.get(commandId)!;
        expect({ commandId, events: events.length }).toEqual({ commandId, events: 1 });
        for (const result of results) expect({ commandId, position: result.position }).toEqual({ commandId, position: events[0]!.position });
      }
      // Nothing was scored on the withdrawn pledge after its withdrawal.
      const withdrawn = log.filter((e) => e.streamId === `pledge-${WITHDRAWN_PLEDGE}`);
      const at = withdrawn.findIndex((e) => e.type === 'PledgeWithdrawn');
      expect(at).toBeGreaterThan(0);
      expect(withdrawn.slice(at + 1)).toEqual([]);

      // The live projections (run by this process while the replicas wrote) equal a fresh rebuild from the log.
      const head = await eventStore.headPosition();
      await live.waitForPosition(head!, { timeoutMs: 20_000 });
      await live.stop();
      await running.done;
      await createThiduaProjections({ eventStore, projectionStore: fresh }).catchUp();
      for (const { name } of live.projections) {
        expect({ name, docs: await documentsOf(projectionStore, name) }).toEqual({ name, docs: await documentsOf(fresh, name) });
      }
      const standings = await getYearEndStandings(projectionStore, { blocId: REPLICA_BLOC, year: REPLICA_YEAR });
      expect(standings?.rows).toHaveLength(4);
      expect(standings).toEqual(await getYearEndStandings(fresh, { blocId: REPLICA_BLOC, year: REPLICA_YEAR }));
    } finally {
      await live.stop();
      await Promise.all([eventStore.close(), projectionStore.close(), leases.close(), fresh.close()]);
    }
  });
});
