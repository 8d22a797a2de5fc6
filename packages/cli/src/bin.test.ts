/**
 * The installed bin, run as a user runs it: `node bin/thidua.js` over the
 * BUILT `dist` in a child process (`npx tsc -b` first; `npm ci` builds
 * through the root prepare script). A few runs only: everything else is
 * tested through `main()` from the sources.
 */
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
});
