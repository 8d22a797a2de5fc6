/*
 * Child process: appends batches to a SQLite store until killed.
 * Args: <db path> <pause at the n-th inserted row, 0 = never> <events per batch>.
 * Prints `committed <batch>` after each append returns, `paused` when frozen mid-transaction.
 */
import Database from 'better-sqlite3';
import { createSqliteEventStore } from '@thidua/store-sqlite';
import { pauseOnWrite, tell } from './pause-trigger';

async function main(): Promise<void> {
  const [path, pauseAt = '0', size = '5'] = process.argv.slice(2);
  if (!path) throw new Error('usage: crash-writer <db> [pauseAt] [batchSize]');
  // A host-owned connection, because the pause trigger must live on the store's own connection.
  const db = new Database(path, { timeout: 10_000 });
  pauseOnWrite(db, 'thidua_events', Number(pauseAt));
  const store = createSqliteEventStore({ database: db });
  const perBatch = Number(size);
  tell('ready');
  for (let batch = 0; ; batch += 1) {
    const events = Array.from({ length: perBatch }, (_, i) => ({
      type: 'Tested',
      data: { batch, i, of: perBatch, pad: 'thi đua '.repeat(40) },
    }));
    await store.appendToStream(`crash-${batch % 7}`, events);
    tell(`committed ${batch}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
