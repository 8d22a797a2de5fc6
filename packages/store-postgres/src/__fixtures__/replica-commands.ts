/*
 * A replica issuing commands: its own pool, its own `createThidua`, the
 * workload of `replica-campaign.ts` sent one command after the other once the
 * parent says `go` (so that the replicas start together). Prints
 *   ok <commandId> <position> <duplicate>   for every command that succeeded,
 *   rejected <commandId> <code> <rule|->    for every typed rejection,
 *   conflicts <n>                           the ConcurrencyErrors its appends met (the handler retried them),
 *   done
 * Anything that is not a typed thidua error ends the process with code 1.
 */
import { createThidua, thiduaRegistry } from '@thidua/domain';
import { ConcurrencyError, isThiduaError, RuleViolationError, type EventStore } from '@thidua/eventsourcing';
import { Pool } from 'pg';
import { createPostgresEventStore } from '../postgres-event-store';
import { workloadCommands } from './replica-campaign';
import { onParentLine, replicaEnv, runFixture, say } from './replica-env';

/** The store, counting the conflicts its appends run into (the handler retries them, so they would not show otherwise). */
function countingConflicts(store: EventStore): { store: EventStore; conflicts(): number } {
  let conflicts = 0;
  const counted: EventStore = Object.create(store) as EventStore;
  counted.appendToStream = async (...args) => {
    try {
      return await store.appendToStream(...args);
    } catch (error) {
      if (error instanceof ConcurrencyError) conflicts += 1;
      throw error;
    }
  };
  return { store: counted, conflicts: () => conflicts };
}

runFixture(async () => {
  const env = replicaEnv();
  const replica = Number(env.get('THIDUA_REPLICA_INDEX'));
  const commands = workloadCommands(replica, Number(env.get('THIDUA_REPLICA_COMMANDS')));
  const pool = new Pool({ connectionString: env.connectionString, max: 3 });
  const eventStore = createPostgresEventStore({ pool, schema: env.get('THIDUA_REPLICA_SCHEMA'), registry: thiduaRegistry });
  const counting = countingConflicts(eventStore);
  // Three replicas on three streams; a command still refused after 10 tries is reported as such.
  const thidua = createThidua({ eventStore: counting.store, retry: { maxAttempts: 10 } });
  await eventStore.headPosition(); // connect and check the schema before saying ready
  const go = new Promise<void>((resolve) => onParentLine((line) => line === 'go' && resolve()));
  say('ready');
  await go;
  for (const command of commands) {
    try {
      const result = await thidua.execute(command);
      say(`ok ${command.commandId} ${result.position} ${result.duplicate}`);
    } catch (error) {
      if (!isThiduaError(error)) throw error;
      say(`rejected ${command.commandId} ${error.code} ${error instanceof RuleViolationError ? error.rule : '-'}`);
    }
  }
  say(`conflicts ${counting.conflicts()}`);
  await eventStore.close();
  await pool.end();
  say('done');
});
