import { storeHandles, waitUntil, type FreezeOptions, type StoreTarget } from '@thidua/eventsourcing/testing';
import { Pool } from 'pg';
import { createPostgresEventStore } from '../postgres-event-store';
import { createPostgresProjectionLeases } from '../postgres-projection-leases';
import { createPostgresProjectionStore } from '../postgres-projection-store';
import { createFaultyPool, isAppendStatement, isProjectionCommitStatement, TEST_DATABASE_URL, type FaultPlan } from '../testing';

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
  afterAll(async () => {
    for (const schema of created.splice(0)) await storeTarget.remove({ connectionString: TEST_DATABASE_URL, schema });
  });
  return {
    next() {
      const schema = `thidua_t_${label}_${process.pid}_${created.length + 1}`;
      created.push(schema);
      return schema;
    },
  };
}

let created = 0;

/** A frozen write waits this long for its release at most: far beyond any test, which kills or releases it first. */
const FROZEN_AT_MOST_MS = 600_000;

/**
 * The PostgreSQL stores as the shared suites reach them: a fresh schema on
 * the test server (its name carries this process's id, so parallel runs
 * never meet). The three stores of a handle share one pool, which injects
 * the freeze from outside the store (see `createFaultyPool`), and their
 * sessions carry the handle's name as `application_name`.
 */
export const storeTarget: StoreTarget = {
  module: __filename,
  create: () => ({ connectionString: TEST_DATABASE_URL, schema: `thidua_t_target_${process.pid}_${(created += 1)}` }),
  open(location, options = {}) {
    const url = new URL(location['connectionString']!);
    if (options.name) url.searchParams.set('application_name', options.name);
    const pool = createFaultyPool({ connectionString: url.toString(), max: 4 }, options.freeze ? freezePlan(options.freeze) : () => undefined);
    const schema = location['schema']!;
    const eventStore = createPostgresEventStore({
      pool,
      schema,
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.wrapDriver ? { wrapDriver: options.wrapDriver } : {}),
    });
    const projectionStore = createPostgresProjectionStore({ pool, schema });
    const leases = createPostgresProjectionLeases({ pool, schema });
    return storeHandles({ eventStore, projectionStore, leases }, () => pool.end());
  },
  async remove(location) {
    const pool = new Pool({ connectionString: location['connectionString']!, max: 1 });
    try {
      await pool.query(`DROP SCHEMA IF EXISTS "${location['schema']!}" CASCADE`);
    } finally {
      await pool.end();
    }
  },
};

/** Holds the first armed write of the chosen kind open after it answered, until released. */
function freezePlan(freeze: FreezeOptions): FaultPlan {
  let fired = false;
  const matches = freeze.write === 'append' ? isAppendStatement : isProjectionCommitStatement;
  return (statement) => {
    if (fired || !matches(statement) || !freeze.armed()) return undefined;
    fired = true;
    return {
      kind: 'hold',
      held: () => freeze.frozen(),
      until: () => waitUntil(() => freeze.released(), { what: 'the release of a frozen write', timeoutMs: FROZEN_AT_MOST_MS, intervalMs: 10 }),
    };
  };
}
