import type { LeaseHolder, ProjectionLeases } from '@thidua/eventsourcing';
import { openSqliteConnection, type SqliteConnectionOptions } from './connection';
import { guarded } from './sqlite-errors';

/** Options of {@link createSqliteProjectionLeases}. */
export interface SqliteProjectionLeasesOptions extends SqliteConnectionOptions {
  /** The lease clock, ms since the epoch. Every process sharing the file must use the same one (the machine's). */
  clock?: () => number;
}

type LeaseRow = [owner: string, expiresAt: number];

/** {@link ProjectionLeases} with `close()`, which releases the connection if the leases opened it. */
export interface SqliteProjectionLeases extends ProjectionLeases {
  close(): Promise<void>;
}

/**
 * Projection leases in the SQLite file, so that processes sharing one file
 * run each projection in one of them at a time. Each acquisition is one
 * `BEGIN IMMEDIATE` transaction, so two processes never both take a free
 * lease. As the port says, leases give liveness; the checkpoint guard of the
 * projection store gives safety.
 *
 * @example
 * const leases = createSqliteProjectionLeases({ database: 'sqlite:./thidua.db' });
 * createProjectionRunner({ eventStore, projectionStore, projection, lease: { leases, owner: `${hostname()}:${process.pid}` } }).start();
 */
export function createSqliteProjectionLeases(options: SqliteProjectionLeasesOptions): SqliteProjectionLeases {
  const connection = openSqliteConnection(options);
  const { db } = connection;
  const clock = options.clock ?? Date.now;
  const read = db
    .prepare<[string], LeaseRow>('SELECT owner, expires_at FROM thidua_projection_leases WHERE projection = ?')
    .raw(true)
    .safeIntegers(false);
  const write = db.prepare<[string, string, number]>(
    `INSERT INTO thidua_projection_leases (projection, owner, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (projection) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`,
  );
  const remove = db.prepare<[string, string]>('DELETE FROM thidua_projection_leases WHERE projection = ? AND owner = ?');
  const acquire = db.transaction((projection: string, owner: string, ttlMs: number): boolean => {
    const now = clock();
    const current = read.get(projection);
    if (current && current[0] !== owner && current[1] > now) return false;
    write.run(projection, owner, now + ttlMs);
    return true;
  });
  let closed = false;
  const assertOpen = () => {
    if (closed) throw new Error('SQLite projection leases are closed');
  };

  return {
    async tryAcquire(projection, owner, ttlMs) {
      assertOpen();
      return guarded(connection.label, () => acquire.immediate(projection, owner, ttlMs));
    },
    async release(projection, owner) {
      assertOpen();
      guarded(connection.label, () => remove.run(projection, owner));
    },
    async holder(projection): Promise<LeaseHolder | null> {
      assertOpen();
      const current = guarded(connection.label, () => read.get(projection));
      return current && current[1] > clock() ? { owner: current[0], expiresAt: current[1] } : null;
    },
    async close() {
      if (closed) return;
      closed = true;
      connection.release();
    },
  };
}
