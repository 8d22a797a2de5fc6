import type { EventRegistry } from '@thidua/eventsourcing';
import { Pool } from 'pg';
import { createPostgresEventStore } from '../postgres-event-store';
import { createPostgresProjectionLeases, type PostgresProjectionLeases } from '../postgres-projection-leases';
import { createPostgresProjectionStore } from '../postgres-projection-store';
import { TEST_DATABASE_URL } from '../testing';

// The server and the skip rule are shared with the other packages' tests (`@thidua/store-postgres/testing`).
export { describePostgres, TEST_DATABASE_URL } from '../testing';

/**
 * A pool on the test server for a test file's own SQL (setup, inspection),
 * ended after its tests. Call inside a describe. The pool connects on its
 * first query, so a describe skipped for want of a server opens nothing.
 */
export function adminPool(max: number): Pool {
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max });
  afterAll(async () => {
    await pool.end();
  });
  return pool;
}

/** Fresh schema names for one test file, all dropped after its tests. Call inside a describe. */
export function testSchemas(label: string): { next(): string } {
  const created: string[] = [];
  let count = 0;
  afterAll(async () => {
    if (created.length === 0) return;
    const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    try {
      for (const schema of created) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await pool.end();
    }
  });
  return {
    next() {
      count += 1;
      const schema = `thidua_t_${label}_${process.pid}_${count}`;
      created.push(schema);
      return schema;
    },
  };
}

/** Store factories for the shared conformance suites: every store gets its own fresh schema. */
export function postgresFactories(label: string) {
  const schemas = testSchemas(label);
  return {
    eventStore: async (options: { registry?: EventRegistry }) =>
      createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema: schemas.next(), ...options }),
    projectionStore: async () => createPostgresProjectionStore({ connectionString: TEST_DATABASE_URL, schema: schemas.next() }),
    /** Lease handles on one fresh schema, each with its own pool, as separate replicas would hold them. */
    leases: async () => {
      const schema = schemas.next();
      const opened: PostgresProjectionLeases[] = [];
      return {
        async open() {
          const leases = createPostgresProjectionLeases({ connectionString: TEST_DATABASE_URL, schema });
          opened.push(leases);
          return leases;
        },
        close: async () => {
          await Promise.all(opened.map((leases) => leases.close()));
        },
      };
    },
  };
}
