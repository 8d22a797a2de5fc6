/**
 * Reading as of a past moment on the Tây Ninh 2013 log, whose store clock
 * (recordedAt, from 2013-01-02 one minute per append) and business dates
 * (the conference of 13 Feb 2014) are far apart: the business-time cut is
 * what a reader of the article means.
 */
import type { EventStore } from '@thidua/eventsourcing';
import { replayReadModelsAsOf } from './as-of';
import { getYearEndStandingsAsOf } from './readers';
import { standingsProjection } from './standings/standings.projection';
import { BLOC, createTayNinhStore, runTayNinh, TT, XD, type TayNinhRun } from './tay-ninh.test-helper';
import { createTestLog, on, seedCampaign } from './thidua-log.test-helper';

describe('read models as of a moment', () => {
  let eventStore: EventStore;
  let run: TayNinhRun;
  beforeAll(async () => {
    eventStore = createTayNinhStore();
    run = await runTayNinh(eventStore);
  });
  afterAll(async () => {
    await eventStore.close();
  });
  const asOf = (at: Parameters<typeof getYearEndStandingsAsOf>[0]['asOf']) => getYearEndStandingsAsOf({ eventStore, blocId: BLOC, year: 2013, asOf: at });

  it('by business time, the day before the conference: provisional, no review, no flag transfer', async () => {
    const standings = await asOf({ businessTime: '2014-02-12' });
    expect(standings).toMatchObject({ review: null, flag: null, final: false, chair: TT, nextChair: TT });
    expect(standings!.rows.every((row) => row.provisional)).toBe(true);
  });

  it('by business time, the conference day: the vote, the flag to Sở Xây dựng, not yet closed (1 Mar)', async () => {
    const standings = await asOf({ businessTime: '2014-02-13T23:59:00+07:00' });
    expect(standings).toMatchObject({ review: { hostUnitId: TT }, flag: { fromUnitId: TT, toUnitId: XD }, final: false });
    expect(standings!.rows.every((row) => !row.provisional && row.basis === 'vote')).toBe(true);
    // A day is read in each date's own offset: the 13th at 10:00 in Tây Ninh is the 13th.
    expect(await asOf({ businessTime: '2014-02-13' })).toEqual(standings);
  });

  it('by the store’s clock and by position, as before', async () => {
    const byPosition = await asOf({ position: run.beforeRanking });
    expect(byPosition!.rows.every((row) => row.provisional)).toBe(true);
    expect(await asOf({ recordedAt: run.beforeRankingRecordedAt })).toEqual(byPosition);
  });

  it('refuses a moment before the first event, saying when the log starts (validation_failed on asOf)', async () => {
    await expect(asOf({ businessTime: '2012-12-31' })).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'asOf', message: expect.stringContaining('before the first event of the log (business time 2013-01-02T08:00:00+07:00)') }],
    });
    await expect(asOf({ recordedAt: '2013-01-01T00:00:00Z' })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining('recorded time 2013-01-02T00:01:00.000Z') });
    await expect(asOf({ position: 0n })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining('before the first event') });
  });

  it('refuses what is neither a day nor an instant with offset', async () => {
    await expect(asOf({ businessTime: '2014-02-12T08:00:00' })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining('with offset') });
  });

  it('says when a moment is past the end of the log: the result is the current one', async () => {
    const { projectionStore, cut } = await replayReadModelsAsOf({ eventStore, projections: [standingsProjection], asOf: { businessTime: '2015-01-01' } });
    expect(cut).toMatchObject({ clock: 'business time', pastTheEnd: true, last: '2014-03-01T08:00:00+07:00' });
    await projectionStore.close();
    const exact = await replayReadModelsAsOf({ eventStore, projections: [standingsProjection], asOf: { businessTime: '2014-03-01T08:00:00+07:00' } });
    expect(exact.cut.pastTheEnd).toBe(false);
    await exact.projectionStore.close();
    const position = await replayReadModelsAsOf({ eventStore, projections: [standingsProjection], asOf: { position: run.head + 5n } });
    expect(position.cut).toMatchObject({ clock: 'position', pastTheEnd: true, last: run.head.toString() });
    await position.projectionStore.close();
  });
});

describe('a time cut keeps each stream a prefix', () => {
  it('leaves out an event entered after one past the moment, even when it is dated before it', async () => {
    const log = createTestLog();
    const ids = await seedCampaign(log, { units: { a: 'Đơn vị A' } });
    await log.append('ScoreRecorded', { pledgeId: ids.pledgeId('a'), criterionId: 'c1', points: 9, assessor: 'verified', scoredAt: on('2013-12-20') });
    // A correction entered afterwards but dated earlier: read alone, it would give a state the pledge never had.
    await log.append('ScoreRecorded', { pledgeId: ids.pledgeId('a'), criterionId: 'c1', points: 4, assessor: 'verified', scoredAt: on('2013-12-10') });
    const standings = await getYearEndStandingsAsOf({ eventStore: log.eventStore, blocId: ids.blocId, year: ids.year, asOf: { businessTime: '2013-12-15' } });
    expect(standings!.rows[0]!.criteria).toEqual({ c1: 0, c2: 0 });
    const later = await getYearEndStandingsAsOf({ eventStore: log.eventStore, blocId: ids.blocId, year: ids.year, asOf: { businessTime: '2013-12-31' } });
    expect(later!.rows[0]!.criteria).toEqual({ c1: 4, c2: 0 });
  });
});
