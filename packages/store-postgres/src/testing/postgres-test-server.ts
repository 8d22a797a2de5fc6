/*
 * The PostgreSQL server the tests of every package use, and the one rule for
 * them: outside CI, with no server, they skip with a visible reason; with
 * CI=true they always run, so a missing server fails loudly.
 */
import { spawnSync } from 'node:child_process';

/** The test server: 127.0.0.1:5432, user postgres, database test (override with THIDUA_TEST_DATABASE_URL). */
export const TEST_DATABASE_URL = process.env['THIDUA_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

let unavailable: string | null | undefined;

/**
 * Why the test server cannot be used, or null when it answers. Jest collects
 * tests synchronously, so a short node child does the asynchronous probe;
 * the answer is kept for the rest of the process.
 */
export function whyTestPostgresUnavailable(): string | null {
  if (unavailable !== undefined) return unavailable;
  const script = `
    const { Client } = require('pg');
    const client = new Client({ connectionString: process.env.PROBE_URL, connectionTimeoutMillis: 3000 });
    client.connect().then(() => client.query('SELECT 1')).then(() => client.end()).then(
      () => process.exit(0),
      (error) => { console.error(error.message); process.exit(1); },
    );`;
  const probe = spawnSync(process.execPath, ['-e', script], {
    // Run beside this file, so that require('pg') finds this package's own dependency.
    cwd: __dirname,
    encoding: 'utf8',
    timeout: 10_000,
    env: { ...process.env, PROBE_URL: TEST_DATABASE_URL },
  });
  unavailable = probe.status === 0 ? null : (probe.stderr || probe.error?.message || 'no answer').trim();
  return unavailable;
}

/** `describe` for tests that need the PostgreSQL test server (see the rule above). */
export function describePostgres(title: string, body: () => void): void {
  const reason = process.env['CI'] === 'true' ? null : whyTestPostgresUnavailable();
  if (reason === null) {
    describe(title, body);
    return;
  }
  console.warn(`Skipping "${title}": no PostgreSQL at ${TEST_DATABASE_URL} (${reason}). With CI=true these tests run and fail instead.`);
  describe.skip(`${title} (skipped: no PostgreSQL at ${TEST_DATABASE_URL})`, body);
}
