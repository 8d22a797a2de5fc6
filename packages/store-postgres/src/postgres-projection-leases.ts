import { ValidationError, type LeaseHolder, type ProjectionLeases } from '@thidua/eventsourcing';
import type { QueryArrayConfig } from 'pg';
import { guarded } from './postgres-errors';
import { retryTransient } from './retry-transient';
import { lazySchema, openConnection, sqlTypes, statementName, type PostgresConnectionOptions } from './schema';

/** Options of {@link createPostgresProjectionLeases}. */
export interface PostgresProjectionLeasesOptions extends PostgresConnectionOptions {
  /**
   * Size of the pool the leases open from `connectionString` (default 2:
   * renewals are one short statement each). Ignored with `pool`.
   */
  maxConnections?: number;
}

/** {@link ProjectionLeases} with `close()`, which ends the pool if the leases opened it. */
export interface PostgresProjectionLeases extends ProjectionLeases {
  close(): Promise<void>;
}

/**
 * Projection leases in PostgreSQL, so that replicas of a backend sharing one
 * database run each projection in one of them at a time. A lease is a row
 * (`projection_leases`) holding the owner and an expiry on the **database's
 * clock**: taking, renewing and taking over an expired lease are one
 * conditional upsert, so the clocks of the replicas never matter and two
 * replicas never both take a free lease (the row lock decides). A holder
 * that dies stops renewing, and another replica takes over once the expiry
 * passes: within `ttlMs` plus its retry interval.
 *
 * As the port says, leases give liveness; safety (no event applied twice,
 * even while a stalled holder still believes it holds the lease) comes from
 * the checkpoint guard of the projection store.
 *
 * @example
 * const leases = createPostgresProjectionLeases({ pool, schema: 'thidua' });
 * const projections = createThiduaProjections({ eventStore, projectionStore,
 *   lease: { leases, owner: `${hostname()}:${process.pid}`, ttlMs: 15_000 } });
 * projections.start();
 */
export function createPostgresProjectionLeases(options: PostgresProjectionLeasesOptions): PostgresProjectionLeases {
  const connection = openConnection({ ...options, maxConnections: options.maxConnections ?? 2 });
  const { pool, q, schema } = connection;
  const ready = lazySchema(connection);
  const name = (operation: string) => statementName(schema, operation);
  let closed = false;

  const query = async <Row extends unknown[]>(config: QueryArrayConfig): Promise<Row[]> => {
    if (closed) throw new Error(`PostgreSQL projection leases (schema ${schema}) are closed`);
    return guarded(connection.label, async () => {
      await ready();
      return retryTransient(async () => (await pool.query<Row>({ ...config, types: sqlTypes, rowMode: 'array' })).rows);
    });
  };

  return {
    async tryAcquire(projection, owner, ttlMs) {
      if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
        throw new ValidationError(`Lease ttl must be a positive number of ms, got ${ttlMs}`, [{ path: 'ttlMs', message: 'a positive number' }]);
      }
      // Insert a free lease, renew one's own, or take over an expired one; a
      // row returned means the lease is ours. A racing acquirer waits on the
      // row lock and re-checks the WHERE against the winner's row, so it loses.
      // The clock is read once (the proposed row's renewed_at): separate
      // clock_timestamp() calls differ by microseconds, and a first take must
      // record the same instant as acquired and renewed.
      const rows = await query<[number]>({
        name: name('lease_acquire'),
        text: `WITH now AS (SELECT clock_timestamp() AS t)
               INSERT INTO ${q}.projection_leases AS l (projection, owner, acquired_at, renewed_at, expires_at)
               SELECT $1, $2, now.t, now.t, now.t + $3::float8 * interval '1 millisecond' FROM now
               ON CONFLICT (projection) DO UPDATE SET
                 owner = excluded.owner,
                 acquired_at = CASE WHEN l.owner = excluded.owner AND l.expires_at > excluded.renewed_at THEN l.acquired_at ELSE excluded.acquired_at END,
                 renewed_at = excluded.renewed_at,
                 expires_at = excluded.expires_at
               WHERE l.owner = excluded.owner OR l.expires_at <= excluded.renewed_at
               RETURNING 1`,
        values: [projection, owner, ttlMs],
        rowMode: 'array',
      });
      return rows.length === 1;
    },

    async release(projection, owner) {
      await query({
        name: name('lease_release'),
        text: `DELETE FROM ${q}.projection_leases WHERE projection = $1 AND owner = $2`,
        values: [projection, owner],
        rowMode: 'array',
      });
    },

    async holder(projection): Promise<LeaseHolder | null> {
      const [row] = await query<[string, number]>({
        name: name('lease_holder'),
        text: `SELECT owner, floor(extract(epoch FROM expires_at) * 1000)::float8
               FROM ${q}.projection_leases WHERE projection = $1 AND expires_at > clock_timestamp()`,
        values: [projection],
        rowMode: 'array',
      });
      return row ? { owner: row[0], expiresAt: row[1] } : null;
    },

    async close() {
      if (closed) return;
      closed = true;
      if (connection.ownsPool) await pool.end();
    },
  };
}
