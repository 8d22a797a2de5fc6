/**
 * `--store esdb://…` end to end: the BUILT CLI (`npx tsc -b packages/cli`;
 * `npm ci` builds it through the root prepare script) run as child processes
 * against the in-process EventStoreDB double of @thidua/store-eventstoredb
 * (its test code, taken from that package's build output: it is not part of
 * the package's API).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../../store-eventstoredb/dist/testing-double';
import { asLines, exportedWithoutRecordedAt, runCli, tempWorkdir } from '../run-cli.test-helper';
import { SMALL_BLOC, SMALL_YEAR, smallCampaignCommands } from '../small-campaign.test-helper';

describe('thidua with an EventStoreDB store', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  let written: EventStoreDbDouble;
  let imported: EventStoreDbDouble;
  const standings = ['standings', '--bloc', SMALL_BLOC, '--year', String(SMALL_YEAR), '--format', 'json'];
  beforeAll(async () => {
    dir = await tempWorkdir('esdb');
    [written, imported] = await Promise.all([startEventStoreDbDouble(), startEventStoreDbDouble()]);
    await writeFile(join(dir.path, 'campaign.ndjson'), asLines(smallCampaignCommands()));
    expect((await runCli(['--store', 'sqlite:reference.db', 'exec', 'campaign.ndjson'], { cwd: dir.path })).code).toBe(0);
  });
  afterAll(async () => {
    await Promise.all([written?.close(), imported?.close()]);
    await dir.remove();
  });

  it('runs commands and reads standings, keeping projections in ./thidua-projections.db by default', async () => {
    const exec = await runCli(['--store', written.connectionString, 'exec', 'campaign.ndjson'], { cwd: dir.path });
    expect(exec.stderr).toBe('');
    expect(exec.code).toBe(0);

    const [reference, fromEsdb] = await Promise.all([
      runCli(['--store', 'sqlite:reference.db', ...standings], { cwd: dir.path }),
      runCli(['--store', written.connectionString, ...standings], { cwd: dir.path }),
    ]);
    expect(fromEsdb.code).toBe(0);
    expect(fromEsdb.stdout).toBe(reference.stdout);
    expect(existsSync(join(dir.path, 'thidua-projections.db'))).toBe(true);

    const verify = await runCli(['--store', written.connectionString, 'audit', 'verify'], { cwd: dir.path });
    expect(verify.code).toBe(0);
  });

  it('imports an SQLite export under a kurrentdb:// URL with the same hash chains, and only once', async () => {
    expect((await runCli(['--store', 'sqlite:reference.db', 'export', '--out', 'log.ndjson'], { cwd: dir.path })).code).toBe(0);
    const url = imported.connectionString.replace(/^esdb:/, 'kurrentdb:');
    const run = await runCli(['--store', url, 'import', 'log.ndjson'], { cwd: dir.path });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^imported 25 events into 5 streams/);

    const [source, target] = await Promise.all([
      runCli(['--store', 'sqlite:reference.db', 'export'], { cwd: dir.path }),
      runCli(['--store', url, 'export'], { cwd: dir.path }),
    ]);
    expect(exportedWithoutRecordedAt(target.stdout)).toEqual(exportedWithoutRecordedAt(source.stdout));

    const again = await runCli(['--store', url, 'import', 'log.ndjson'], { cwd: dir.path });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to import');

    const fromImport = await runCli(['--store', url, '--projections', 'memory:', ...standings], { cwd: dir.path });
    const reference = await runCli(['--store', 'sqlite:reference.db', ...standings], { cwd: dir.path });
    expect(fromImport.stdout).toBe(reference.stdout);
  });
});
