/*
 * The process the crash tests kill with SIGKILL. Run with tools/run-ts.js:
 *
 *   THIDUA_CRASH_MODE=append|project THIDUA_CRASH_URL=… THIDUA_CRASH_SCHEMA=… node tools/run-ts.js crash-child.ts
 *
 * It reports progress as lines on stdout so the parent knows when it is in
 * the middle of its work. Each transaction is stretched with the test-only
 * delays, so most of the time it holds an open transaction that has written.
 */
import { createProjectionRunner } from '@thidua/eventsourcing';
import { createPostgresEventStore } from '../postgres-event-store';
import { createPostgresProjectionStore } from '../postgres-projection-store';
import { EVENTS_PER_APPEND, STREAMS, tallyProjection } from './crash-workload';

const mode = process.env.THIDUA_CRASH_MODE;
const connectionString = process.env.THIDUA_CRASH_URL!;
const schema = process.env.THIDUA_CRASH_SCHEMA!;
/** Stop by itself after this many appends (0: run until killed). */
const limit = Number(process.env.THIDUA_CRASH_LIMIT ?? '0');
const say = (line: string) => process.stdout.write(`${line}\n`);

async function appendForever(): Promise<void> {
  const store = createPostgresEventStore({
    connectionString,
    schema,
    testOnlyAppendDelays: () => ({ beforeMs: 1, holdMs: 150 }),
  });
  for (let i = 0; limit === 0 || i < limit; i += 1) {
    const batch = `${process.pid}-${i}`;
    const streamId = `crash-${i % STREAMS}`;
    const events = Array.from({ length: EVENTS_PER_APPEND }, (_, k) => ({ type: 'Counted', data: { batch, k, n: i * 10 + k } }));
    say(`writing ${batch}`);
    await store.appendToStream(streamId, events, { expectedRevision: 'any' });
    say(`committed ${batch}`);
  }
  await store.close();
}

async function project(): Promise<void> {
  const eventStore = createPostgresEventStore({ connectionString, schema });
  const projectionStore = createPostgresProjectionStore({
    connectionString,
    schema,
    testOnlyCommitDelays: () => ({ beforeMs: 1, holdMs: 150 }),
  });
  const runner = createProjectionRunner({
    eventStore,
    projectionStore,
    projection: tallyProjection,
    batchSize: 10,
    onProgress: (progress) => say(`checkpoint ${progress.checkpoint ?? 'none'}`),
  });
  const done = await runner.catchUp();
  say(`caught-up ${done.checkpoint ?? 'none'}`);
  await Promise.all([eventStore.close(), projectionStore.close()]);
}

(mode === 'append' ? appendForever() : project()).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
