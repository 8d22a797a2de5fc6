import { spawnSync } from 'node:child_process';
import type { EventRegistry } from '@thidua/eventsourcing';
import { Pool } from 'pg';
import { createPostgresEventStore } from '../postgres-event-store';
import { createPostgresProjectionLeases, type PostgresProjectionLeases } from '../postgres-projection-leases';
import { createPostgresProjectionStore } from '../postgres-projection-store';

/** The test server: 127.0.0.1:5432, user postgres, database test (override with THIDUA_TEST_DATABASE_URL). */
export const TEST_DATABASE_URL = process.env.THIDUA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let unavailable: string | null | undefined;

/**
 * Why the server cannot be used, or null when it answers. Jest collects tests
 * synchronously, so the probe runs a short node child that tries to connect.
 */
function whyUnavailable(): string | null {
  if (unavailable !== undefined) return unavailable;
  const script = `
    const { Client } = require('pg');
    const client = new Client({ connectionString: process.env.PROBE_URL, connectionTimeoutMillis: 3000 });
    client.connect().then(() => client.query('SELECT 1')).then(() => client.end()).then(
      () => process.exit(0),
      (error) => { console.error(error.message); process.exit(1); },
    );`;
  const probe = spawnSync(process.execPath, ['-e', script], {
    cwd: __dirname,
    encoding: 'utf8',
    timeout: 10_000,
    env: { ...process.env, PROBE_URL: TEST_DATABASE_URL },
  });
  unavailable = probe.status === 0 ? null : (probe.stderr || probe.error?.message || 'no answer').trim();
  return unavailable;
}

/**
 * `describe` for tests that need the PostgreSQL server. Outside CI, when no
 * server answers, the block is skipped with a visible reason; with CI=true it
 * always runs, so a missing server fails loudly.
 */
export function describePostgres(title: string, body: () => void): void {
  const reason = process.env.CI === 'true' ? null : whyUnavailable();
  if (reason === null) {
    describe(title, body);
    return;
  }
  console.warn(`Skipping "${title}": no PostgreSQL at ${TEST_DATABASE_URL} (${reason}). With CI=true these tests run and fail instead.`);
  describe.skip(`${title} (skipped: no PostgreSQL at ${TEST_DATABASE_URL})`, body);
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
