/**
 * The installed bin, run as a user runs it: `node bin/thidua.js` over the
 * BUILT `dist` in a child process (`npx tsc -b` first; `npm ci` builds
 * through the root prepare script). Each CLI convention once (version,
 * stdin, dry run, list, exit codes, global options in every help, no file
 * left by a refused import); everything else is
 * tested through `main()` from the sources.
 */
import { existsSync } from 'node:fs';
import { CLI_VERSION } from './main';
import { asLines, CAMPAIGN, runBin, tempWorkdir } from './run-cli.test-helper';

describe('the thidua bin', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  beforeAll(async () => {
    dir = await tempWorkdir('bin');
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('prints its version and exits 0', async () => {
    expect(await runBin(['--version'], { cwd: dir.path })).toEqual({ code: 0, stdout: `${CLI_VERSION}\n`, stderr: '' });
  });

  it('runs commands piped on stdin into the default store, then exits 1 on an unknown stream and 2 on bad usage', async () => {
    const exec = await runBin(['exec', '-'], { cwd: dir.path, stdin: asLines([...CAMPAIGN.commands, ...CAMPAIGN.yearEndCommands]) });
    expect(exec.stderr).toBe('');
    expect(exec.code).toBe(0);
    expect(exec.stdout).toContain('exec stdin into sqlite:./thidua.db: 23 commands, 23 applied (25 events appended)');
    const trail = await runBin(['audit', 'trail', '--stream', 'bloc-nowhere'], { cwd: dir.path });
    expect(trail.code).toBe(1);
    expect(trail.stderr).toMatch(/^error \[not_found\] No stream bloc-nowhere/);
    expect((await runBin(['standings', '--bloc', CAMPAIGN.blocId], { cwd: dir.path })).code).toBe(2);
  });

  it('exits 3 when the store cannot be reached, naming it without its password', async () => {
    const run = await runBin(['--store', 'postgres://thidua:s3cret@127.0.0.1:1/thidua', 'export'], { cwd: dir.path });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error \[store_unavailable\] Store postgres:\/\/thidua@127\.0\.0\.1:1\/thidua schema thidua is unavailable: /);
    expect(run.stderr).not.toContain('s3cret');
  });

  it('lists the store, dry-runs and exports it, then imports the export from stdin; a refused import leaves no database file', async () => {
    const list = await runBin(['list', '--format', 'json'], { cwd: dir.path });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ blocId: CAMPAIGN.blocId })]);
    const dry = await runBin(['exec', '--dry-run', '-'], { cwd: dir.path, stdin: asLines(CAMPAIGN.commands.slice(0, 1)) });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('1 already applied (--dry-run: nothing appended)');
    const exported = await runBin(['export'], { cwd: dir.path });
    expect(exported.code).toBe(0);
    const imported = await runBin(['--store', 'sqlite:./copy.db', 'import', '-'], { cwd: dir.path, stdin: exported.stdout });
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    const again = await runBin(['--store', 'sqlite:./copy.db', 'export'], { cwd: dir.path });
    expect(again.stdout.split('\n').length).toBe(exported.stdout.split('\n').length);
    const refused = await runBin(['--store', 'sqlite:./refused.db', 'import', '-'], { cwd: dir.path, stdin: '{"not":"an event"}\n' });
    expect(refused.code).toBe(1);
    expect(existsSync(dir.file('refused.db'))).toBe(false);
  });

  it('lists the global options in the help of every subcommand', async () => {
    for (const command of [['demo'], ['list'], ['exec'], ['import'], ['export'], ['standings'], ['summary'], ['audit', 'verify'], ['audit', 'trail'], ['projections', 'rebuild']]) {
      const help = await runBin([...command, '--help'], { cwd: dir.path });
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      expect(help.stdout).toContain('--store <url>');
      expect(help.stdout).toContain('--progress <when>');
    }
  });
});
