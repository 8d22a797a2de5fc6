/** `thidua exec`, through `main()` from the sources. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { asLines, CAMPAIGN, runMain, tempWorkdir, writeCampaignFile } from '../run-cli.test-helper';

const ALL = [...CAMPAIGN.commands, ...CAMPAIGN.yearEndCommands];
const lineCount = (text: string) => text.split('\n').filter((line) => line.trim() !== '').length;

describe('thidua exec', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  beforeEach(async () => {
    dir = await tempWorkdir('exec');
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('runs a file of commands, skipping blank and comment lines, and appends nothing when run again', async () => {
    const file = dir.file('campaign.ndjson');
    await writeFile(file, asLines(['# the small campaign', '', '// one command a line', ...ALL, '   ']));
    const store = dir.store('thidua.db');

    const first = await runMain(['--store', store, 'exec', file]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`exec ${file} into ${store}: ${ALL.length} commands, ${ALL.length} applied (25 events appended), 0 already applied\n`);

    const again = await runMain(['--store', store, 'exec', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`0 applied (0 events appended), ${ALL.length} already applied`);
    expect(lineCount((await runMain(['--store', store, 'export'])).stdout)).toBe(25);
  });

  it('reads the commands from stdin with -', async () => {
    const store = dir.store('stdin.db');
    const run = await runMain(['--store', store, 'exec', '-'], { stdin: asLines(ALL) });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`exec stdin into ${store}: ${ALL.length} commands, ${ALL.length} applied (25 events appended), 0 already applied\n`);
  });

  it('stops at the first refused command, naming the line, code and rule; the lines before it stay applied', async () => {
    const file = dir.file('refused.ndjson');
    const tooMany = { ...CAMPAIGN.yearEndCommands[0]!, commandId: 'cli-too-many', data: { ...CAMPAIGN.yearEndCommands[0]!.data, points: 11 } };
    await writeFile(file, asLines([...CAMPAIGN.commands, tooMany, ...CAMPAIGN.yearEndCommands]));
    const store = dir.store('refused.db');
    const run = await runMain(['--store', store, 'exec', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const line = CAMPAIGN.commands.length + 1;
    expect(run.stderr).toMatch(new RegExp(`^line ${line}: error \\[rule_violated score\\.exceeds_max\\] `));
    expect(run.stderr).toContain(`exec stopped at line ${line} of ${file}: nothing was appended for it; before it: ${CAMPAIGN.commands.length} applied`);
    // Everything before the refused line, nothing of it or after it.
    expect(lineCount((await runMain(['--store', store, 'export'])).stdout)).toBe(10);
  });

  it('reports a refusal as JSON with --format json, and a line that is not JSON as validation_failed', async () => {
    const file = dir.file('bad.ndjson');
    await writeFile(file, asLines([CAMPAIGN.commands[0]!, '{"command": "AdmitMember",']));
    const run = await runMain(['--store', dir.store('bad.db'), 'exec', '--format', 'json', file]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr)).toMatchObject({
      error: { code: 'validation_failed', message: expect.stringContaining('not JSON') },
      exitCode: 1,
      line: 2,
      before: { applied: 1, events: 1 },
    });
    const good = await runMain(['--store', dir.store('good.db'), 'exec', '--format', 'json', await writeCampaignFile(dir.file('campaign.ndjson'))]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({
      file: dir.file('campaign.ndjson'),
      store: dir.store('good.db'),
      dryRun: false,
      commands: ALL.length,
      applied: ALL.length,
      alreadyApplied: 0,
      events: 25,
    });
  });

  it('--dry-run decides every command against the current log and appends nothing', async () => {
    const store = dir.store('dry.db');
    const setup = dir.file('setup.ndjson');
    await writeFile(setup, asLines(CAMPAIGN.commands));
    expect((await runMain(['--store', store, 'exec', setup])).code).toBe(0);
    const before = (await runMain(['--store', store, 'export'])).stdout;

    // The year-end commands need the setup already in the log: a dry run sees it, and each command sees the ones before it.
    const yearEnd = dir.file('year-end.ndjson');
    await writeFile(yearEnd, asLines([...CAMPAIGN.commands, ...CAMPAIGN.yearEndCommands]));
    const dry = await runMain(['--store', store, 'exec', '--dry-run', yearEnd]);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`${CAMPAIGN.yearEndCommands.length} accepted (15 events would be appended), ${CAMPAIGN.commands.length} already applied (--dry-run: nothing appended)`);
    expect((await runMain(['--store', store, 'export'])).stdout).toBe(before);

    // A refusal is found as the real run would find it, and still nothing is written.
    const refused = dir.file('refused.ndjson');
    const late = { ...CAMPAIGN.commands[1]!, commandId: 'cli-late-admit', data: { ...CAMPAIGN.commands[1]!.data, unitId: 'unit-00' } };
    await writeFile(refused, asLines([...CAMPAIGN.yearEndCommands.slice(0, 2), late]));
    const stopped = await runMain(['--store', store, 'exec', '--dry-run', refused]);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/^line 3: error \[rule_violated [a-z_.]+\] /);
    expect(stopped.stderr).toContain('nothing would be appended for it; before it: 2 accepted (2 events would be appended)');
    expect((await runMain(['--store', store, 'export'])).stdout).toBe(before);
  });

  it('leaves no database file behind when the first command is refused, or on a dry run against a new store', async () => {
    const file = dir.file('refused-first.ndjson');
    await writeFile(file, asLines([{ ...CAMPAIGN.commands[1]!, commandId: 'cli-no-bloc' }]));
    const run = await runMain(['--store', dir.store('never.db'), 'exec', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[not_found]');
    const dry = await runMain(['--store', dir.store('dry-new.db'), 'exec', '--dry-run', await writeCampaignFile(dir.file('campaign.ndjson'))]);
    expect(dry.code).toBe(0);
    for (const name of ['never.db', 'never.db-wal', 'never.db-shm', 'dry-new.db', 'dry-new.db-wal']) expect([name, existsSync(dir.file(name))]).toEqual([name, false]);
  });

  it('refuses a file it cannot read as a usage error (exit code 2)', async () => {
    const run = await runMain(['--store', 'memory:', 'exec', dir.file('missing.ndjson')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot read');
  });
});
