/**
 * The year summary of an authority: its blocs by blocId, each with the
 * chair and next chair of its standings, its leaders, every award proposed
 * with the council's outcome, and its classes.
 */
import { createThidua, thiduaRegistry } from '@thidua/domain';
import { createInMemoryEventStore, createInMemoryProjectionStore, type Actor, type EventStore, type ProjectionStore } from '@thidua/eventsourcing';
import { getYearEndStandings, getYearSummary, getYearSummaryAsOf, listAuthorities } from '../readers';
import { createThiduaProjections } from '../thidua-projections';

const council: Actor = { id: 'hd', role: 'council' };
const at = (day: string) => `${day}T08:00:00+07:00`;
const PROVINCE = 'UBND tỉnh Đồng Nai';

/** Two blocs of the province (listed out of order) and one of another authority. */
async function seed(eventStore: EventStore): Promise<void> {
  const thidua = createThidua({ eventStore });
  let n = 0;
  const exec = (command: string, data: Record<string, unknown>) => thidua.execute({ command, commandId: `ys-${(n += 1)}`, actor: council, data });
  const bloc = async (blocId: string, authority: string, units: string[], year: number | null) => {
    await exec('EstablishBloc', { blocId, name: `Khối ${blocId}`, authority, establishedAt: at('2015-01-02') });
    for (const unitId of units) await exec('AdmitMember', { blocId, unitId, unitName: `Đơn vị ${unitId}`, admittedAt: at('2015-01-02') });
    await exec('TransferChairFlag', { blocId, toUnitId: units[0], termYear: 2015, transferredAt: at('2015-01-03') });
    if (year === null) return;
    const campaignId = `${blocId}-${year}`;
    await exec('LaunchCampaign', {
      campaignId,
      blocId,
      year,
      title: `Phong trào ${year}`,
      criteria: [{ criterionId: 'c1', title: 'Nhiệm vụ', maxPoints: 100 }],
      bonusCap: 0,
      awards: [
        { awardId: 'co', title: 'Cờ thi đua của UBND tỉnh', kind: 'flag', quota: 1, maxRank: 1, group: 'co' },
        { awardId: 'bang-khen', title: 'Bằng khen của UBND tỉnh', kind: 'certificate', quota: 2, group: 'bk' },
      ],
      tiers: [
        { tierId: 'xuat-sac', title: 'Xuất sắc', minTotal: 90 },
        { tierId: 'tot', title: 'Tốt', minTotal: 80 },
        { tierId: 'hoan-thanh', title: 'Hoàn thành' },
      ],
      launchedAt: at('2015-01-10'),
    });
    for (const unitId of units) await exec('SignPledge', { campaignId, unitId, signedBy: 'Thủ trưởng', targets: [], signedAt: at('2015-01-11') });
    await exec('OpenScoring', { campaignId, at: at('2015-11-01') });
    for (const [index, unitId] of units.entries()) {
      await exec('RecordScore', { pledgeId: `${campaignId}.${unitId}`, criterionId: 'c1', points: 95 - index * 8, assessor: 'verified', scoredAt: at('2015-12-01') });
    }
    await exec('CloseScoring', { campaignId, at: at('2015-12-10') });
    await exec('ClassifyPledges', { campaignId, basis: 'score', classifiedAt: at('2015-12-15') });
    await exec('AssignRanks', { campaignId, basis: 'score', assignedAt: at('2015-12-15') });
    await exec('ProposeAward', { campaignId, unitId: units[0], award: 'co', proposedAt: at('2015-12-15') });
    await exec('ProposeAward', { campaignId, unitId: units[0], award: 'bang-khen', proposedAt: at('2015-12-15') });
    await exec('ProposeAward', { campaignId, unitId: units[1], award: 'bang-khen', proposedAt: at('2015-12-15') });
    await exec('TransferChairFlag', { blocId, toUnitId: units[1], termYear: 2016, transferredAt: at('2015-12-20') });
    await exec('CloseCampaign', { campaignId, closedAt: at('2015-12-30') });
    await exec('DecideAward', { campaignId, unitId: units[0], award: 'co', outcome: 'granted', decisionRef: 'QĐ 100/QĐ-UBND', decidedAt: at('2016-02-01') });
  };
  await bloc('khoi-9', PROVINCE, ['so-ct', 'so-tc', 'so-kh', 'so-xd'], 2015);
  await bloc('cum-11', PROVINCE, ['h-xl', 'h-tn', 'h-cm'], 2015);
  await bloc('khoi-3', PROVINCE, ['so-yt', 'so-gd'], null);
  await bloc('cum-1', 'UBND tỉnh Tây Ninh', ['so-a', 'so-b'], 2015);
}

