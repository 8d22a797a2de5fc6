/**
 * Conventions every command shares (help, version, exit codes, errors),
 * through `main()` from the sources, with captured stdout and stderr.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { CLI_VERSION } from './main';
import { runMain, tempWorkdir, writeCampaignFile } from './run-cli.test-helper';
import { ACCEPTED_STORE_FORMS } from './store-url';

const COMMANDS = [
  ['demo'],
  ['list'],
  ['exec'],
  ['import'],
  ['export'],
  ['standings'],
  ['audit'],
  ['audit', 'verify'],
  ['audit', 'trail'],
  ['projections'],
  ['projections', 'rebuild'],
];

describe('thidua command line', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  beforeAll(async () => {
    dir = await tempWorkdir('main');
  });
  afterAll(async () => {
    await dir.remove();
  });

  it.each([[[]], ...COMMANDS.map((command) => [command])])('prints help for %j with --help and exits 0', async (command) => {
    const run = await runMain([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: thidua${command.length > 0 ? ` ${command.join(' ')}` : ''}`);
    expect(run.stderr).toBe('');
  });

  it.each(COMMANDS.filter((command) => !['audit', 'projections'].includes(command.join(' '))).map((command) => [command]))(
    'lists the global options in the help of %j',
    async (command) => {
      const run = await runMain([...command, '--help']);
      expect(run.stdout).toContain('Global Options:');
      for (const option of ['--store <url>', '--projections <url>', '--progress <when>', '--debug']) expect(run.stdout).toContain(option);
    },
  );

  it('prints its version with --version and -V', async () => {
    expect(CLI_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      const run = await runMain([flag]);
      expect(run).toEqual({ code: 0, stdout: `${CLI_VERSION}\n`, stderr: '' });
    }
  });

  it('lists the store URL forms and exit codes in the main help', async () => {
    const run = await runMain(['--help']);
    for (const form of ACCEPTED_STORE_FORMS) expect(run.stdout).toContain(form);
    expect(run.stdout).toContain('Exit codes: 0 done or sound, 1 refused or unsound, 2 usage error, 3 store unavailable');
  });

  it('refuses a bad --store URL with exit code 2, listing the accepted forms', async () => {
    const run = await runMain(['--store', 'mysql://localhost/db', 'export']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    for (const form of ACCEPTED_STORE_FORMS) expect(run.stderr).toContain(form);
  });

  it('reads the store from THIDUA_STORE, and checks it the same way', async () => {
    const saved = process.env['THIDUA_STORE'];
    try {
      process.env['THIDUA_STORE'] = 'nonsense';
      const bad = await runMain(['export']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('"nonsense"');
      process.env['THIDUA_STORE'] = 'memory:';
      const memory = await runMain(['export']);
      expect(memory.code).toBe(0);
      expect(memory.stderr).toContain('from memory:');
    } finally {
      if (saved === undefined) delete process.env['THIDUA_STORE'];
      else process.env['THIDUA_STORE'] = saved;
    }
  });

  it('exits 2 on an unknown command, an unknown option, a missing or malformed option', async () => {
    for (const args of [['frobnicate'], ['export', '--bogus'], ['standings', '--bloc', 'b'], ['standings', '--bloc', 'b', '--year', '13'], ['standings', '--bloc', 'b', '--year', '2013', '--format', 'pdf']]) {
      const run = await runMain(['--store', 'memory:', ...args]);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(/^error: /m);
    }
    expect((await runMain([])).code).toBe(2);
  });

  it('prints a refused operation as "error [code] message", without a stack, exit code 1', async () => {
    const run = await runMain(['--store', 'memory:', 'standings', '--bloc', 'nowhere', '--year', '2013']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error \[not_found\] No standings for bloc nowhere in 2013/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('gives the same facts as JSON on stderr with --format json: refusals, usage errors', async () => {
    const refused = await runMain(['--store', 'memory:', 'standings', '--bloc', 'nowhere', '--year', '2013', '--format', 'json']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(JSON.parse(refused.stderr)).toEqual({
      error: { code: 'not_found', message: expect.stringContaining('No standings for bloc nowhere in 2013'), blocId: 'nowhere', year: 2013 },
      exitCode: 1,
    });
    const usage = await runMain(['--store', 'memory:', 'list', '--format', 'json', '--bogus']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stderr)).toEqual({ error: { code: 'usage', message: expect.stringContaining('--bogus') }, exitCode: 2 });
  });

  describe('a store that cannot be reached or fails: exit code 3, the store named', () => {
    it('an SQLite file in a directory that does not exist', async () => {
      const store = `sqlite:${dir.file('no/such/directory/x.db')}`;
      const run = await runMain(['--store', store, 'exec', await writeCampaignFile(dir.file('campaign.ndjson'))]);
      expect(run.code).toBe(3);
      expect(run.stderr).toBe(`error [store_unavailable] Store ${store} is unavailable: the directory ${dir.file('no/such/directory')} does not exist\n`);
    });

    it('a file that is not an SQLite database', async () => {
      await writeFile(dir.file('garbage.db'), 'this is not a database, but it is long enough to have a header page……………………………………'.repeat(20));
      const run = await runMain(['--store', dir.store('garbage.db'), 'export']);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(new RegExp(`^error \\[store_unavailable\\] Store ${dir.store('garbage.db').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is unavailable: `));
    });

    it('a PostgreSQL server that refuses the connection, without printing the password', async () => {
      // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
      const run = await runMain(['--store', 'postgres://thidua:s3cret@127.0.0.1:1/thidua', 'list']);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^error \[store_unavailable\] Store postgres:\/\/thidua@127\.0\.0\.1:1\/thidua schema thidua is unavailable: .*ECONNREFUSED/);
      expect(run.stderr).not.toContain('s3cret');
      const json = await runMain(['--store', 'postgres://thidua:s3cret@127.0.0.1:1/thidua', 'list', '--format', 'json']);
      expect(json.code).toBe(3);
      expect(JSON.parse(json.stderr)).toEqual({
        error: { code: 'store_unavailable', message: expect.stringContaining('ECONNREFUSED'), store: 'postgres://thidua@127.0.0.1:1/thidua schema thidua', transient: true },
        exitCode: 3,
      });
      expect(json.stderr).not.toContain('s3cret');
    });
  });

  it('prints an unexpected failure in one line, exit code 1; the stack only with --debug', async () => {
    // A directory where the report file should go: writing it fails, and that is no store's failure.
    await mkdir(dir.file('report-is-a-directory'), { recursive: true });
    const args = ['--store', 'memory:', 'demo', '--report', dir.file('report-is-a-directory')];
    const plain = await runMain(args);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^error: unexpected failure: .+ \(run with --debug for details\)$/m);
    const debug = await runMain(['--debug', ...args]);
    expect(debug.code).toBe(1);
    // The stack follows the message (a file system error's stack is its own first line, without frames).
    expect(debug.stderr.match(/EISDIR: illegal operation on a directory/g)).toHaveLength(2);
    expect(debug.stderr).not.toContain('run with --debug');
  });

  it('does not create an SQLite file for a command that only reads: a missing one is not_found', async () => {
    for (const args of [['export'], ['list'], ['audit', 'verify'], ['audit', 'trail', '--stream', 's'], ['standings', '--bloc', 'b', '--year', '2013'], ['projections', 'rebuild']]) {
      const run = await runMain(['--store', dir.store('typo.db'), ...args]);
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect(run.stderr).toMatch(/^error \[not_found\] No SQLite store at .*typo\.db/);
    }
    expect(existsSync(dir.file('typo.db'))).toBe(false);
  });
});
