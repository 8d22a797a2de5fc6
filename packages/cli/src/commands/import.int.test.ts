/**
 * Export from SQLite, import into PostgreSQL: the BUILT CLI run as child
 * processes (`npx tsc -b packages/cli`; `npm ci` builds it through the root
 * prepare script). Needs the PostgreSQL test server (see postgres.test-helper.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeWithPostgres, testSchema } from '../postgres.test-helper';
import { asLines, exportedWithoutRecordedAt, runCli, tempWorkdir } from '../run-cli.test-helper';
import { SMALL_BLOC, SMALL_YEAR, smallCampaignCommands } from '../small-campaign.test-helper';

describeWithPostgres('thidua export (SQLite) → import (PostgreSQL)', () => {
  const schema = testSchema('import');
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  beforeAll(async () => {
    dir = await tempWorkdir('pg-import');
    await writeFile(join(dir.path, 'campaign.ndjson'), asLines(smallCampaignCommands()));
    expect((await runCli(['exec', 'campaign.ndjson'], { cwd: dir.path })).code).toBe(0);
    expect((await runCli(['export', '--out', 'log.ndjson'], { cwd: dir.path })).code).toBe(0);
  });
  afterAll(async () => {
    await schema.drop();
    await dir.remove();
  });

  it('keeps ids, metadata and hashes, gives the same standings, verifies, and appends nothing the second time', async () => {
    const imported = await runCli(['--store', schema.url, 'import', 'log.ndjson'], { cwd: dir.path });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^imported 25 events into 5 streams of postgres:/);

    const [source, target] = await Promise.all([
      runCli(['export'], { cwd: dir.path }),
      runCli(['--store', schema.url, 'export'], { cwd: dir.path }),
    ]);
    expect(target.code).toBe(0);
    expect(exportedWithoutRecordedAt(target.stdout)).toEqual(exportedWithoutRecordedAt(source.stdout));

    const standings = ['standings', '--bloc', SMALL_BLOC, '--year', String(SMALL_YEAR), '--format', 'json'];
    const [fromSqlite, fromPostgres] = await Promise.all([
      runCli(standings, { cwd: dir.path }),
      runCli(['--store', schema.url, ...standings], { cwd: dir.path }),
    ]);
    expect(fromPostgres.code).toBe(0);
    expect(fromPostgres.stdout).toBe(fromSqlite.stdout);

    const verify = await runCli(['--store', schema.url, 'audit', 'verify'], { cwd: dir.path });
    expect(verify.code).toBe(0);

    const again = await runCli(['--store', schema.url, 'import', 'log.ndjson'], { cwd: dir.path });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to import: all 25 events');
    const after = await runCli(['--store', schema.url, 'export'], { cwd: dir.path });
    expect(after.stdout).toBe(target.stdout);
  });
});
