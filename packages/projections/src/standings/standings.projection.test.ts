import { createInMemoryProjectionStore, type ProjectionStore } from '@thidua/eventsourcing';
import { getYearEndStandings } from '../readers';
import { toStandingsJson } from '../json-shapes';
import { createThiduaProjections } from '../thidua-projections';
import { createTestLog, on, seedCampaign } from '../thidua-log.test-helper';
import type { StandingsRow } from './standings.types';

const UNITS = { a: 'Đơn vị A', b: 'Đơn vị B', c: 'Đơn vị C', d: 'Đơn vị D' };

async function setup(units: Record<string, string> = UNITS, criteria?: string[]) {
  const log = createTestLog();
  const seeded = await seedCampaign(log, { units, ...(criteria ? { criteria } : {}) });
  const projectionStore: ProjectionStore = createInMemoryProjectionStore();
  const projections = createThiduaProjections({ eventStore: log.eventStore, projectionStore });
  const standings = async () => {
    await projections.catchUp();
    const result = await getYearEndStandings(projectionStore, { blocId: seeded.blocId, year: seeded.year });
    if (!result) throw new Error('no standings');
    return result;
  };
  const score = (unitId: string, criterionId: string, points: number, assessor: 'self' | 'cross' | 'verified' = 'verified') =>
    log.append('ScoreRecorded', { pledgeId: seeded.pledgeId(unitId), criterionId, points, assessor, scoredAt: on('2013-11-01') });
  const rank = (basis: 'score' | 'vote', ranks: [string, number][], assignedAt = on('2014-02-13', '10:00:00')) =>
    log.appendAll(
      ranks.map(([unitId, r]) => ({
        type: 'RankAssigned' as const,
        data: { campaignId: seeded.campaignId, unitId, pledgeId: seeded.pledgeId(unitId), rank: r, totalPoints: 0, basis, assignedAt },
      })),
    );
  return { log, seeded, projectionStore, standings, score, rank };
}

const ranks = (rows: StandingsRow[]) => rows.map((row) => [row.unitId, row.rank, row.provisional, row.basis]);

