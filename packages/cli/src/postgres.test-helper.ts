/**
 * PostgreSQL for the CLI's `*.int.test.ts`: the server at 127.0.0.1:5432
 * (override with THIDUA_TEST_DATABASE_URL), one schema per test file, dropped
 * afterwards.
 */
import { Pool } from 'pg';
import { TEST_DATABASE_URL } from '@thidua/store-postgres/testing';

// The server (its URL, without a schema) and the skip rule every package's tests share.
export { describePostgres as describeWithPostgres, TEST_DATABASE_URL } from '@thidua/store-postgres/testing';

/** A schema for this test file: its `--store` URL, and `drop()` for afterAll. */
export function testSchema(label: string): { name: string; url: string; drop(): Promise<void> } {
  const name = `thidua_cli_${label}_${process.pid}`;
  const url = `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}schema=${name}`;
  return {
    name,
    url,
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
