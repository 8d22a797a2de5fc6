/*
 * Child process: one replica running the tally projection under a SQLite
 * lease on a shared file, as several processes on one machine would.
 * Args: <db path> <owner> <ttl ms> <renew ms> <retry ms> <batch size>.
 * Prints `ready` once started and `lost` when it loses the lease; freezes
 * inside its next document write once `<db path>.pause-<owner>` exists
 * (printing `paused`); on SIGTERM stops (releasing the lease), prints
 * `stopped` and exits 0.
 */
import Database from 'better-sqlite3';
import { createProjectionRunner } from '@thidua/eventsourcing';
import { createSqliteEventStore, createSqliteProjectionLeases, createSqliteProjectionStore } from '@thidua/store-sqlite';
import { tell } from './pause-trigger';
import { pauseWhenFlagged } from './pause-when-flagged';
import { tallyProjection } from './tally';

async function main(): Promise<void> {
  const [path, owner, ttl, renew, retry, batch] = process.argv.slice(2);
  if (!path || !owner || !ttl || !renew || !retry || !batch) {
    throw new Error('usage: leased-projector <db> <owner> <ttl ms> <renew ms> <retry ms> <batch size>');
  }
  const db = new Database(path, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  pauseWhenFlagged(db, 'thidua_projection_documents', `${path}.pause-${owner}`);
  const leases = createSqliteProjectionLeases({ database: db });
  const runner = createProjectionRunner({
    eventStore: createSqliteEventStore({ database: db }),
    projectionStore: createSqliteProjectionStore({ database: db }),
    projection: tallyProjection,
    batchSize: Number(batch),
    lease: { leases, owner, ttlMs: Number(ttl), renewEveryMs: Number(renew), retryMs: Number(retry) },
    onLeaseLost: () => tell('lost'),
  });
  const { done } = runner.start();
  const stopped = new Promise<void>((resolve, reject) => {
    process.on('SIGTERM', () => void runner.stop().then(resolve, reject));
  });
  tell('ready');
  await Promise.all([done, stopped]);
  db.close();
  tell('stopped');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
