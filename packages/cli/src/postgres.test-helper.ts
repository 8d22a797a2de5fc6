/**
 * PostgreSQL for the CLI's `*.int.test.ts`: the server at 127.0.0.1:5432
 * (override with THIDUA_TEST_DATABASE_URL), one schema per test file, dropped
 * afterwards.
 */
import { spawnSync } from 'node:child_process';
import { Pool } from 'pg';

/** The test server's URL, without a schema. */
export const TEST_DATABASE_URL = process.env['THIDUA_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Why the server cannot be used, or null when it answers. Jest collects
 * tests synchronously, so a short child process does the asynchronous probe.
 */
function probe(): string | null {
  const script = `const { Client } = require('pg');
    const client = new Client({ connectionString: process.env.PROBE_URL, connectionTimeoutMillis: 3000 });
    client.connect().then(() => client.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: __dirname,
    encoding: 'utf8',
    timeout: 10_000,
    env: { ...process.env, PROBE_URL: TEST_DATABASE_URL },
  });
  return result.status === 0 ? null : (result.stderr || result.error?.message || 'no answer').trim();
}

/**
 * `describe` for tests that need PostgreSQL: outside CI, without a server, the
 * block is skipped with a visible reason; with CI=true it always runs, so a
 * missing server fails loudly.
 */
export function describeWithPostgres(title: string, body: () => void): void {
  const reason = process.env['CI'] === 'true' ? null : probe();
  if (reason === null) {
    describe(title, body);
    return;
  }
  console.warn(`Skipping "${title}": no PostgreSQL at ${TEST_DATABASE_URL} (${reason}). With CI=true it runs and fails instead.`);
  describe.skip(`${title} (skipped: no PostgreSQL at ${TEST_DATABASE_URL})`, body);
}

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
