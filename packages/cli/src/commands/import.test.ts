/**
 * `thidua export` and `thidua import`, through `main()` from the sources.
 * The PostgreSQL leg is in import.int.test.ts.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { thiduaRegistry } from '@thidua/domain';
import { applyImport, createInMemoryEventStore, ndjsonFileLines, planImport, type ImportProgress } from '@thidua/eventsourcing';
import { asLines, CAMPAIGN, runMain, STANDINGS_QUERY, tempWorkdir, writeCampaignFile } from '../run-cli.test-helper';

type Line = Record<string, unknown> & { streamId: string; revision: string; data: Record<string, unknown>; metadata: { hash: string; prevHash: string | null } };
const parseLines = (text: string): Line[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);
/** Everything of an exported event but the target store's own clock. */
const withoutRecordedAt = (lines: Line[]) => lines.map(({ recordedAt: _recordedAt, ...rest }) => rest);

describe('thidua export / import', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  let exported: string;
  beforeAll(async () => {
    dir = await tempWorkdir('interchange');
    await writeCampaignFile(dir.file('campaign.ndjson'));
    const exec = await runMain(['--store', dir.store('source.db'), 'exec', dir.file('campaign.ndjson')]);
    expect(exec.code).toBe(0);
    const run = await runMain(['--store', dir.store('source.db'), 'export', '--out', dir.file('log.ndjson')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    exported = await readFile(join(dir.path, 'log.ndjson'), 'utf8');
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('writes one raw event a line, with exactly the interchange keys and the revision as a decimal string', async () => {
    const lines = parseLines(exported);
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['streamId', 'revision', 'id', 'type', 'schemaVersion', 'data', 'metadata', 'recordedAt']);
      expect(line.revision).toMatch(/^(0|[1-9][0-9]*)$/);
      expect(line.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(lines[0]).toMatchObject({ streamId: `bloc-${CAMPAIGN.blocId}`, revision: '0', type: 'BlocEstablished', metadata: { prevHash: null } });
    // stdout is the default destination, with the same content.
    const toStdout = await runMain(['--store', dir.store('source.db'), 'export']);
    expect(toStdout.stdout).toBe(exported);
    expect(toStdout.stderr).toContain(`exported ${lines.length} events`);
  });

  it('imports into another SQLite store with the same ids, metadata and hashes, and the same standings', async () => {
    const run = await runMain(['--store', dir.store('copy.db'), 'import', dir.file('log.ndjson')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const count = parseLines(exported).length;
    expect(run.stdout).toContain(`imported ${count} events`);

    const reExported = await runMain(['--store', dir.store('copy.db'), 'export']);
    expect(withoutRecordedAt(parseLines(reExported.stdout))).toEqual(withoutRecordedAt(parseLines(exported)));

    const standings = (store: string) =>
      runMain(['--store', store, ...STANDINGS_QUERY, '--format', 'json']);
    const [source, copy] = await Promise.all([standings(dir.store('source.db')), standings(dir.store('copy.db'))]);
    expect(source.code).toBe(0);
    expect(copy.stdout).toBe(source.stdout);
    expect(JSON.parse(copy.stdout)).toMatchObject({ blocId: CAMPAIGN.blocId, year: CAMPAIGN.year, final: true });

    const verify = await runMain(['--store', dir.store('copy.db'), 'audit', 'verify']);
    expect(verify.code).toBe(0);
  });

  it('appends nothing when the same export is imported twice', async () => {
    const first = await runMain(['--store', dir.store('twice.db'), 'import', dir.file('log.ndjson')]);
    expect(first.code).toBe(0);
    const before = await runMain(['--store', dir.store('twice.db'), 'export']);
    const second = await runMain(['--store', dir.store('twice.db'), 'import', dir.file('log.ndjson')]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to import');
    const after = await runMain(['--store', dir.store('twice.db'), 'export']);
    expect(after.stdout).toBe(before.stdout);
  });

  it('refuses a file with a tampered payload, naming the line, and appends nothing', async () => {
    const lines = exported.split('\n');
    const index = lines.findIndex((line) => line.includes('"ScoreRecorded"'));
    const tampered = JSON.parse(lines[index]!) as Line;
    tampered.data['points'] = 60;
    lines[index] = JSON.stringify(tampered);
    await writeFile(join(dir.path, 'tampered.ndjson'), lines.join('\n'));

    const run = await runMain(['--store', dir.store('tampered.db'), 'import', dir.file('tampered.ndjson')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^line ${index + 1}: hash chain of ${tampered.streamId.replace('.', '\\.')}: .*altered`, 'm'));
    expect(run.stderr).toContain('nothing was appended');
    // The store did not exist before: a refused import does not leave an empty database behind.
    expect(existsSync(dir.file('tampered.db'))).toBe(false);
  });

  it('names each bad line: not JSON, a bad envelope, an invalid payload, a revision out of order, a reused id', async () => {
    const good = exported.split('\n').filter((line) => line !== '');
    const first = JSON.parse(good[0]!) as Line;
    const second = JSON.parse(good[1]!) as Line;
    const lines = [
      good[0]!, // 1: fine
      '{"streamId": "bloc-x"', // 2: not JSON
      JSON.stringify({ ...second, position: '2' }), // 3: unknown key
      JSON.stringify({ ...first, streamId: 'bloc-other', data: { ...first.data, establishedAt: 'yesterday' } }), // 4: payload refused
      JSON.stringify({ ...second, streamId: 'bloc-third', revision: '5' }), // 5: starts past the store's next revision
      JSON.stringify(first), // 6: the same id again
    ];
    await writeFile(join(dir.path, 'bad.ndjson'), asLines(lines));

    const run = await runMain(['--store', dir.store('bad.db'), 'import', dir.file('bad.ndjson')]);
    expect(run.code).toBe(1);
    const reported = run.stderr.split('\n').filter((line) => line.startsWith('line '));
    expect(reported.map((line) => Number(/^line (\d+):/.exec(line)?.[1]))).toEqual([2, 3, 4, 5, 6]);
    expect(reported[0]).toContain('not JSON');
    expect(reported[1]).toContain('position');
    expect(reported[2]).toContain('establishedAt');
    expect(reported[3]).toContain('starts at revision 5');
    expect(reported[4]).toContain('already appears on line 1');
    expect(run.stderr).toContain('5 bad lines');
    expect(existsSync(dir.file('bad.db'))).toBe(false);

    const json = await runMain(['--store', dir.store('bad.db'), 'import', '--format', 'json', dir.file('bad.ndjson')]);
    expect(json.code).toBe(1);
    const refusal = JSON.parse(json.stderr) as { error: { code: string; badLines: { line: number; reason: string }[] }; exitCode: number };
    expect(refusal).toMatchObject({ error: { code: 'import_refused', file: dir.file('bad.ndjson') }, exitCode: 1 });
    expect(refusal.error.badLines.map((bad) => bad.line)).toEqual([2, 3, 4, 5, 6]);
    expect(refusal.error.badLines[3]).toMatchObject({ streamId: 'bloc-third', revision: '5', reason: expect.stringContaining('starts at revision 5') });
    expect(existsSync(dir.file('bad.db'))).toBe(false);
  });

  it('shows the progress of each step with --progress always', async () => {
    const count = parseLines(exported).length;
    const run = await runMain(['--store', dir.store('progress.db'), '--progress', 'always', 'import', dir.file('log.ndjson')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^import: validating .*log\.ndjson: \d+\.\d\/\d+\.\d MB \(\d+%\), /m);
    expect(run.stderr).toMatch(/^import: appending: \d+\/\d+ \(\d+%\), \d+ events\/s/m);
    // A second import of the same file into a store that holds events checks the new ids against it.
    const partial = exported.split('\n').slice(0, 3).join('\n');
    await writeFile(join(dir.path, 'partial.ndjson'), `${partial}\n`);
    const into = await runMain(['--store', dir.store('progress-partial.db'), 'import', dir.file('partial.ndjson')]);
    expect(into.code).toBe(0);
    const rest = await runMain(['--store', dir.store('progress-partial.db'), '--progress', 'always', 'import', dir.file('log.ndjson')]);
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain(`imported ${count - 3} events`);
    expect(rest.stderr).toMatch(/^import: checking the new event ids against the store: \d+\/3 /m);

    const exporting = await runMain(['--store', dir.store('progress.db'), '--progress', 'always', 'export', '--out', dir.file('again.ndjson')]);
    expect(exporting.code).toBe(0);
    expect(exporting.stderr).toMatch(new RegExp(`^export: writing to .*again\\.ndjson: \\d+/${count} \\(\\d+%\\)`, 'm'));
    const quiet = await runMain(['--store', dir.store('progress.db'), '--progress', 'never', 'export']);
    expect(quiet.stderr).toBe(`exported ${count} events of 5 streams from ${dir.store('progress.db')} to stdout\n`);
  });

  it('reports what it appended before a concurrent writer stopped it, so the notice can say how far it got', async () => {
    const store = createInMemoryEventStore({ registry: thiduaRegistry });
    const lines = ndjsonFileLines(join(dir.path, 'log.ndjson'));
    const plan = await planImport({ lines, eventStore: store, registry: thiduaRegistry });
    expect(plan.badLines).toEqual([]);
    // Another writer takes the first revision of the file's last stream between validation and append.
    const last = parseLines(exported).at(-1)!;
    const firstOfLast = parseLines(exported).findIndex((line) => line.streamId === last.streamId);
    expect(firstOfLast).toBeGreaterThan(0);
    const intruder = await createInMemoryEventStore().appendToStream(last.streamId, [{ type: 'Intruder', data: {} }]);
    await store.appendToStream(last.streamId, [{ ...intruder.events[0]!, type: 'CampaignClosed', data: { campaignId: CAMPAIGN.campaignId, closedAt: '2014-01-01T00:00:00+07:00' } }]);

    const reports: ImportProgress[] = [];
    await expect(applyImport({ lines, eventStore: store, plan, onProgress: (progress) => reports.push(progress) })).rejects.toMatchObject({ code: 'concurrency' });
    expect(reports.at(-1)).toEqual({ phase: 'appending', done: firstOfLast, total: plan.newEvents });
    expect(await store.headPosition()).toBe(BigInt(firstOfLast + 1));
  });

  it('validates without appending on --dry-run', async () => {
    const run = await runMain(['--store', dir.store('dry.db'), 'import', '--dry-run', dir.file('log.ndjson')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('is valid');
    expect(existsSync(dir.file('dry.db'))).toBe(false);
  });

  it('reads the export from stdin with -, so one store can be piped into another', async () => {
    const run = await runMain(['--store', dir.store('piped.db'), 'import', '-'], { stdin: exported });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`imported 25 events into 5 streams of ${dir.store('piped.db')} (0 already present)\n`);
    const json = await runMain(['--store', dir.store('piped.db'), 'import', '--format', 'json', '-'], { stdin: exported });
    expect(JSON.parse(json.stdout)).toEqual({ file: 'stdin', store: dir.store('piped.db'), events: 25, new: 0, present: 25, valid: true, dryRun: false, appended: 0, streams: 0 });
  });
});
