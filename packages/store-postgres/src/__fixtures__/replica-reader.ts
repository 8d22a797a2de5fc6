/*
 * A replica that only reads: for each `wait <position> <timeoutMs>` line on
 * stdin, prints `before <checkpoint|none>` (the standings checkpoint it
 * found), then reads the year-end standings with read-your-writes and prints
 * `standings <json>`, or `error <code>` when the wait timed out.
 */
import { isThiduaError } from '@thidua/eventsourcing';
import { getYearEndStandings, STANDINGS_PROJECTION } from '@thidua/projections';
import { createPostgresProjectionStore } from '../postgres-projection-store';
import { REPLICA_BLOC, REPLICA_YEAR } from './replica-campaign';
import { onParentLine, replicaEnv, runFixture, say } from './replica-env';

runFixture(async () => {
  const env = replicaEnv();
  const projectionStore = createPostgresProjectionStore({
    connectionString: env.connectionString,
    schema: env.get('THIDUA_REPLICA_SCHEMA'),
    maxConnections: 2,
  });
  let queue = Promise.resolve();
  const finished = new Promise<void>((resolve) => {
    onParentLine((line) => {
      queue = queue.then(async () => {
        const [verb, position = '0', timeoutMs = '5000'] = line.split(' ');
        if (verb === 'stop') return resolve();
        say(`before ${(await projectionStore.getState(STANDINGS_PROJECTION))?.checkpoint ?? 'none'}`);
        try {
          const standings = await getYearEndStandings(projectionStore, {
            blocId: REPLICA_BLOC,
            year: REPLICA_YEAR,
            waitFor: { position: BigInt(position), timeoutMs: Number(timeoutMs) },
          });
          say(`standings ${JSON.stringify(standings)}`);
        } catch (error) {
          if (!isThiduaError(error)) throw error;
          say(`error ${error.code}`);
        }
      });
    });
  });
  say('ready');
  await finished;
  await projectionStore.close();
});
