import { spawnSync } from 'node:child_process';
import { Pool } from 'pg';

/** The test server: 127.0.0.1:5432, user postgres, database test (override with THIDUA_TEST_DATABASE_URL). */
export const TEST_DATABASE_URL = process.env.THIDUA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why the server cannot be used, or null. Jest collects tests synchronously, so a short child process probes it. */
function whyUnavailable(): string | null {
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
  return probe.status === 0 ? null : (probe.stderr || probe.error?.message || 'no answer').trim();
}

/**
 * `describe` for tests that need PostgreSQL. Outside CI, with no server, the
 * block is skipped with a visible reason; with CI=true it always runs, so a
 * missing server fails loudly.
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

/** This test file's own schema, dropped after its tests. Call inside a describe. */
export function testSchema(label: string): string {
  const schema = `thidua_t_${label}_${process.pid}`;
  afterAll(async () => {
    const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    try {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await pool.end();
    }
  });
  return schema;
}
