/**
 * `thidua export` and `thidua import`, run as child processes against the
 * BUILT CLI (`npx tsc -b packages/cli`; `npm ci` builds it through the root
 * prepare script). The PostgreSQL leg is in import.int.test.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInMemoryEventStore } from '@thidua/eventsourcing';
import type { StepProgress } from '../progress';
import { asLines, runCli, tempWorkdir } from '../run-cli.test-helper';
import { SMALL_BLOC, SMALL_YEAR, smallCampaignCommands } from '../small-campaign.test-helper';
import { applyImport, planImport } from './import';

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
    await writeFile(join(dir.path, 'campaign.ndjson'), asLines(smallCampaignCommands()));
    const exec = await runCli(['--store', 'sqlite:source.db', 'exec', 'campaign.ndjson'], { cwd: dir.path });
    expect(exec.code).toBe(0);
    const run = await runCli(['--store', 'sqlite:source.db', 'export', '--out', 'log.ndjson'], { cwd: dir.path });
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
    expect(lines[0]).toMatchObject({ streamId: `bloc-${SMALL_BLOC}`, revision: '0', type: 'BlocEstablished', metadata: { prevHash: null } });
    // stdout is the default destination, with the same content.
    const toStdout = await runCli(['--store', 'sqlite:source.db', 'export'], { cwd: dir.path });
    expect(toStdout.stdout).toBe(exported);
    expect(toStdout.stderr).toContain(`exported ${lines.length} events`);
  });

  it('imports into another SQLite store with the same ids, metadata and hashes, and the same standings', async () => {
    const run = await runCli(['--store', 'sqlite:copy.db', 'import', 'log.ndjson'], { cwd: dir.path });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const count = parseLines(exported).length;
    expect(run.stdout).toContain(`imported ${count} events`);

    const reExported = await runCli(['--store', 'sqlite:copy.db', 'export'], { cwd: dir.path });
    expect(withoutRecordedAt(parseLines(reExported.stdout))).toEqual(withoutRecordedAt(parseLines(exported)));

    const standings = (store: string) =>
      runCli(['--store', store, 'standings', '--bloc', SMALL_BLOC, '--year', String(SMALL_YEAR), '--format', 'json'], { cwd: dir.path });
    const [source, copy] = await Promise.all([standings('sqlite:source.db'), standings('sqlite:copy.db')]);
    expect(source.code).toBe(0);
    expect(copy.stdout).toBe(source.stdout);
    expect(JSON.parse(copy.stdout)).toMatchObject({ blocId: SMALL_BLOC, year: SMALL_YEAR, final: true });

    const verify = await runCli(['--store', 'sqlite:copy.db', 'audit', 'verify'], { cwd: dir.path });
    expect(verify.code).toBe(0);
  });

  it('appends nothing when the same export is imported twice', async () => {
    const first = await runCli(['--store', 'sqlite:twice.db', 'import', 'log.ndjson'], { cwd: dir.path });
    expect(first.code).toBe(0);
    const before = await runCli(['--store', 'sqlite:twice.db', 'export'], { cwd: dir.path });
    const second = await runCli(['--store', 'sqlite:twice.db', 'import', 'log.ndjson'], { cwd: dir.path });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to import');
    const after = await runCli(['--store', 'sqlite:twice.db', 'export'], { cwd: dir.path });
    expect(after.stdout).toBe(before.stdout);
  });

  it('refuses a file with a tampered payload, naming the line, and appends nothing', async () => {
    const lines = exported.split('\n');
    const index = lines.findIndex((line) => line.includes('"ScoreRecorded"'));
    const tampered = JSON.parse(lines[index]!) as Line;
    tampered.data['points'] = 60;
    lines[index] = JSON.stringify(tampered);
    await writeFile(join(dir.path, 'tampered.ndjson'), lines.join('\n'));

    const run = await runCli(['--store', 'sqlite:tampered.db', 'import', 'tampered.ndjson'], { cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^line ${index + 1}: hash chain of ${tampered.streamId.replace('.', '\\.')}: .*altered`, 'm'));
    expect(run.stderr).toContain('nothing was appended');
    const after = await runCli(['--store', 'sqlite:tampered.db', 'export'], { cwd: dir.path });
    expect(after.stdout).toBe('');
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

    const run = await runCli(['--store', 'sqlite:bad.db', 'import', 'bad.ndjson'], { cwd: dir.path });
    expect(run.code).toBe(1);
    const reported = run.stderr.split('\n').filter((line) => line.startsWith('line '));
    expect(reported.map((line) => Number(/^line (\d+):/.exec(line)?.[1]))).toEqual([2, 3, 4, 5, 6]);
    expect(reported[0]).toContain('not JSON');
    expect(reported[1]).toContain('position');
    expect(reported[2]).toContain('establishedAt');
    expect(reported[3]).toContain('starts at revision 5');
    expect(reported[4]).toContain('already appears on line 1');
    expect(run.stderr).toContain('5 bad lines');
    const after = await runCli(['--store', 'sqlite:bad.db', 'export'], { cwd: dir.path });
    expect(after.stdout).toBe('');
  });

  it('shows the progress of each step with --progress always', async () => {
    const count = parseLines(exported).length;
    const run = await runCli(['--store', 'sqlite:progress.db', '--progress', 'always', 'import', 'log.ndjson'], { cwd: dir.path });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^import: validating log\.ndjson: \d+\.\d\/\d+\.\d MB \(\d+%\), /m);
    expect(run.stderr).toMatch(/^import: appending: \d+\/\d+ \(\d+%\), \d+ events\/s/m);
    // A second import of the same file into a store that holds events checks the new ids against it.
    const partial = exported.split('\n').slice(0, 3).join('\n');
    await writeFile(join(dir.path, 'partial.ndjson'), `${partial}\n`);
    const into = await runCli(['--store', 'sqlite:progress-partial.db', 'import', 'partial.ndjson'], { cwd: dir.path });
    expect(into.code).toBe(0);
    const rest = await runCli(['--store', 'sqlite:progress-partial.db', '--progress', 'always', 'import', 'log.ndjson'], { cwd: dir.path });
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain(`imported ${count - 3} events`);
    expect(rest.stderr).toMatch(/^import: checking the new event ids against the store: \d+\/3 /m);

    const exporting = await runCli(['--store', 'sqlite:progress.db', '--progress', 'always', 'export', '--out', 'again.ndjson'], { cwd: dir.path });
    expect(exporting.code).toBe(0);
    expect(exporting.stderr).toMatch(new RegExp(`^export: writing to again\\.ndjson: \\d+/${count} \\(\\d+%\\)`, 'm'));
    const quiet = await runCli(['--store', 'sqlite:progress.db', '--progress', 'never', 'export'], { cwd: dir.path });
    expect(quiet.stderr).toBe(`exported ${count} events of 5 streams from sqlite:progress.db to stdout\n`);
  });

  it('reports what it appended before a concurrent writer stopped it, so the notice can say how far it got', async () => {
    const store = createInMemoryEventStore();
    const file = join(dir.path, 'log.ndjson');
    const plan = await planImport(file, store);
    expect(plan.badLines).toEqual([]);
    // Another writer takes the first revision of the file's last stream between validation and append.
    const last = parseLines(exported).at(-1)!;
    const firstOfLast = parseLines(exported).findIndex((line) => line.streamId === last.streamId);
    expect(firstOfLast).toBeGreaterThan(0);
    await store.appendToStream(last.streamId, [{ type: 'Intruder', data: {} }]);

    const reports: StepProgress[] = [];
    await expect(applyImport(file, store, plan, (progress) => reports.push(progress))).rejects.toMatchObject({ code: 'concurrency' });
    expect(reports.at(-1)).toEqual({ step: 'import: appending', done: firstOfLast, total: plan.newEvents });
    expect(await store.headPosition()).toBe(BigInt(firstOfLast + 1));
  });

  it('validates without appending on --dry-run', async () => {
    const run = await runCli(['--store', 'sqlite:dry.db', 'import', '--dry-run', 'log.ndjson'], { cwd: dir.path });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('is valid');
    const after = await runCli(['--store', 'sqlite:dry.db', 'export'], { cwd: dir.path });
    expect(after.stdout).toBe('');
  });
});
