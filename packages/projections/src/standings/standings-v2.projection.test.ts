/**
 * The standings of a campaign that uses domain v2: the catalogue and the
 * tiers beside the v1 keys, and per row its tier, its criteria groups'
 * subtotals and the council's decisions.
 */
import { createThidua, thiduaRegistry } from '@thidua/domain';
import { createInMemoryEventStore, createInMemoryProjectionStore, type Actor } from '@thidua/eventsourcing';
import { getYearEndStandings } from '../readers';
import { createThiduaProjections } from '../thidua-projections';

const council: Actor = { id: 'hd', role: 'council' };
const chair: Actor = { id: 'a-truong-khoi', role: 'chair', unitId: 'a' };
const at = (day: string) => `${day}T08:00:00+07:00`;
const CAMPAIGN = 'cum-2-2020';

async function run() {
  const eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
  const thidua = createThidua({ eventStore });
  let n = 0;
  const exec = (command: string, actor: Actor, data: Record<string, unknown>) => thidua.execute({ command, commandId: `v2-${(n += 1)}`, actor, data });
  await exec('EstablishBloc', council, { blocId: 'cum-2', name: 'Cụm thi đua số 2', authority: 'UBND huyện', establishedAt: at('2020-01-02') });
  for (const unitId of ['a', 'b', 'c']) await exec('AdmitMember', council, { blocId: 'cum-2', unitId, unitName: `Xã ${unitId.toUpperCase()}`, admittedAt: at('2020-01-02') });
  await exec('TransferChairFlag', council, { blocId: 'cum-2', toUnitId: 'a', termYear: 2020, transferredAt: at('2020-01-03') });
  await exec('LaunchCampaign', chair, {
    campaignId: CAMPAIGN,
    blocId: 'cum-2',
    year: 2020,
    title: 'Phong trào thi đua năm 2020',
    criteria: [
      { criterionId: 'kt', title: 'Phát triển kinh tế', maxPoints: 40, groupId: 'nhiem-vu' },
      { criterionId: 'vh', title: 'Văn hóa – xã hội', maxPoints: 30, groupId: 'nhiem-vu' },
      { criterionId: 'td', title: 'Công tác thi đua', maxPoints: 30 },
    ],
    groups: [{ groupId: 'nhiem-vu', title: 'Nhiệm vụ chính trị' }, { groupId: 'khac', title: 'Nhóm chưa có tiêu chí' }],
    bonusCap: 5,
    awards: [
      { awardId: 'la-co-dau', title: 'Lá cờ đầu', kind: 'flag', quota: 1, maxRank: 1 },
      { awardId: 'giay-khen', title: 'Giấy khen', kind: 'certificate', quota: 2, group: 'giay-khen' },
    ],
    tiers: [
      { tierId: 'xuat-sac', title: 'Hoàn thành xuất sắc', minTotal: 90 },
      { tierId: 'tot', title: 'Hoàn thành tốt', minTotal: 70 },
    ],
    launchedAt: at('2020-01-10'),
  });
  for (const unitId of ['a', 'b', 'c']) {
    await exec('SignPledge', council, { campaignId: CAMPAIGN, unitId, signedBy: 'Chủ tịch UBND xã', targets: [], signedAt: at('2020-01-15') });
  }
  await exec('OpenScoring', chair, { campaignId: CAMPAIGN, at: at('2020-11-01') });
  const points: Record<string, [number, number, number]> = { a: [40, 28.5, 25], b: [35, 25, 20], c: [30, 20, 15.25] };
  for (const [unitId, [kt, vh, td]] of Object.entries(points)) {
    for (const [criterionId, value] of [['kt', kt], ['vh', vh], ['td', td]] as const) {
      await exec('RecordScore', chair, { pledgeId: `${CAMPAIGN}.${unitId}`, criterionId, points: value, assessor: 'verified', scoredAt: at('2020-12-10') });
    }
  }
  const provisional = await read(eventStore);
  await exec('CloseScoring', chair, { campaignId: CAMPAIGN, at: at('2020-12-20') });
  await exec('ClassifyPledges', chair, { campaignId: CAMPAIGN, basis: 'vote', classes: [{ unitId: 'a', tierId: 'tot' }, { unitId: 'b', tierId: 'tot' }, { unitId: 'c', tierId: 'tot' }], classifiedAt: at('2020-12-21') });
  await exec('ClassifyPledges', chair, { campaignId: CAMPAIGN, basis: 'score', classifiedAt: at('2020-12-22') });
  await exec('AssignRanks', chair, { campaignId: CAMPAIGN, basis: 'score', assignedAt: at('2020-12-22') });
  await exec('ProposeAward', chair, { campaignId: CAMPAIGN, unitId: 'a', award: 'la-co-dau', proposedAt: at('2020-12-22') });
  await exec('ProposeAward', chair, { campaignId: CAMPAIGN, unitId: 'a', award: 'giay-khen', proposedAt: at('2020-12-22') });
  await exec('ProposeAward', chair, { campaignId: CAMPAIGN, unitId: 'b', award: 'giay-khen', proposedAt: at('2020-12-22') });
  await exec('CloseCampaign', chair, { campaignId: CAMPAIGN, closedAt: at('2020-12-30') });
  await exec('DecideAward', council, { campaignId: CAMPAIGN, unitId: 'a', award: 'la-co-dau', outcome: 'granted', decisionRef: 'QĐ số 15/QĐ-UBND', decidedAt: at('2021-01-20') });
  await exec('DecideAward', council, { campaignId: CAMPAIGN, unitId: 'b', award: 'giay-khen', outcome: 'declined', decisionRef: 'QĐ số 15/QĐ-UBND', decidedAt: at('2021-01-20') });
  return { provisional, final: await read(eventStore) };
}