describe('standings projection', () => {
  it('ranks active pledges provisionally by total before any ranking; ties share a rank', async () => {
    const { standings, score } = await setup();
    await score('a', 'c1', 9);
    await score('b', 'c1', 9.5);
    await score('c', 'c1', 9);
    await score('d', 'c1', 8);
    expect(ranks((await standings()).rows)).toEqual([
      ['b', 1, true, 'score'],
      ['a', 2, true, 'score'],
      ['c', 2, true, 'score'],
      ['d', 4, true, 'score'],
    ]);
  });

  it('counts the latest verified score over cross and self, whenever they were recorded', async () => {
    const { standings, score } = await setup({ a: 'A' });
    await score('a', 'c1', 9, 'self');
    expect((await standings()).rows[0]).toMatchObject({ criteria: { c1: 9, c2: 0 }, total: 9 });
    await score('a', 'c1', 7, 'verified');
    expect((await standings()).rows[0]).toMatchObject({ criteria: { c1: 7, c2: 0 }, total: 7 });
    await score('a', 'c1', 8, 'cross');
    await score('a', 'c1', 10, 'self');
    expect((await standings()).rows[0]).toMatchObject({ criteria: { c1: 7, c2: 0 }, total: 7 });
    await score('a', 'c1', 6.5, 'verified');
    expect((await standings()).rows[0]).toMatchObject({ criteria: { c1: 6.5, c2: 0 }, total: 6.5 });
  });

  it('adds points exactly: 0.1 + 0.2 is 0.3', async () => {
    const { standings, score } = await setup({ a: 'A' });
    await score('a', 'c1', 0.1);
    await score('a', 'c2', 0.2);
    const result = await standings();
    expect(result.rows[0]!.total).toBe(0.3);
    expect(JSON.stringify(toStandingsJson(result), null, 2)).toContain('"total": 0.3,');
  });

  it('caps the bonus, subtracts deductions and never goes below 0', async () => {
    const { standings, score, log, seeded } = await setup({ a: 'A', b: 'B' });
    await score('a', 'c1', 8.25);
    const adjust = (unitId: string, kind: 'bonus' | 'deduction', points: number) =>
      log.append('AdjustmentRecorded', { pledgeId: seeded.pledgeId(unitId), kind, points, reason: 'Sáng kiến', adjustedAt: on('2013-12-01') });
    await adjust('a', 'bonus', 1.5);
    await adjust('a', 'bonus', 1);
    await adjust('a', 'deduction', 0.75);
    await adjust('b', 'deduction', 3);
    const rows = (await standings()).rows;
    expect(rows.find((r) => r.unitId === 'a')).toMatchObject({ bonus: 2, deduction: 0.75, total: 9.5 });
    expect(rows.find((r) => r.unitId === 'b')).toMatchObject({ bonus: 0, deduction: 3, total: 0 });
  });

  it('shows assigned ranks once ranked, and a later ranking replaces the earlier one whole', async () => {
    const { standings, score, rank, log, seeded } = await setup();
    await score('a', 'c1', 9);
    await score('b', 'c1', 8);
    await score('c', 'c1', 7);
    await score('d', 'c1', 6);
    await log.append('ScoringClosed', { campaignId: seeded.campaignId, at: on('2014-01-31') });
    await rank('score', [['a', 1], ['b', 2], ['c', 3], ['d', 4]]);
    expect(ranks((await standings()).rows)).toEqual([
      ['a', 1, false, 'score'],
      ['b', 2, false, 'score'],
      ['c', 3, false, 'score'],
      ['d', 4, false, 'score'],
    ]);
    // Straight after the first ranking, nothing in between: still a new ranking (its first unit is already ranked).
    await rank('vote', [['c', 1], ['a', 2], ['b', 2], ['d', 4]], on('2014-02-13', '11:00:00'));
    expect(ranks((await standings()).rows)).toEqual([
      ['c', 1, false, 'vote'],
      ['a', 2, false, 'vote'],
      ['b', 2, false, 'vote'],
      ['d', 4, false, 'vote'],
    ]);
  });

  it('starts a new ranking after any other campaign event, also when stored between batches', async () => {
    const { log, seeded, score, rank } = await setup();
    for (const [unitId, points] of [['a', 9], ['b', 8], ['c', 7], ['d', 6]] as const) await score(unitId, 'c1', points);
    await log.append('ScoringClosed', { campaignId: seeded.campaignId, at: on('2014-01-31') });
    // Not a ranking the domain would accept (it leaves c and d out): it isolates the revision rule,
    // since c, the next ranking's first unit, is not in this one.
    await rank('score', [['a', 1], ['b', 2]]);
    await log.append('ReviewHeld', { campaignId: seeded.campaignId, kind: 'year-end', hostUnitId: 'a', heldAt: on('2014-02-13') });
    await rank('vote', [['c', 1], ['d', 2], ['a', 3], ['b', 4]]);
    // A batch size of 1 commits after every event, so each RankAssigned meets the ranking as stored.
    const projectionStore = createInMemoryProjectionStore();
    await createThiduaProjections({ eventStore: log.eventStore, projectionStore, batchSize: 1 }).catchUp();
    const result = await getYearEndStandings(projectionStore, { blocId: seeded.blocId, year: seeded.year });
    expect(ranks(result!.rows)).toEqual([
      ['c', 1, false, 'vote'],
      ['d', 2, false, 'vote'],
      ['a', 3, false, 'vote'],
      ['b', 4, false, 'vote'],
    ]);
  });

  it('lists withdrawn and disqualified pledges last, without a rank, before and after ranking', async () => {
    const { standings, score, rank, log, seeded } = await setup();
    await score('a', 'c1', 5);
    await score('b', 'c1', 9);
    await score('c', 'c1', 10);
    await score('d', 'c1', 7);
    await log.append('PledgeWithdrawn', { pledgeId: seeded.pledgeId('c'), reason: 'Sáp nhập', at: on('2013-10-01') });
    await log.append('PledgeDisqualified', { pledgeId: seeded.pledgeId('b'), reason: 'Vi phạm', at: on('2013-10-02') });
    const before = await standings();
    expect(ranks(before.rows)).toEqual([
      ['d', 1, true, 'score'],
      ['a', 2, true, 'score'],
      ['b', null, false, null],
      ['c', null, false, null],
    ]);
    expect(before.rows.map((r) => r.status)).toEqual(['active', 'active', 'disqualified', 'withdrawn']);
    expect(before.rows[3]!.total).toBe(10);

    await log.append('ScoringClosed', { campaignId: seeded.campaignId, at: on('2014-01-31') });
    await rank('vote', [['a', 1], ['d', 2]]);
    expect(ranks((await standings()).rows)).toEqual([
      ['a', 1, false, 'vote'],
      ['d', 2, false, 'vote'],
      ['b', null, false, null],
      ['c', null, false, null],
    ]);
  });

  it('states the review, chairs, deputies, flag transfer, awards and finality of the year', async () => {
    const { standings, score, rank, log, seeded } = await setup();
    const { blocId, campaignId } = seeded;
    await log.append('ChairFlagTransferred', { blocId, fromUnitId: null, toUnitId: 'c', termYear: 2012, transferredAt: on('2012-01-05') });
    await log.append('DeputyChairElected', { blocId, unitId: 'a', termYear: 2013, electedAt: on('2013-01-05') });
    let result = await standings();
    // Until a transfer names next year's chair, the holder keeps the flag.
    expect(result).toMatchObject({ chair: 'c', deputy: 'a', nextChair: 'c', nextDeputy: null, flag: null, review: null, final: false });

    for (const [unitId, points] of [['a', 9], ['b', 8], ['c', 7], ['d', 6]] as const) await score(unitId, 'c1', points);
    await log.append('ScoringClosed', { campaignId, at: on('2014-01-31') });
    await log.append('ReviewHeld', { campaignId, kind: 'mid-year', hostUnitId: 'b', heldAt: on('2013-07-10') });
    expect((await standings()).review).toBeNull();
    await log.append('ReviewHeld', { campaignId, kind: 'year-end', hostUnitId: 'c', heldAt: on('2014-02-13') });
    await rank('vote', [['b', 1], ['a', 2], ['c', 3], ['d', 4]]);
    await log.append('AwardProposed', { campaignId, unitId: 'b', award: 'provincial-flag', proposedAt: on('2014-02-13', '11:00:00') });
    await log.append('AwardProposed', { campaignId, unitId: 'a', award: 'certificate-of-merit', proposedAt: on('2014-02-13', '11:00:00') });
    await log.append('ChairFlagTransferred', { blocId, fromUnitId: 'c', toUnitId: 'd', termYear: 2014, decisionRef: 'QĐ 12', transferredAt: on('2014-02-13', '11:30:00') });
    await log.append('DeputyChairElected', { blocId, unitId: 'b', termYear: 2014, electedAt: on('2014-02-13', '11:40:00') });
    await log.append('CampaignClosed', { campaignId, closedAt: on('2014-02-28') });

    result = await standings();
    expect(Object.keys(result)).toEqual([
      'blocId', 'blocName', 'year', 'campaignId', 'title', 'review', 'chair', 'deputy',
      'nextChair', 'nextDeputy', 'flag', 'final', 'awards', 'tiers', 'rows', 'legend',
    ]);
    expect(Object.keys(result.rows[0]!)).toEqual([
      'rank', 'provisional', 'unitId', 'unitName', 'criteria', 'bonus', 'deduction', 'total', 'status', 'awards', 'basis', 'tier', 'groups', 'decisions',
    ]);
    expect({ ...result, rows: undefined, awards: undefined, tiers: undefined, legend: undefined }).toEqual({
      blocId,
      blocName: 'Khối Thi đua Kinh tế - Kỹ thuật',
      year: 2013,
      campaignId,
      title: 'Phong trào thi đua năm 2013',
      review: { heldAt: on('2014-02-13'), hostUnitId: 'c' },
      chair: 'c',
      deputy: 'a',
      nextChair: 'd',
      nextDeputy: 'b',
      flag: { fromUnitId: 'c', toUnitId: 'd' },
      final: true,
      awards: undefined,
      tiers: undefined,
      rows: undefined,
      legend: undefined,
    });
    expect(result.rows.map((r) => [r.unitId, r.unitName, r.awards])).toEqual([
      ['b', 'Đơn vị B', ['provincial-flag']],
      ['a', 'Đơn vị A', ['certificate-of-merit']],
      ['c', 'Đơn vị C', []],
      ['d', 'Đơn vị D', []],
    ]);
  });

  it('finds the campaign of the year asked, and nothing for another year or bloc', async () => {
    const { standings, projectionStore, seeded } = await setup();
    await standings();
    expect(await getYearEndStandings(projectionStore, { blocId: seeded.blocId, year: 2014 })).toBeNull();
    expect(await getYearEndStandings(projectionStore, { blocId: 'khac', year: 2013 })).toBeNull();
  });

  it('handles ids that are also Object.prototype names', async () => {
    // A computed key: a literal `__proto__:` would set the prototype instead of a property.
    const { standings, score } = await setup({ ['__proto__']: 'Đơn vị proto', constructor: 'Đơn vị constructor' }, ['toString', 'c2']);
    await score('__proto__', 'toString', 4);
    await score('constructor', 'toString', 5);
    const rows = (await standings()).rows;
    expect(rows.map((r) => [r.unitId, r.unitName, r.rank, r.total])).toEqual([
      ['constructor', 'Đơn vị constructor', 1, 5],
      ['__proto__', 'Đơn vị proto', 2, 4],
    ]);
    expect(Object.keys(rows[1]!.criteria)).toEqual(['toString', 'c2']);
  });
});
