/**
 * `thidua exec`, run as a child process against the BUILT CLI
 * (`npx tsc -b packages/cli`; `npm ci` builds it through the root prepare script).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asLines, runCli, tempWorkdir } from '../run-cli.test-helper';
import { smallCampaignCommands } from '../small-campaign.test-helper';

const countLines = (text: string) => text.split('\n').filter((line) => line.trim() !== '').length;

describe('thidua exec', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  beforeEach(async () => {
    dir = await tempWorkdir('exec');
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('runs a file of commands, skipping blank and comment lines, and appends nothing when run again', async () => {
    const commands = smallCampaignCommands();
    await writeFile(
      join(dir.path, 'campaign.ndjson'),
      asLines(['# the small campaign', '', '// one command a line', ...commands, '   ']),
    );

    const first = await runCli(['exec', 'campaign.ndjson'], { cwd: dir.path });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${commands.length} commands, ${commands.length} applied`);
    expect(first.stdout).toContain('0 already applied');
    const afterFirst = await runCli(['export'], { cwd: dir.path });
    const events = countLines(afterFirst.stdout);
    expect(events).toBeGreaterThanOrEqual(commands.length);

    const second = await runCli(['exec', 'campaign.ndjson'], { cwd: dir.path });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`0 applied (0 events appended), ${commands.length} already applied`);
    const afterSecond = await runCli(['export'], { cwd: dir.path });
    expect(afterSecond.stdout).toBe(afterFirst.stdout);
  });

  it('stops at the first refused command, naming its line, error code and rule; exit code 1', async () => {
    const [establish, admitA, admitB] = smallCampaignCommands();
    const removeStranger = {
      command: 'RemoveMember',
      commandId: 'remove-stranger',
      actor: { id: 'hoi-dong-tdkt', role: 'council' },
      data: { blocId: (establish as { data: { blocId: string } }).data.blocId, unitId: 'nobody', reason: 'typo', removedAt: '2013-02-01T08:00:00+07:00' },
    };
    // Line 1 comment, 2 establish, 3 blank, 4 admit, 5 the refused command, 6 never run.
    await writeFile(join(dir.path, 'bad.ndjson'), asLines(['# bad', establish, '', admitA, removeStranger, admitB]));

    const run = await runCli(['exec', 'bad.ndjson'], { cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^line 5: error \[rule_violated member\.not_member\] .*nobody/m);
    expect(run.stderr).toContain('2 applied');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const exported = await runCli(['export'], { cwd: dir.path });
    expect(countLines(exported.stdout)).toBe(2); // line 6 never ran
  });

  it('reports a line that is not JSON, or not a valid command, as validation_failed with its line number', async () => {
    const [establish] = smallCampaignCommands();
    await writeFile(join(dir.path, 'syntax.ndjson'), asLines([establish, '{"command": "AdmitMember",']));
    const syntax = await runCli(['exec', 'syntax.ndjson'], { cwd: dir.path });
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/^line 2: error \[validation_failed\] .*not JSON/m);

    await writeFile(
      join(dir.path, 'shape.ndjson'),
      asLines([{ command: 'AdmitMember', commandId: 'x', actor: { id: 'a', role: 'council' }, data: { blocId: 'b' } }]),
    );
    const shape = await runCli(['exec', 'shape.ndjson'], { cwd: dir.path });
    expect(shape.code).toBe(1);
    expect(shape.stderr).toMatch(/^line 1: error \[validation_failed\] .*unitId/m);
  });

  it('treats a missing file as a usage error (exit code 2)', async () => {
    const run = await runCli(['exec', 'missing.ndjson'], { cwd: dir.path });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('missing.ndjson');
  });
});
