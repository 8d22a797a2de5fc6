import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { ProjectionStore } from '@thidua/eventsourcing';
import { storeHandles, type FreezeOptions, type StoreTarget } from '@thidua/eventsourcing/testing';
import { createSqliteEventStore, createSqliteProjectionLeases, createSqliteProjectionStore } from '..';

/** A fresh folder with a database path in it; `remove()` deletes the folder, with the file and its -wal/-shm companions. */
export function tempDatabasePath(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'thidua-sqlite-'));
  return { path: join(dir, 'thidua.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Long enough that a writer never gives up on a lock by accident, however loaded the machine. */
const PATIENT_MS = 30_000;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * The SQLite stores as the shared suites reach them: a file in a fresh
 * temporary folder. Handles open their own connections, as the stores do in
 * production; a handle that is to freeze inside a write shares one
 * connection instead, carrying TEMP triggers that call back into this
 * process (they live on that connection only and never reach the file).
 */
export const storeTarget: StoreTarget = {
  module: __filename,
  create: () => ({ path: tempDatabasePath().path }),
  open(location, options = {}) {
    const path = location['path']!;
    const busyTimeoutMs = options.lockWaitMs ?? PATIENT_MS;
    // Event store options as given: the registry, and the driver wrapper that injects the suites' faults.
    const registry = { ...(options.registry ? { registry: options.registry } : {}), ...(options.wrapDriver ? { wrapDriver: options.wrapDriver } : {}) };
    if (!options.freeze) {
      const eventStore = createSqliteEventStore({ database: path, busyTimeoutMs, ...registry });
      const projectionStore = createSqliteProjectionStore({ database: path, busyTimeoutMs });
      const leases = createSqliteProjectionLeases({ database: path, busyTimeoutMs });
      return storeHandles({ eventStore, projectionStore, leases });
    }
    const db = new Database(path, { timeout: busyTimeoutMs });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const eventStore = createSqliteEventStore({ database: db, ...registry });
    const projectionStore = createSqliteProjectionStore({ database: db });
    const leases = createSqliteProjectionLeases({ database: db });
    const committing = { now: false };
    freezeInside(db, options.freeze, committing);
    return storeHandles({ eventStore, projectionStore: inCommits(projectionStore, committing), leases }, () => void db.close());
  },
  remove: async (location) => rmSync(dirname(location['path']!), { recursive: true, force: true }),
};

/**
 * Marks the time inside `commit`. The store's commit runs its whole
 * transaction synchronously inside the call, so the mark tells the triggers
 * a batch commit from a reset or a promote, which write the same tables.
 */
function inCommits(store: ProjectionStore, committing: { now: boolean }): ProjectionStore {
  const marked: ProjectionStore = Object.create(store) as ProjectionStore;
  marked.commit = (projection, batch) => {
    committing.now = true;
    try {
      return store.commit(projection, batch);
    } finally {
      committing.now = false;
    }
  };
  return marked;
}

/**
 * Freezes this process on the first row of the chosen write once armed: the
 * transaction stays open, holding SQLite's write lock, until released (or
 * until the process is killed). The wait blocks the whole process, as
 * SQLite's own calls do.
 */
function freezeInside(db: Database.Database, freeze: FreezeOptions, committing: { now: boolean }): void {
  let fired = false;
  db.function('thidua_test_freeze', () => {
    if (!fired && (freeze.write === 'append' || committing.now) && freeze.armed()) {
      fired = true;
      freeze.frozen();
      while (!freeze.released()) Atomics.wait(PAUSE, 0, 0, 10);
    }
    return null;
  });
  const tables = freeze.write === 'append' ? ['thidua_events'] : ['thidua_projection_documents', 'thidua_projections'];
  for (const table of tables) {
    for (const event of ['INSERT', 'UPDATE']) {
      db.exec(`CREATE TEMP TRIGGER thidua_test_freeze_${table}_${event.toLowerCase()} AFTER ${event} ON main.${table} BEGIN SELECT thidua_test_freeze(); END`);
    }
  }
}
