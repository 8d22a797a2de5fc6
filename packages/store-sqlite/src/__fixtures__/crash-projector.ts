/*
 * Child process: runs the tally projection over a SQLite log, into the same file.
 * Args: <db path> <pause at the n-th document write, 0 = never> <batch size> <catch-up|rebuild>.
 * Prints `checkpoint <n>` after each committed batch, `paused` when frozen mid-commit, `done` at the end.
 */
import Database from 'better-sqlite3';
import { createProjectionRunner } from '@thidua/eventsourcing';
import { createSqliteEventStore, createSqliteProjectionStore } from '@thidua/store-sqlite';
import { pauseOnWrite, tell } from './pause-trigger';
import { tallyProjection } from './tally';

async function main(): Promise<void> {
  const [path, pauseAt = '0', size = '50', mode = 'catch-up'] = process.argv.slice(2);
  if (!path) throw new Error('usage: crash-projector <db> [pauseAt] [batchSize] [catch-up|rebuild]');
  const db = new Database(path, { timeout: 10_000 });
  pauseOnWrite(db, 'thidua_projection_documents', Number(pauseAt));
  const runner = createProjectionRunner({
    eventStore: createSqliteEventStore({ database: db }),
    projectionStore: createSqliteProjectionStore({ database: db }),
    projection: tallyProjection,
    batchSize: Number(size),
    // Staging commits as often as live ones, so a rebuild can be killed between two of them.
    stagingBatchSize: Number(size),
    onProgress: (progress) => tell(`checkpoint ${progress.checkpoint ?? 'none'}`),
  });
  tell('ready');
  if (mode === 'rebuild') await runner.rebuild();
  else await runner.catchUp();
  tell('done');
  db.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
