/**
 * `--store esdb://…` end to end, through `main()` from the sources, against
 * the in-process EventStoreDB double of @thidua/store-eventstoredb (its test
 * code, from that package's sources: it is not part of the package's API).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../../../store-eventstoredb/src/testing-double';
import { exportedWithoutRecordedAt, runMain, STANDINGS_QUERY, tempWorkdir, writeCampaignFile } from '../run-cli.test-helper';

describe('thidua with an EventStoreDB store', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  let written: EventStoreDbDouble;
  let imported: EventStoreDbDouble;
  const standings = [...STANDINGS_QUERY, '--format', 'json'];
  beforeAll(async () => {
    dir = await tempWorkdir('esdb');
    [written, imported] = await Promise.all([startEventStoreDbDouble(), startEventStoreDbDouble()]);
    await writeCampaignFile(dir.file('campaign.ndjson'));
    expect((await runMain(['--store', dir.store('reference.db'), 'exec', dir.file('campaign.ndjson')])).code).toBe(0);
  });
  afterAll(async () => {
    await Promise.all([written?.close(), imported?.close()]);
    await dir.remove();
  });

  it('runs commands and reads standings, keeping projections in ./thidua-projections.db by default', async () => {
    const exec = await runMain(['--store', written.connectionString, 'exec', dir.file('campaign.ndjson')]);
    expect(exec.stderr).toBe('');
    expect(exec.code).toBe(0);

    const reference = await runMain(['--store', dir.store('reference.db'), ...standings]);
    // The default projections URL is relative to the working directory: run this one where the test's files are.
    const cwd = process.cwd();
    process.chdir(dir.path);
    const fromEsdb = await runMain(['--store', written.connectionString, ...standings]).finally(() => process.chdir(cwd));
    expect(fromEsdb.code).toBe(0);
    expect(fromEsdb.stdout).toBe(reference.stdout);
    expect(existsSync(join(dir.path, 'thidua-projections.db'))).toBe(true);

    const verify = await runMain(['--store', written.connectionString, '--projections', dir.store('thidua-projections.db'), 'audit', 'verify']);
    expect(verify.code).toBe(0);
  });

  it('imports an SQLite export under a kurrentdb:// URL with the same hash chains, and only once', async () => {
    expect((await runMain(['--store', dir.store('reference.db'), 'export', '--out', dir.file('log.ndjson')])).code).toBe(0);
    const url = imported.connectionString.replace(/^esdb:/, 'kurrentdb:');
    const run = await runMain(['--store', url, 'import', dir.file('log.ndjson')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^imported 25 events into 5 streams/);

    const [source, target] = await Promise.all([
      runMain(['--store', dir.store('reference.db'), 'export']),
      runMain(['--store', url, 'export']),
    ]);
    expect(exportedWithoutRecordedAt(target.stdout)).toEqual(exportedWithoutRecordedAt(source.stdout));

    const again = await runMain(['--store', url, 'import', dir.file('log.ndjson')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to import');

    const fromImport = await runMain(['--store', url, '--projections', 'memory:', ...standings]);
    const reference = await runMain(['--store', dir.store('reference.db'), ...standings]);
    expect(fromImport.stdout).toBe(reference.stdout);
  });
});
