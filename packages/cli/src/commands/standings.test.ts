/** `thidua standings`, through `main()` from the sources. */
import { readFile } from 'node:fs/promises';
import { CAMPAIGN, runMain, STANDINGS_QUERY, tempWorkdir, writeCampaignFile } from '../run-cli.test-helper';

interface Standings {
  final: boolean;
  rows: { rank: number | null; provisional: boolean; unitId: string; total: number }[];
}

describe('thidua standings', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  const cli = (args: readonly string[], store = dir.store('thidua.db')) => runMain(['--store', store, ...args]);
  const query = STANDINGS_QUERY;
  beforeAll(async () => {
    dir = await tempWorkdir('standings');
    expect((await cli(['exec', await writeCampaignFile(dir.file('campaign.ndjson'))])).code).toBe(0);
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('prints a table of the ranked units with the facts of the year', async () => {
    const run = await cli(query);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Chair 2013: Đơn vị unit-00; deputy: Đơn vị unit-01');
    expect(run.stdout).toContain('Chair flag: Đơn vị unit-00 → Đơn vị unit-02');
    const ranked = run.stdout.split('\n').filter((line) => /Đơn vị unit-0\d\s*│\s*\d/.test(line));
    expect(ranked.map((line) => /│\s*(\d)\s*│\s*(Đơn vị unit-0\d)/.exec(line)?.slice(1).join(' '))).toEqual([
      '1 Đơn vị unit-01',
      '2 Đơn vị unit-00',
      '3 Đơn vị unit-02',
    ]);
  });

  it('shows the catch-up of the read models with --progress always', async () => {
    const fresh = dir.store('fresh.db');
    expect((await cli(['exec', dir.file('campaign.ndjson')], fresh)).code).toBe(0);
    const run = await cli(['--progress', 'always', ...query], fresh);
    expect(run.code).toBe(0);
    for (const name of ['standings', 'chair-history', 'audit-trail', 'campaign-progress']) {
      expect(run.stderr).toMatch(new RegExp(`^catching up the read models, ${name}: \\d+/25 \\(\\d+%\\)`, 'm'));
    }
    expect(run.stdout).toContain('Chair flag: Đơn vị unit-00 → Đơn vị unit-02');
  });

  it('prints the standings JSON with its documented keys', async () => {
    const run = await cli([...query, '--format', 'json']);
    expect(run.code).toBe(0);
    const standings = JSON.parse(run.stdout) as Standings & Record<string, unknown>;
    expect(Object.keys(standings)).toEqual(expect.arrayContaining(['blocId', 'blocName', 'year', 'campaignId', 'title', 'review', 'chair', 'deputy', 'nextChair', 'nextDeputy', 'flag', 'final', 'rows']));
    expect(standings).toMatchObject({ chair: 'unit-00', nextChair: 'unit-02', flag: { fromUnitId: 'unit-00', toUnitId: 'unit-02' }, final: true });
    expect(standings.rows.map((row) => [row.rank, row.unitId, row.total])).toEqual([
      [1, 'unit-01', 14.25],
      [2, 'unit-00', 13],
      [3, 'unit-02', 12.5],
    ]);
  });

  it('writes HTML to --out', async () => {
    const out = dir.file('report.html');
    const run = await cli([...query, '--format', 'html', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('report.html');
    const html = await readFile(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<svg');
  });

  it('replays the log up to a position (a bare integer) with --as-of', async () => {
    const exported = (await cli(['export'])).stdout.split('\n');
    // SQLite positions are dense and the export is in log order: line n holds position n.
    const ranking = exported.findIndex((line) => line.includes('"RankAssigned"')) + 1;
    const before = await cli([...query, '--format', 'json', '--as-of', String(ranking - 1)]);
    expect(before.code).toBe(0);
    const provisional = JSON.parse(before.stdout) as Standings;
    expect(provisional.final).toBe(false);
    expect(provisional.rows.every((row) => row.provisional)).toBe(true);
    expect(provisional.rows.map((row) => row.unitId)).toEqual(['unit-01', 'unit-00', 'unit-02']);

    const nothingYet = await cli([...query, '--as-of', '1']);
    expect(nothingYet.code).toBe(1);
    expect(nothingYet.stderr).toMatch(/^error \[not_found\] /);
  });

  it('refuses an --as-of that is neither a position nor a time (exit code 2)', async () => {
    const run = await cli([...query, '--as-of', 'yesterday']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--as-of "yesterday"');
  });

  it('exits 1 for a bloc the store does not have', async () => {
    const run = await cli(['standings', '--bloc', `${CAMPAIGN.blocId}-x`, '--year', '2013']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error \[not_found\] No standings for bloc/);
  });
});
