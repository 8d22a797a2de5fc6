import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { tell } from './pause-trigger';

/**
 * Like `pauseOnWrite`, but the parent chooses the moment: once the file
 * `flag` exists, the next row written to `table` freezes this process inside
 * its write transaction (after telling the parent `paused`), holding
 * SQLite's write lock until the parent kills it. For runners whose write
 * count the parent cannot predict, such as whichever replica holds a lease.
 */
export function pauseWhenFlagged(db: Database.Database, table: string, flag: string): void {
  db.function('thidua_test_pause_flagged', () => {
    if (existsSync(flag)) {
      tell('paused');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    }
    return null;
  });
  for (const event of ['INSERT', 'UPDATE']) {
    db.exec(
      `CREATE TEMP TRIGGER thidua_test_pause_flagged_${event.toLowerCase()} AFTER ${event} ON main.${table} BEGIN SELECT thidua_test_pause_flagged(); END`,
    );
  }
}
