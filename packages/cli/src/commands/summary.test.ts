/** `thidua summary`, through `main()` from the sources: the year summary of an authority. */
import { CAMPAIGN, runMain, tempWorkdir, writeCampaignFile } from '../run-cli.test-helper';

const SMALL_YEAR = CAMPAIGN.year;

describe('thidua summary', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  const cli = (args: readonly string[]) => runMain(['--store', dir.store('thidua.db'), ...args]);
  const query = ['summary', '--authority', 'UBND tỉnh', '--year', String(SMALL_YEAR)];
  beforeAll(async () => {
    dir = await tempWorkdir('summary');
    expect((await cli(['exec', await writeCampaignFile(dir.file('campaign.ndjson'))])).code).toBe(0);
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('prints the documented JSON: the authority, the year, its blocs', async () => {
    const run = await cli([...query, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      authority: 'UBND tỉnh',
      year: SMALL_YEAR,
      blocs: [
        {
          blocId: CAMPAIGN.blocId,
          blocName: 'Khối cli',
          campaignId: CAMPAIGN.campaignId,
          final: true,
          chair: 'unit-00',
          nextChair: 'unit-02',
          leaders: ['unit-01'],
          awards: [],
          tiers: {},
        },
      ],
    });
  });

  it('prints a table and writes a page, catching up only the read models it reads', async () => {
    const table = await cli(['--progress', 'always', ...query]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`Khối cli (${CAMPAIGN.blocId}) — ${CAMPAIGN.campaignId}, final`);
    expect(table.stdout).toContain('Leaders (rank 1): Đơn vị unit-01');
    expect(table.stderr).not.toContain('audit-trail');
    const page = await cli([...query, '--format', 'html', '--out', dir.file('summary.html')]);
    expect(page.code).toBe(0);
    expect(page.stderr).toContain('summary.html');
  });

  it('names the authorities the log knows when asked for another one (exit 1)', async () => {
    const run = await cli(['summary', '--authority', 'UBND tỉnh Đồng Nai', '--year', '2013']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\[not_found\] No bloc names the authority "UBND tỉnh Đồng Nai"; the log's authorities: "UBND tỉnh"/);
  });

  it('reads as of a business date: before the ranking, no leaders', async () => {
    const run = await cli([...query, '--format', 'json', '--as-of', '2014-01-12']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { blocs: { leaders: string[]; final: boolean }[] }).blocs[0]).toMatchObject({ leaders: [], final: false });
  });
});
