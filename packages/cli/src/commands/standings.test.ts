/**
 * `thidua standings`, run as a child process against the BUILT CLI
 * (`npx tsc -b packages/cli`; `npm ci` builds it through the root prepare script).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asLines, runCli, tempWorkdir } from '../run-cli.test-helper';
import { SMALL_BLOC, SMALL_YEAR, smallCampaignCommands } from '../small-campaign.test-helper';

interface Standings {
  final: boolean;
  rows: { rank: number | null; provisional: boolean; unitId: string; total: number }[];
}

describe('thidua standings', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  const query = ['standings', '--bloc', SMALL_BLOC, '--year', String(SMALL_YEAR)];
  beforeAll(async () => {
    dir = await tempWorkdir('standings');
    await writeFile(join(dir.path, 'campaign.ndjson'), asLines(smallCampaignCommands()));
    expect((await runCli(['exec', 'campaign.ndjson'], { cwd: dir.path })).code).toBe(0);
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('prints a table of the ranked units with the facts of the year', async () => {
    const run = await runCli(query, { cwd: dir.path });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Chair 2013: Sở A; deputy: Sở B');
    expect(run.stdout).toContain('Chair flag: Sở A → Sở C');
    const ranked = run.stdout.split('\n').filter((line) => /Sở [ABC]\s*│\s*\d/.test(line));
    expect(ranked.map((line) => /│\s*(\d)\s*│\s*(Sở [ABC])/.exec(line)?.slice(1).join(' '))).toEqual(['1 Sở B', '2 Sở A', '3 Sở C']);
  });

  it('shows the catch-up of the read models with --progress always', async () => {
    expect((await runCli(['--store', 'sqlite:fresh.db', 'exec', 'campaign.ndjson'], { cwd: dir.path })).code).toBe(0);
    const run = await runCli(['--store', 'sqlite:fresh.db', '--progress', 'always', ...query], { cwd: dir.path });
    expect(run.code).toBe(0);
    for (const name of ['standings', 'chair-history', 'audit-trail', 'campaign-progress']) {
      expect(run.stderr).toMatch(new RegExp(`^catching up the read models, ${name}: \\d+/25 \\(\\d+%\\)`, 'm'));
    }
    expect(run.stdout).toContain('Chair flag: Sở A → Sở C');
  });

  it('prints the DESIGN §4 JSON', async () => {
    const run = await runCli([...query, '--format', 'json'], { cwd: dir.path });
    expect(run.code).toBe(0);
    const standings = JSON.parse(run.stdout) as Standings & Record<string, unknown>;
    expect(Object.keys(standings).sort()).toEqual(
      ['blocId', 'blocName', 'year', 'campaignId', 'title', 'review', 'chair', 'deputy', 'nextChair', 'nextDeputy', 'flag', 'final', 'rows'].sort(),
    );
    expect(standings).toMatchObject({ chair: 'khoi-a', nextChair: 'khoi-c', flag: { fromUnitId: 'khoi-a', toUnitId: 'khoi-c' }, final: true });
    expect(standings.rows.map((row) => [row.rank, row.unitId, row.total])).toEqual([
      [1, 'khoi-b', 96],
      [2, 'khoi-a', 90],
      [3, 'khoi-c', 80],
    ]);
  });

  it('writes HTML to --out', async () => {
    const run = await runCli([...query, '--format', 'html', '--out', 'report.html'], { cwd: dir.path });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('report.html');
    const html = await readFile(join(dir.path, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<svg');
  });

  it('replays the log up to a position (a bare integer) with --as-of', async () => {
    const exported = (await runCli(['export'], { cwd: dir.path })).stdout.split('\n');
    // SQLite positions are dense and the export is in log order: line n holds position n.
    const ranking = exported.findIndex((line) => line.includes('"RankAssigned"')) + 1;
    const before = await runCli([...query, '--format', 'json', '--as-of', String(ranking - 1)], { cwd: dir.path });
    expect(before.code).toBe(0);
    const provisional = JSON.parse(before.stdout) as Standings;
    expect(provisional.final).toBe(false);
    expect(provisional.rows.every((row) => row.provisional)).toBe(true);
    expect(provisional.rows.map((row) => row.unitId)).toEqual(['khoi-b', 'khoi-a', 'khoi-c']);

    const nothingYet = await runCli([...query, '--as-of', '1'], { cwd: dir.path });
    expect(nothingYet.code).toBe(1);
    expect(nothingYet.stderr).toMatch(/^error \[not_found\] .*as of position 1/);
  });

  it('replays the log up to an ISO time with --as-of', async () => {
    const live = await runCli([...query, '--format', 'json'], { cwd: dir.path });
    const now = await runCli([...query, '--format', 'json', '--as-of', new Date(Date.now() + 60_000).toISOString()], { cwd: dir.path });
    expect(now.code).toBe(0);
    expect(now.stdout).toBe(live.stdout);
    const past = await runCli([...query, '--as-of', '2000-01-01T00:00:00Z'], { cwd: dir.path });
    expect(past.code).toBe(1);
    expect(past.stderr).toContain('[not_found]');
  });

  it('refuses an --as-of that is neither a position nor a time (exit code 2)', async () => {
    const run = await runCli([...query, '--as-of', 'yesterday'], { cwd: dir.path });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--as-of "yesterday"');
  });
});
