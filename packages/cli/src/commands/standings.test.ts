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

  it('catches up the standings read model, and only it, with --progress always', async () => {
    const fresh = dir.store('fresh.db');
    expect((await cli(['exec', dir.file('campaign.ndjson')], fresh)).code).toBe(0);
    const run = await cli(['--progress', 'always', ...query], fresh);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^catching up the read models, standings: \d+\/25 \(\d+%\)/m);
    for (const name of ['chair-history', 'audit-trail', 'campaign-progress', 'year-summary']) expect(run.stderr).not.toContain(name);
    expect(run.stdout).toContain('Chair flag: Đơn vị unit-00 → Đơn vị unit-02');
  });

  it('prints the documented JSON', async () => {
    const run = await cli([...query, '--format', 'json']);
    expect(run.code).toBe(0);
    const standings = JSON.parse(run.stdout) as Standings & Record<string, unknown>;
    expect(Object.keys(standings).sort()).toEqual(
      ['blocId', 'blocName', 'year', 'campaignId', 'title', 'review', 'chair', 'deputy', 'nextChair', 'nextDeputy', 'flag', 'final', 'awards', 'tiers', 'rows'].sort(),
    );
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
    expect(html).toMatch(/<footer class="provenance">.*vị trí sổ sự kiện \(log position\) <code>25<\/code>; mã băm đầu sổ \(head hash\) <code>[0-9a-f]{64}<\/code>/);
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
    expect(nothingYet.stderr).toMatch(/^error \[not_found\] .*as of position 1/);
  });

  it('reads as of a business date with --as-of: the day before the year-end review, ranked but not reviewed', async () => {
    const run = await cli([...query, '--format', 'json', '--as-of', '2014-02-12']);
    expect(run.code).toBe(0);
    const standings = JSON.parse(run.stdout) as Standings & { review: unknown; flag: unknown };
    expect(standings).toMatchObject({ review: null, flag: null, final: false });
    expect(standings.rows.every((row) => !row.provisional)).toBe(true);
  });

  it('says what an --as-of before the first event or after the last one means', async () => {
    const before = await cli([...query, '--as-of', '2012-12-31']);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/validation_failed.*before the first event of the log \(business time 2013-01-02T08:00:00\+07:00\)/);
    const live = await cli([...query, '--format', 'json']);
    const after = await cli([...query, '--format', 'json', '--as-of', '2030-01-01T00:00:00+07:00']);
    expect(after.code).toBe(0);
    expect(after.stdout).toBe(live.stdout);
    expect(after.stderr).toMatch(/note: as of 2030-01-01T00:00:00\+07:00 is after the last event of the log \(business time 2014-02-14T08:00:00\+07:00\)/);
  });

  it('reads by the store’s clock with --as-recorded', async () => {
    const live = await cli([...query, '--format', 'json']);
    const now = await cli([...query, '--format', 'json', '--as-recorded', new Date(Date.now() + 60_000).toISOString()]);
    expect(now.code).toBe(0);
    expect(now.stdout).toBe(live.stdout);
    expect(now.stderr).toContain('is after the last event of the log (recorded time');
    const past = await cli([...query, '--as-recorded', '2000-01-01T00:00:00Z']);
    expect(past.code).toBe(1);
    expect(past.stderr).toContain('before the first event of the log (recorded time');
    const both = await cli([...query, '--as-of', '2014-02-12', '--as-recorded', '3']);
    expect(both.code).toBe(2);
  });

  it('fits 120 columns, titles the criteria, and prints its provenance', async () => {
    const run = await cli(query);
    expect(Math.max(...run.stdout.split('\n').map((line) => [...line].length))).toBeLessThanOrEqual(120);
    expect(run.stdout.replace(/\n\s+/g, " ")).toMatch(/^Source: generated .*; log position 25; head hash [0-9a-f]{64}$/m);
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