async function read(eventStore: ReturnType<typeof createInMemoryEventStore>) {
  const projectionStore = createInMemoryProjectionStore();
  await createThiduaProjections({ eventStore, projectionStore }).catchUp();
  return (await getYearEndStandings(projectionStore, { blocId: 'cum-2', year: 2020 }))!;
}

describe('standings of a domain v2 campaign', () => {
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    result = await run();
  });

  it('carry the catalogue and the tiers', () => {
    expect(result.final.awards).toEqual([
      { awardId: 'la-co-dau', title: 'Lá cờ đầu', kind: 'flag', quota: 1 },
      { awardId: 'giay-khen', title: 'Giấy khen', kind: 'certificate', quota: 2 },
    ]);
    expect(result.final.tiers).toEqual([
      { tierId: 'xuat-sac', title: 'Hoàn thành xuất sắc' },
      { tierId: 'tot', title: 'Hoàn thành tốt' },
    ]);
  });

  it('give each row the latest classification’s tier, its groups’ subtotals and the council’s decisions', () => {
    expect(result.final.rows.map((row) => [row.unitId, row.rank, row.total, row.tier, row.groups, row.awards, row.decisions])).toEqual([
      ['a', 1, 93.5, 'xuat-sac', { 'nhiem-vu': 68.5, khac: 0 }, ['la-co-dau', 'giay-khen'], { 'la-co-dau': { outcome: 'granted', decisionRef: 'QĐ số 15/QĐ-UBND' } }],
      ['b', 2, 80, 'tot', { 'nhiem-vu': 60, khac: 0 }, ['giay-khen'], { 'giay-khen': { outcome: 'declined', decisionRef: 'QĐ số 15/QĐ-UBND' } }],
      ['c', 3, 65.25, null, { 'nhiem-vu': 50, khac: 0 }, [], {}],
    ]);
    expect(result.final.final).toBe(true);
  });

  it('have no tier before a classification, and a legend with titles, group maxima and the real maximum', () => {
    expect(result.provisional.rows.every((row) => row.tier === null && row.provisional)).toBe(true);
    expect(result.final.legend.groups).toEqual([
      { groupId: 'nhiem-vu', title: 'Nhiệm vụ chính trị', maxPoints: 70 },
      { groupId: 'khac', title: 'Nhóm chưa có tiêu chí', maxPoints: 0 },
    ]);
    expect(result.final.legend.maxTotal).toBe(105);
    expect(result.final.legend.criteria[0]).toEqual({ criterionId: 'kt', title: 'Phát triển kinh tế', maxPoints: 40, groupId: 'nhiem-vu' });
  });
});