describe('the year summary of an authority', () => {
  let eventStore: EventStore;
  let projectionStore: ProjectionStore;
  beforeAll(async () => {
    eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
    await seed(eventStore);
    projectionStore = createInMemoryProjectionStore();
    await createThiduaProjections({ eventStore, projectionStore }).catchUp();
  });
  afterAll(async () => {
    await eventStore.close();
  });

  it('lists its blocs with a campaign that year, by blocId, in exactly the documented shape', async () => {
    const { legend, ...summary } = (await getYearSummary(projectionStore, { authority: PROVINCE, year: 2015 }))!;
    expect(summary).toEqual({
      authority: PROVINCE,
      year: 2015,
      blocs: [
        {
          blocId: 'cum-11',
          blocName: 'Khối cum-11',
          campaignId: 'cum-11-2015',
          final: true,
          chair: 'h-xl',
          nextChair: 'h-tn',
          leaders: ['h-xl'],
          awards: [
            { unitId: 'h-tn', award: 'bang-khen', outcome: null },
            { unitId: 'h-xl', award: 'bang-khen', outcome: null },
            { unitId: 'h-xl', award: 'co', outcome: 'granted' },
          ],
          tiers: { 'xuat-sac': 1, tot: 1, 'hoan-thanh': 1 },
        },
        {
          blocId: 'khoi-9',
          blocName: 'Khối khoi-9',
          campaignId: 'khoi-9-2015',
          final: true,
          chair: 'so-ct',
          nextChair: 'so-tc',
          leaders: ['so-ct'],
          awards: [
            { unitId: 'so-ct', award: 'bang-khen', outcome: null },
            { unitId: 'so-ct', award: 'co', outcome: 'granted' },
            { unitId: 'so-tc', award: 'bang-khen', outcome: null },
          ],
          tiers: { 'xuat-sac': 1, tot: 1, 'hoan-thanh': 2 },
        },
      ],
    });
    expect(Object.keys(summary.blocs[0]!)).toEqual(['blocId', 'blocName', 'campaignId', 'final', 'chair', 'nextChair', 'leaders', 'awards', 'tiers']);
    expect(legend.awards['khoi-9']).toEqual({ co: 'Cờ thi đua của UBND tỉnh', 'bang-khen': 'Bằng khen của UBND tỉnh' });
    expect(legend.units['khoi-9']?.['so-ct']).toBe('Đơn vị so-ct');
  });

  it('takes chair and next chair from the standings', async () => {
    const summary = await getYearSummary(projectionStore, { authority: PROVINCE, year: 2015 });
    const standings = await getYearEndStandings(projectionStore, { blocId: 'khoi-9', year: 2015 });
    expect(summary!.blocs[1]).toMatchObject({ chair: standings!.chair, nextChair: standings!.nextChair });
  });

  it('finds the authority typed with combining accents or spaces around it, and knows every authority', async () => {
    const decomposed = ` ${PROVINCE.normalize('NFD')} `;
    expect((await getYearSummary(projectionStore, { authority: decomposed, year: 2015 }))!.blocs.map((bloc) => bloc.blocId)).toEqual(['cum-11', 'khoi-9']);
    expect(await listAuthorities(projectionStore)).toEqual(['UBND tỉnh Tây Ninh', PROVINCE].sort());
  });

  it('is null for an authority no bloc names, and has no blocs in a year without campaigns', async () => {
    expect(await getYearSummary(projectionStore, { authority: 'UBND tỉnh Bình Dương', year: 2015 })).toBeNull();
    expect((await getYearSummary(projectionStore, { authority: PROVINCE, year: 2014 }))!.blocs).toEqual([]);
  });

  it('has no leaders before a ranking, no outcome before a decision, and no tiers before a classification, as of business time', async () => {
    const before = await getYearSummaryAsOf({ eventStore, authority: PROVINCE, year: 2015, asOf: { businessTime: '2015-12-12' } });
    expect(before!.blocs.map((bloc) => [bloc.blocId, bloc.leaders, bloc.awards, bloc.tiers, bloc.final, bloc.nextChair])).toEqual([
      ['cum-11', [], [], {}, false, 'h-xl'],
      ['khoi-9', [], [], {}, false, 'so-ct'],
    ]);
    const undecided = await getYearSummaryAsOf({ eventStore, authority: PROVINCE, year: 2015, asOf: { businessTime: '2016-01-01' } });
    expect(undecided!.blocs[1]!.awards.every((award) => award.outcome === null)).toBe(true);
  });
});
