/**
 * Conventions every command shares (help, exit codes, errors), checked on
 * the BUILT CLI run as a child process (`npx tsc -b packages/cli`; `npm ci`
 * builds it through the root prepare script).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, tempWorkdir } from './run-cli.test-helper';
import { ACCEPTED_STORE_FORMS } from './store-url';

describe('thidua command line', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  beforeAll(async () => {
    dir = await tempWorkdir('main');
  });
  afterAll(async () => {
    await dir.remove();
  });

  it.each([
    [[]],
    [['demo']],
    [['exec']],
    [['import']],
    [['export']],
    [['standings']],
    [['audit']],
    [['audit', 'verify']],
    [['audit', 'trail']],
    [['projections']],
    [['projections', 'rebuild']],
  ])('prints help for %j with --help and exits 0', async (command) => {
    const run = await runCli([...command, '--help'], { cwd: dir.path });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: thidua${command.length > 0 ? ` ${command.join(' ')}` : ''}`);
    expect(run.stderr).toBe('');
  });

  it('lists the store URL forms and exit codes in the main help', async () => {
    const run = await runCli(['--help'], { cwd: dir.path });
    for (const form of ACCEPTED_STORE_FORMS) expect(run.stdout).toContain(form);
    expect(run.stdout).toContain('Exit codes: 0 ok, 1 refused or unsound, 2 usage error');
  });

  it('refuses a bad --store URL with exit code 2, listing the accepted forms', async () => {
    const run = await runCli(['--store', 'mysql://localhost/db', 'export'], { cwd: dir.path });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    for (const form of ACCEPTED_STORE_FORMS) expect(run.stderr).toContain(form);
  });

  it('reads the store from THIDUA_STORE, and checks it the same way', async () => {
    const bad = await runCli(['export'], { cwd: dir.path, env: { THIDUA_STORE: 'nonsense' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"nonsense"');
    const memory = await runCli(['export'], { cwd: dir.path, env: { THIDUA_STORE: 'memory:' } });
    expect(memory.code).toBe(0);
    expect(memory.stderr).toContain('from memory:');
  });

  it('exits 2 on an unknown command, an unknown option, a missing or malformed option', async () => {
    for (const args of [['frobnicate'], ['export', '--bogus'], ['standings', '--bloc', 'b'], ['standings', '--bloc', 'b', '--year', '13'], ['standings', '--bloc', 'b', '--year', '2013', '--format', 'pdf']]) {
      const run = await runCli(['--store', 'memory:', ...args], { cwd: dir.path });
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(/^error: /m);
    }
    const noCommand = await runCli([], { cwd: dir.path });
    expect(noCommand.code).toBe(2);
  });

  it('prints a refused operation as "error [code] message", without a stack, exit code 1', async () => {
    const run = await runCli(['--store', 'memory:', 'standings', '--bloc', 'nowhere', '--year', '2013'], { cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error \[not_found\] No standings for bloc nowhere in 2013/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints an unexpected failure in one line, exit code 1; the stack only with --debug', async () => {
    // A directory where the commands file should be: reading it fails, and that is no store's failure
    // (a store that cannot be opened is a typed store_unavailable now).
    await mkdir(join(dir.path, 'commands-is-a-directory'), { recursive: true });
    const plain = await runCli(['--store', 'memory:', 'exec', 'commands-is-a-directory'], { cwd: dir.path });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^error: unexpected failure: .+ \(run with --debug for details\)\n$/);
    const debug = await runCli(['--store', 'memory:', '--debug', 'exec', 'commands-is-a-directory'], { cwd: dir.path });
    expect(debug.code).toBe(1);
    // The stack follows the message (a file system error's stack is its own first line, without frames).
    expect(debug.stderr.match(/EISDIR: illegal operation on a directory/g)).toHaveLength(2);
    expect(debug.stderr).not.toContain('run with --debug');
  });

  it('does not create an SQLite file for a command that only reads: a missing one is not_found', async () => {
    for (const args of [['export'], ['audit', 'verify'], ['standings', '--bloc', 'b', '--year', '2013'], ['projections', 'rebuild']]) {
      const run = await runCli(['--store', 'sqlite:typo.db', ...args], { cwd: dir.path });
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect(run.stderr).toMatch(/^error \[not_found\] No SQLite store at typo\.db/);
    }
    expect(existsSync(join(dir.path, 'typo.db'))).toBe(false);
  });
});
