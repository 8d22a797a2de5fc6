/**
 * `thidua demo`: first as a user runs it, the BUILT bin in a child process
 * with the default store and report in its working directory (`npx tsc -b`
 * first; `npm ci` builds through the root prepare script), then through
 * `main()` from the sources.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBin, runMain, tempWorkdir } from '../run-cli.test-helper';

const BLOC = 'tay-ninh-kinh-te-ky-thuat';
const THREE_RANKED = ['1 Sở Nông nghiệp và Phát triển nông thôn', '2 Sở Công Thương', '3 Sở Thông tin và Truyền thông'];

/** "rank unitName" of each table row, top to bottom. */
const rankedRows = (table: string) =>
  table
    .split('\n')
    .map((line) => /^│\s*(\d+)\s*│\s*([^│]*?)\s*│/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => `${match[1]} ${match[2]}`);

describe('thidua demo', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  beforeAll(async () => {
    dir = await tempWorkdir('demo');
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('recreates the default SQLite store, prints the standings and facts, and writes the HTML report', async () => {
    // A leftover store (and its WAL) from an earlier run must not survive.
    await writeFile(join(dir.path, 'thidua.db'), 'not a database');
    await writeFile(join(dir.path, 'thidua.db-wal'), 'stale');

    const run = await runBin(['demo'], { cwd: dir.path });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('sqlite:./thidua.db (recreated)');
    expect(run.stderr).toMatch(/155 commands, 159 events appended/);
    expect(rankedRows(run.stdout).slice(0, 3)).toEqual(THREE_RANKED);
    expect(run.stdout).toContain('chair 2013:   Sở Thông tin và Truyền thông (so-tt-tt)');
    expect(run.stdout).toContain('chair 2014:   Sở Xây dựng (so-xay-dung)');
    expect(run.stdout).toContain('deputy 2014:  Ban Quản lý Vườn Quốc gia Lò Gò – Xa Mát (vqg-lo-go-xa-mat)');
    expect(run.stdout).toContain('chair flag:   Sở Thông tin và Truyền thông (so-tt-tt) → Sở Xây dựng (so-xay-dung)');

    const report = join(dir.path, 'thidua-report-2013.html');
    expect(run.stdout).toContain(`HTML report: ${report}`);
    const html = await readFile(report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Sở Nông nghiệp và Phát triển nông thôn');
  });

  it('leaves the store in place for the other commands', async () => {
    expect(existsSync(join(dir.path, 'thidua.db'))).toBe(true);
    const store = dir.store('thidua.db');
    const standings = await runMain(['--store', store, 'standings', '--bloc', BLOC, '--year', '2013']);
    expect(standings.code).toBe(0);
    expect(rankedRows(standings.stdout).slice(0, 3)).toEqual(THREE_RANKED);
    const verify = await runMain(['--store', store, 'audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('159 events');
  });

  it('starts from scratch when run again', async () => {
    const store = dir.store('thidua.db');
    const again = await runMain(['--store', store, 'demo', '--report', dir.file('again.html')]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/159 events appended/);
    const exported = await runMain(['--store', store, 'export']);
    expect(exported.stdout.trim().split('\n')).toHaveLength(159);
  });

  it('runs in memory, writing the report where --report says', async () => {
    const run = await runMain(['--store', 'memory:', 'demo', '--report', dir.file('tn.html')]);
    expect(run.code).toBe(0);
    expect(rankedRows(run.stdout).slice(0, 3)).toEqual(THREE_RANKED);
    expect(await readFile(join(dir.path, 'tn.html'), 'utf8')).toContain('<svg');
  });
});
