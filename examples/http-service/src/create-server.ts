import { thiduaRegistry } from '@thidua/domain';
import { ValidationError } from '@thidua/eventsourcing';
import { createPostgresEventStore, createPostgresProjectionLeases, createPostgresProjectionStore } from '@thidua/store-postgres';
import { Pool } from 'pg';
import { createHttpService, type HttpServiceOptions, type ProjectionLeaseOptions, type ThiduaHttpService } from './http-service';

/** Where the PostgreSQL data lives: the host's pool, or a connection string for a pool the service owns. */
export type PostgresTarget =
  | {
      /** The host backend's pool: the service borrows clients and never ends it. */
      pool: Pool;
      connectionString?: never;
    }
  | {
      /** `postgres://user@host:5432/db`: the service opens one pool for both stores and ends it on `close()`. */
      connectionString: string;
      pool?: never;
      /** Size of that pool (default 10). */
      maxConnections?: number;
    };

/** Options of {@link createServer}. */
export type CreateServerOptions = PostgresTarget & {
  /** The PostgreSQL schema holding the log, the projections and their leases (default `thidua`); created or upgraded on first use. */
  schema?: string;
  /** This replica's lease owner name and timings; the leases themselves are PostgreSQL's, in the same schema. */
  lease?: Omit<ProjectionLeaseOptions, 'leases'>;
} & Omit<HttpServiceOptions, 'eventStore' | 'projectionStore' | 'onClosed' | 'lease'>;

/**
 * The thidua HTTP service on PostgreSQL: the event store, the projection
 * store and the projection leases share one pool and one schema, so any
 * number of replicas can serve the same schema side by side (each projection
 * runs in the replica holding its lease). Call `listen()` to start it (the
 * projections start with it) and `close()` to stop everything it opened.
 *
 * @example
 * const authenticate = bearerTokenAuthentication({ secret: process.env.THIDUA_TOKEN_SECRET! });
 * const service = createServer({ connectionString: process.env.DATABASE_URL!, schema: 'thidua', authenticate });
 * const { url } = await service.listen({ port: 3000 });
 * console.log(`thidua listening on ${url}`);
 */
export function createServer(options: CreateServerOptions): ThiduaHttpService {
  const { pool: hostPool, connectionString, schema, lease, ...serviceOptions } = options;
  if ((hostPool === undefined) === (connectionString === undefined)) {
    throw new ValidationError('Give exactly one of pool and connectionString', [
      { path: 'connectionString', message: 'exactly one of pool and connectionString is required' },
    ]);
  }
  const maxConnections = 'maxConnections' in options ? options.maxConnections : undefined;
  const ownPool =
    hostPool === undefined ? new Pool({ connectionString, max: maxConnections ?? 10, application_name: 'thidua-http-service' }) : null;
  // An idle client that loses its connection is dropped by the pool; without a listener Node would crash on it.
  ownPool?.on('error', () => undefined);
  const pool = hostPool ?? ownPool!;
  const where = schema === undefined ? { pool } : { pool, schema };
  const eventStore = createPostgresEventStore({ ...where, registry: thiduaRegistry });
  const projectionStore = createPostgresProjectionStore(where);
  const leases = createPostgresProjectionLeases(where);
  const { maxConnections: _ignored, ...rest } = serviceOptions as typeof serviceOptions & { maxConnections?: number };
  return createHttpService({
    ...rest,
    eventStore,
    projectionStore,
    lease: { ...lease, leases },
    async onClosed() {
      await leases.close();
      await eventStore.close();
      await projectionStore.close();
      await ownPool?.end();
    },
  });
}
