/**
 * Export from SQLite, import into PostgreSQL, through `main()` from the
 * sources. Needs the PostgreSQL test server (`@thidua/store-postgres/testing`).
 */
import { createTestSchema, describePostgres } from '@thidua/store-postgres/testing';
import { exportedWithoutRecordedAt, runMain, STANDINGS_QUERY, tempWorkdir, writeCampaignFile } from '../run-cli.test-helper';

describePostgres('thidua export (SQLite) → import (PostgreSQL)', () => {
  const schema = createTestSchema('cli_import');
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  let sqlite: string;
  beforeAll(async () => {
    dir = await tempWorkdir('pg-import');
    sqlite = dir.store('source.db');
    expect((await runMain(['--store', sqlite, 'exec', await writeCampaignFile(dir.file('campaign.ndjson'))])).code).toBe(0);
    expect((await runMain(['--store', sqlite, 'export', '--out', dir.file('log.ndjson')])).code).toBe(0);
  });
  afterAll(async () => {
    await schema.drop();
    await dir.remove();
  });

  it('keeps ids, metadata and hashes, gives the same standings, verifies, and appends nothing the second time', async () => {
    const imported = await runMain(['--store', schema.url, 'import', dir.file('log.ndjson')]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^imported 25 events into 5 streams of postgres:/);

    const [source, target] = await Promise.all([runMain(['--store', sqlite, 'export']), runMain(['--store', schema.url, 'export'])]);
    expect(target.code).toBe(0);
    expect(exportedWithoutRecordedAt(target.stdout)).toEqual(exportedWithoutRecordedAt(source.stdout));

    const standings = [...STANDINGS_QUERY, '--format', 'json'];
    const [fromSqlite, fromPostgres] = await Promise.all([runMain(['--store', sqlite, ...standings]), runMain(['--store', schema.url, ...standings])]);
    expect(fromPostgres.code).toBe(0);
    expect(fromPostgres.stdout).toBe(fromSqlite.stdout);

    const verify = await runMain(['--store', schema.url, 'audit', 'verify']);
    expect(verify.code).toBe(0);

    const again = await runMain(['--store', schema.url, 'import', dir.file('log.ndjson')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to import: all 25 events');
    const after = await runMain(['--store', schema.url, 'export']);
    expect(after.stdout).toBe(target.stdout);

    const listed = await runMain(['--store', schema.url, 'list', '--format', 'json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ blocId: 'bloc-cli', campaigns: [expect.objectContaining({ year: 2013, final: true })] })]);
  });
});
