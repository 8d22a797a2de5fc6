import { Pool } from 'pg';
import { TEST_DATABASE_URL } from './postgres-test-server';

/** A schema of the test server for one test file. */
export interface TestSchema {
  /** `thidua_<label>_<pid>`: unique per test process, so parallel runs never share one. */
  readonly name: string;
  /** The server's URL with `?schema=<name>`: a `thidua --store` URL. */
  readonly url: string;
  /** Drops the schema and everything in it (call it in `afterAll`). */
  drop(): Promise<void>;
}

/**
 * A fresh schema name on the test server for one test file, and its
 * `--store` URL. Nothing is created until a store opens it; `drop()`
 * removes it.
 */
export function createTestSchema(label: string): TestSchema {
  const name = `thidua_${label.replace(/[^A-Za-z0-9_]/g, '_')}_${process.pid}`;
  return {
    name,
    url: `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}schema=${name}`,
    async drop() {
      const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
      try {
        await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}
