/**
 * `thidua projections rebuild`, run as a child process against the BUILT CLI
 * (`npx tsc -b packages/cli`; `npm ci` builds it through the root prepare
 * script). The child's stderr is a pipe, not a terminal: progress comes as
 * plain lines, not a bar.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asLines, runCli, tempWorkdir } from '../run-cli.test-helper';
import { SMALL_BLOC, SMALL_YEAR, smallCampaignCommands } from '../small-campaign.test-helper';

describe('thidua projections rebuild', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  beforeAll(async () => {
    dir = await tempWorkdir('rebuild');
    await writeFile(join(dir.path, 'campaign.ndjson'), asLines(smallCampaignCommands()));
    expect((await runCli(['exec', 'campaign.ndjson'], { cwd: dir.path })).code).toBe(0);
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('rebuilds every projection with plain progress lines, and the standings read the same after', async () => {
    const standings = ['standings', '--bloc', SMALL_BLOC, '--year', String(SMALL_YEAR), '--format', 'json'];
    const before = await runCli(standings, { cwd: dir.path });
    const run = await runCli(['projections', 'rebuild'], { cwd: dir.path });
    expect(run.code).toBe(0);
    for (const name of ['standings', 'chair-history', 'audit-trail', 'campaign-progress']) {
      expect(run.stdout).toContain(`${name}: rebuilt, checkpoint 25`);
      expect(run.stderr).toMatch(new RegExp(`^rebuild ${name}: \\d+/25 \\(\\d+%\\), \\d+ events/s`, 'm'));
      expect(run.stderr).toMatch(new RegExp(`^rebuild ${name}: done, \\d+ events applied up to position 25`, 'm'));
    }
    expect(run.stderr).not.toContain('\x1b['); // no cursor movements: a bar would leave them
    const after = await runCli(standings, { cwd: dir.path });
    expect(after.stdout).toBe(before.stdout);
  });

  it('rebuilds one projection by --name, and refuses an unknown name (exit code 2)', async () => {
    const one = await runCli(['projections', 'rebuild', '--name', 'standings'], { cwd: dir.path });
    expect(one.code).toBe(0);
    expect(one.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^standings: rebuilt/)]);
    const unknown = await runCli(['projections', 'rebuild', '--name', 'nope'], { cwd: dir.path });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('known: standings, chair-history, audit-trail, campaign-progress');
  });
});
