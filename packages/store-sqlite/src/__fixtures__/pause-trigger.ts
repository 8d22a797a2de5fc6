import { writeSync } from 'node:fs';
import type Database from 'better-sqlite3';

/**
 * Freezes this process inside a write transaction, on the `pauseAt`-th row
 * written to `table`, after telling the parent (`paused` on stdout), so the
 * parent can SIGKILL it mid-transaction at a known point. The trigger is
 * TEMP: it lives in this connection only and never reaches the file.
 */
export function pauseOnWrite(db: Database.Database, table: string, pauseAt: number): void {
  if (pauseAt <= 0) return;
  let writes = 0;
  db.function('thidua_test_pause', () => {
    writes += 1;
    if (writes === pauseAt) {
      writeSync(1, 'paused\n');
      // A synchronous sleep: the transaction stays open, holding SQLite's write lock, until the parent kills us.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    }
    return null;
  });
  for (const event of ['INSERT', 'UPDATE']) {
    db.exec(`CREATE TEMP TRIGGER thidua_test_pause_${event.toLowerCase()} AFTER ${event} ON main.${table} BEGIN SELECT thidua_test_pause(); END`);
  }
}

/** One line to the parent, written synchronously so it is out before anything that follows. */
export function tell(line: string): void {
  writeSync(1, `${line}\n`);
}
