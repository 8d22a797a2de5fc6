/** `thidua list`, through `main()` from the sources. */
import { asLines, CAMPAIGN, runMain, tempWorkdir, writeCampaignFile } from '../run-cli.test-helper';

describe('thidua list', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  beforeAll(async () => {
    dir = await tempWorkdir('list');
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('lists each bloc with its campaigns and years, what standings can be asked for', async () => {
    const store = dir.store('thidua.db');
    expect((await runMain(['--store', store, 'exec', await writeCampaignFile(dir.file('campaign.ndjson'))])).code).toBe(0);
    // A second bloc with an open campaign, and a third with none yet.
    const other = { ...CAMPAIGN.commands[0]!, commandId: 'list-other', data: { ...CAMPAIGN.commands[0]!.data, blocId: 'bloc-a-first', name: 'Khối A' } };
    const launch = CAMPAIGN.commands.find((command) => command.command === 'LaunchCampaign')!;
    const flag = CAMPAIGN.commands.find((command) => command.command === 'TransferChairFlag')!;
    const admit = CAMPAIGN.commands.find((command) => command.command === 'AdmitMember')!;
    const lone = { ...CAMPAIGN.commands[0]!, commandId: 'list-lone', data: { ...CAMPAIGN.commands[0]!.data, blocId: 'bloc-z-none', name: 'Khối Z' } };
    await runMain(['--store', store, 'exec', '-'], {
      stdin: asLines([
        other,
        { ...admit, commandId: 'list-admit', data: { ...admit.data, blocId: 'bloc-a-first' } },
        { ...flag, commandId: 'list-flag', actor: { id: 'hdtdkt', role: 'council' }, data: { ...flag.data, blocId: 'bloc-a-first', termYear: 2014 } },
        { ...launch, commandId: 'list-launch', actor: { id: 'hdtdkt', role: 'council' }, data: { ...launch.data, blocId: 'bloc-a-first', campaignId: 'a-2014', year: 2014, title: 'Năm 2014' } },
        lone,
      ]),
    }).then((run) => expect(run.stderr).toBe(''));

    const json = await runMain(['--store', store, 'list', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { blocId: 'bloc-a-first', name: 'Khối A', authority: 'UBND tỉnh', campaigns: [{ campaignId: 'a-2014', year: 2014, title: 'Năm 2014', final: false }] },
      { blocId: CAMPAIGN.blocId, name: 'Khối cli', authority: 'UBND tỉnh', campaigns: [{ campaignId: CAMPAIGN.campaignId, year: 2013, title: 'Phong trào cli', final: true }] },
      { blocId: 'bloc-z-none', name: 'Khối Z', authority: 'UBND tỉnh', campaigns: [] },
    ]);

    const table = await runMain(['--store', store, 'list']);
    expect(table.code).toBe(0);
    const rows = table.stdout.split('\n').filter((line) => line.includes('bloc-'));
    expect(rows.map((line) => line.split('│').map((cell) => cell.trim()).filter((cell) => cell !== ''))).toEqual([
      ['bloc-a-first', 'Khối A', 'UBND tỉnh', '2014', 'a-2014', 'Năm 2014', 'open'],
      [CAMPAIGN.blocId, 'Khối cli', 'UBND tỉnh', '2013', CAMPAIGN.campaignId, 'Phong trào cli', 'closed'],
      ['bloc-z-none', 'Khối Z', 'UBND tỉnh', '(no campaign)'],
    ]);
  });

  it('says so when the store holds no bloc', async () => {
    const run = await runMain(['--store', 'memory:', 'list']);
    expect(run).toEqual({ code: 0, stdout: '', stderr: 'no blocs in memory:\n' });
  });
});
