/*
 * A replica running projections under a PostgreSQL lease, as a backend
 * replica would. Environment:
 *   THIDUA_REPLICA_SCHEMA         the schema
 *   THIDUA_REPLICA_PROJECTIONS    `counter` (the counting projection) or `thidua` (the four read models)
 *   THIDUA_REPLICA_VERSION        counter only: the projection's version (default 1)
 *   THIDUA_REPLICA_START          `1` (default) to start the live runners, `0` to only serve `rebuild`
 *   THIDUA_REPLICA_TTL_MS / _RENEW_MS / _RETRY_MS / _ACQUIRE_TIMEOUT_MS   the lease settings
 *   THIDUA_REPLICA_BATCH          events per batch
 *   THIDUA_REPLICA_HOLD_MS        TEST ONLY: how long each projection commit holds its transaction open
 * Prints `ready` once started, `lost` when a runner loses its lease,
 * `rebuilt <name> <checkpoint>` or `rebuild-failed <name> <code>` after a
 * `rebuild <name>` line on stdin, and `stopped` after a `stop` line or SIGTERM
 * (the runners stop and release their leases).
 */
import { thiduaRegistry } from '@thidua/domain';
import { createProjectionRunner, isThiduaError, type ProjectionProgress } from '@thidua/eventsourcing';
import { createThiduaProjections } from '@thidua/projections';
import { createPostgresEventStore } from '../postgres-event-store';
import { createPostgresProjectionLeases } from '../postgres-projection-leases';
import { createPostgresProjectionStore } from '../postgres-projection-store';
import { counterProjection } from './replica-counter';
import { onParentLine, replicaEnv, runFixture, say } from './replica-env';

interface Projector {
  start(): { done: Promise<void> };
  stop(): Promise<void>;
  rebuild(name: string): Promise<ProjectionProgress>;
}

runFixture(async () => {
  const env = replicaEnv();
  const optional = (key: string, fallback: string) => process.env[key] ?? fallback;
  const schema = env.get('THIDUA_REPLICA_SCHEMA');
  const holdMs = Number(optional('THIDUA_REPLICA_HOLD_MS', '0'));
  const connection = { connectionString: env.connectionString, schema, maxConnections: 3 };
  const counting = env.get('THIDUA_REPLICA_PROJECTIONS') === 'counter';
  // The counting projection reads test events the thidua registry does not know.
  const eventStore = createPostgresEventStore({ ...connection, ...(counting ? {} : { registry: thiduaRegistry }) });
  const projectionStore = createPostgresProjectionStore({
    ...connection,
    ...(holdMs > 0 ? { testOnlyCommitDelays: () => ({ beforeMs: 1, holdMs }) } : {}),
  });
  const leases = createPostgresProjectionLeases(connection);
  const lease = {
    leases,
    owner: `${env.name}:${process.pid}`,
    ttlMs: Number(optional('THIDUA_REPLICA_TTL_MS', '2000')),
    renewEveryMs: Number(optional('THIDUA_REPLICA_RENEW_MS', '400')),
    retryMs: Number(optional('THIDUA_REPLICA_RETRY_MS', '200')),
    acquireTimeoutMs: Number(optional('THIDUA_REPLICA_ACQUIRE_TIMEOUT_MS', '6000')),
  };
  const batchSize = Number(optional('THIDUA_REPLICA_BATCH', '50'));

  let projector: Projector;
  if (counting) {
    const runner = createProjectionRunner({
      eventStore,
      projectionStore,
      projection: counterProjection({ version: Number(optional('THIDUA_REPLICA_VERSION', '1')), applier: env.name }),
      batchSize,
      lease,
      onLeaseLost: () => say('lost'),
    });
    projector = { start: () => runner.start(), stop: () => runner.stop(), rebuild: () => runner.rebuild() };
  } else {
    const projections = createThiduaProjections({ eventStore, projectionStore, batchSize, lease });
    projector = {
      start: () => projections.start(),
      stop: () => projections.stop(),
      rebuild: async (name) => (await projections.rebuild(name))[0]!,
    };
  }

  const live = optional('THIDUA_REPLICA_START', '1') === '1' ? projector.start() : null;
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await projector.stop();
      await live?.done;
      await Promise.all([eventStore.close(), projectionStore.close(), leases.close()]);
      say('stopped');
    })();
    return stopping;
  };
  const stopped = new Promise<void>((resolve, reject) => {
    process.on('SIGTERM', () => void stop().then(resolve, reject));
    onParentLine((line) => {
      const [verb, name = ''] = line.split(' ');
      if (verb === 'stop') void stop().then(resolve, reject);
      if (verb === 'rebuild') {
        projector.rebuild(name).then(
          (progress) => say(`rebuilt ${name} ${progress.checkpoint ?? 'none'}`),
          (error: unknown) => say(`rebuild-failed ${name} ${isThiduaError(error) ? error.code : String(error)}`),
        );
      }
    });
  });
  say('ready');
  // A runner that fails (not a lost lease: a real error) ends the process loudly.
  await Promise.race([stopped, live?.done.then(() => stopped) ?? stopped]);
});
