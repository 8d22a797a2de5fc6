/*
 * A replica that executes the commands the parent sends, one JSON command a
 * line on stdin, each through `createThidua` on its own pool. Prints
 * `position <n>` for a command that succeeded, `rejected <code>` otherwise.
 */
import { createThidua, thiduaRegistry } from '@thidua/domain';
import { isThiduaError } from '@thidua/eventsourcing';
import { createPostgresEventStore } from '../postgres-event-store';
import { onParentLine, replicaEnv, runFixture, say } from './replica-env';

runFixture(async () => {
  const env = replicaEnv();
  const eventStore = createPostgresEventStore({
    connectionString: env.connectionString,
    schema: env.get('THIDUA_REPLICA_SCHEMA'),
    registry: thiduaRegistry,
    maxConnections: 2,
  });
  const thidua = createThidua({ eventStore });
  let queue = Promise.resolve();
  const finished = new Promise<void>((resolve) => {
    onParentLine((line) => {
      queue = queue.then(async () => {
        if (line === 'stop') return resolve();
        try {
          say(`position ${(await thidua.execute(JSON.parse(line))).position}`);
        } catch (error) {
          if (!isThiduaError(error)) throw error;
          say(`rejected ${error.code}`);
        }
      });
    });
  });
  say('ready');
  await finished;
  await eventStore.close();
});
