import { createInMemoryProjectionStore, type EventStore, type ProjectionStore } from '@thidua/eventsourcing';
import { getCampaignProgress, getChairHistory, getYearEndStandings, getYearEndStandingsAsOf } from '../readers';
import { CAMPAIGN, CRITERIA, CT, NN, TT, UNITS, VERIFIED, VQG, XD, BLOC, createTayNinhStore, runTayNinh, type TayNinhRun } from '../tay-ninh.test-helper';
import { createThiduaProjections } from '../thidua-projections';
import type { YearEndStandings } from './standings.types';

const criteria = (unitId: string) => Object.fromEntries(VERIFIED[unitId]!.map((points, index) => [`c${index + 1}`, points]));
const row = (
  rank: number,
  unitId: string,
  unitName: string,
  total: number,
  extra: { bonus?: number; deduction?: number; awards?: ['provincial-flag'] } = {},
): YearEndStandings['rows'][number] => ({
  rank,
  provisional: false,
  unitId,
  unitName,
  criteria: criteria(unitId),
  bonus: extra.bonus ?? 0,
  deduction: extra.deduction ?? 0,
  total,
  status: 'active',
  awards: extra.awards ?? [],
  basis: 'vote',
  tier: null,
  groups: {},
  decisions: {},
});

/** The standings for Tây Ninh 2013, written out by hand (the JSON keys; the legend is checked on its own). */
const EXPECTED: Omit<YearEndStandings, 'legend'> = {
  blocId: BLOC,
  blocName: 'Khối Thi đua Kinh tế - Kỹ thuật tỉnh Tây Ninh',
  year: 2013,
  campaignId: CAMPAIGN,
  title: 'Phong trào thi đua yêu nước năm 2013',
  review: { heldAt: '2014-02-13T08:00:00+07:00', hostUnitId: TT },
  chair: TT,
  deputy: null,
  nextChair: XD,
  nextDeputy: VQG,
  flag: { fromUnitId: TT, toUnitId: XD },
  final: true,
  awards: [
    { awardId: 'provincial-flag', title: 'Cờ thi đua của UBND tỉnh', kind: 'flag', quota: 1 },
    { awardId: 'government-flag', title: 'Cờ thi đua của Chính phủ', kind: 'flag', quota: 1 },
    { awardId: 'certificate-of-merit', title: 'Bằng khen', kind: 'certificate', quota: 3 },
  ],
  tiers: [],
  rows: [
    row(1, NN, 'Sở Nông nghiệp và Phát triển nông thôn', 89.5, { bonus: 1, awards: ['provincial-flag'] }),
    row(2, CT, 'Sở Công Thương', 87.25),
    row(3, TT, 'Sở Thông tin và Truyền thông', 86),
    row(4, XD, 'Sở Xây dựng', 85),
    row(5, VQG, 'Ban Quản lý Vườn Quốc gia Lò Gò – Xa Mát', 83.5, { deduction: 0.5 }),
  ],
};

const LEGEND: YearEndStandings['legend'] = {
  units: UNITS,
  criteria: CRITERIA.map((criterion) => ({ ...criterion, groupId: null })),
  groups: [],
  bonusCap: 2,
  maxTotal: 92,
  unscored: { [NN]: [], [CT]: [], [TT]: [], [XD]: [], [VQG]: [] },
};
const FULL: YearEndStandings = { ...EXPECTED, legend: LEGEND };

describe('Tây Ninh 2013 year-end standings', () => {
  let eventStore: EventStore;
  let projectionStore: ProjectionStore;
  let run: TayNinhRun;
  beforeAll(async () => {
    eventStore = createTayNinhStore();
    run = await runTayNinh(eventStore);
    projectionStore = createInMemoryProjectionStore();
    await createThiduaProjections({ eventStore, projectionStore }).catchUp();
  });
  afterAll(async () => {
    await projectionStore.close();
    await eventStore.close();
  });

  it('match the conference: the vote, the flag to Sở Xây dựng, Lò Gò – Xa Mát deputy for 2014', async () => {
    const { legend, ...standings } = (await getYearEndStandings(projectionStore, { blocId: BLOC, year: 2013 }))!;
    expect(standings).toEqual(EXPECTED);
    // Exactly the keys, in their order, as `--format json` prints them.
    expect(JSON.stringify(standings)).toBe(JSON.stringify(EXPECTED));
    expect(legend).toEqual(LEGEND);
  });

  it('are the same when rebuilt from the log', async () => {
    const fresh = createInMemoryProjectionStore();
    const projections = createThiduaProjections({ eventStore, projectionStore: fresh });
    await projections.catchUp();
    await projections.rebuild();
    expect(await getYearEndStandings(fresh, { blocId: BLOC, year: 2013 })).toEqual(FULL);
  });

  it('as of before the ranking: provisional ranks by score, no flag transfer, not final', async () => {
    const before = await getYearEndStandingsAsOf({ eventStore, blocId: BLOC, year: 2013, asOf: { position: run.beforeRanking } });
    expect(before).toEqual({
      ...FULL,
      nextChair: TT, // the holder keeps the flag until it is handed on
      nextDeputy: null,
      flag: null,
      final: false,
      rows: EXPECTED.rows.map((r) => ({ ...r, provisional: true, basis: 'score', awards: [] })),
    });
    const byTime = await getYearEndStandingsAsOf({ eventStore, blocId: BLOC, year: 2013, asOf: { recordedAt: run.beforeRankingRecordedAt } });
    expect(byTime).toEqual(before);
  });

  it('as of the ranking: the vote, not yet final', async () => {
    const ranked = await getYearEndStandingsAsOf({ eventStore, blocId: BLOC, year: 2013, asOf: { position: run.ranked } });
    expect(ranked!.rows.map((r) => [r.unitId, r.rank, r.provisional, r.basis])).toEqual([
      [NN, 1, false, 'vote'],
      [CT, 2, false, 'vote'],
      [TT, 3, false, 'vote'],
      [XD, 4, false, 'vote'],
      [VQG, 5, false, 'vote'],
    ]);
    expect(ranked!.final).toBe(false);
    expect(await getYearEndStandingsAsOf({ eventStore, blocId: BLOC, year: 2013, asOf: { position: run.head } })).toEqual(FULL);
  });

  it('as of before the campaign: nothing', async () => {
    expect(await getYearEndStandingsAsOf({ eventStore, blocId: BLOC, year: 2013, asOf: { position: 3n } })).toBeNull();
    expect(await getYearEndStandingsAsOf({ eventStore, blocId: BLOC, year: 2013, asOf: { businessTime: '2013-01-10' } })).toBeNull();
  });

  it('come with the flag history and a covenant signed by 100% of the members', async () => {
    const history = await getChairHistory(projectionStore, { blocId: BLOC });
    expect(history!.holder).toBe(XD);
    expect(history!.transfers.map((t) => [t.termYear, t.fromUnitName, t.toUnitName])).toEqual([
      [2013, null, 'Sở Thông tin và Truyền thông'],
      [2014, 'Sở Thông tin và Truyền thông', 'Sở Xây dựng'],
    ]);
    expect(history!.deputies.map((d) => [d.termYear, d.unitName])).toEqual([[2014, 'Ban Quản lý Vườn Quốc gia Lò Gò – Xa Mát']]);
    const progress = await getCampaignProgress(projectionStore, { campaignId: CAMPAIGN });
    expect(progress).toMatchObject({ phase: 'closed', notSigned: [], counts: { members: 5, signed: 5, fullyScored: 5, fullyVerified: 5 } });
  });
});
