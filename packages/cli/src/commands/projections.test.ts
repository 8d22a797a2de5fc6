/**
 * `thidua projections rebuild`, through `main()` from the sources. Its
 * stderr is not a terminal: progress comes as plain lines, not a bar.
 */
import { runMain, STANDINGS_QUERY, tempWorkdir, writeCampaignFile } from '../run-cli.test-helper';

describe('thidua projections rebuild', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  const cli = (args: readonly string[]) => runMain(['--store', dir.store('thidua.db'), ...args]);
  beforeAll(async () => {
    dir = await tempWorkdir('rebuild');
    expect((await cli(['exec', await writeCampaignFile(dir.file('campaign.ndjson'))])).code).toBe(0);
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('rebuilds every projection with plain progress lines, and the standings read the same after', async () => {
    const standings = [...STANDINGS_QUERY, '--format', 'json'];
    const before = await cli(standings);
    expect(before.code).toBe(0);
    const run = await cli(['projections', 'rebuild']);
    expect(run.code).toBe(0);
    for (const name of ['standings', 'chair-history', 'audit-trail', 'campaign-progress']) {
      expect(run.stdout).toContain(`${name}: rebuilt, checkpoint 25`);
      expect(run.stderr).toMatch(new RegExp(`^rebuild ${name}: \\d+/25 \\(\\d+%\\), \\d+ events/s`, 'm'));
      expect(run.stderr).toMatch(new RegExp(`^rebuild ${name}: done, \\d+ events applied up to position 25`, 'm'));
    }
    expect(run.stderr).not.toContain('\x1b['); // no cursor movements: a bar would leave them
    const after = await cli(standings);
    expect(after.stdout).toBe(before.stdout);
  });

  it('rebuilds one projection by --name, and refuses an unknown name (exit code 2)', async () => {
    const one = await cli(['projections', 'rebuild', '--name', 'standings']);
    expect(one.code).toBe(0);
    expect(one.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^standings: rebuilt/)]);
    const unknown = await cli(['projections', 'rebuild', '--name', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('known: standings, chair-history, audit-trail, campaign-progress');
  });
});
