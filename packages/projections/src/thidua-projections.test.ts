import {
  createInMemoryProjectionLeases,
  createInMemoryProjectionStore,
  createProjectionRunner,
  type Projection,
  type ProjectionProgress,
  type ProjectionStore,
} from '@thidua/eventsourcing';
import { getAuditTrail, getCampaignProgress, getChairHistory, getYearEndStandings, getYearEndStandingsAsOf } from './readers';
import { STANDINGS_PROJECTION, standingsProjection } from './standings/standings.projection';
import type { StandingsDoc } from './standings/standings.types';
import { createThiduaProjections, thiduaProjections } from './thidua-projections';
import { createTestLog, on, seedCampaign } from './thidua-log.test-helper';

/** A small campaign with scores, a withdrawal, a ranking, an award and a flag transfer. */
async function campaignLog() {
  const log = createTestLog();
  const seeded = await seedCampaign(log, { units: { a: 'Đơn vị A', b: 'Đơn vị B', c: 'Đơn vị C' } });
  const { blocId, campaignId, pledgeId } = seeded;
  await log.append('ChairFlagTransferred', { blocId, fromUnitId: null, toUnitId: 'a', termYear: 2013, transferredAt: on('2013-01-05') });
  for (const [unitId, c1, c2] of [['a', 9, 8.5], ['b', 9.25, 9], ['c', 7, 7]] as const) {
    await log.append('ScoreRecorded', { pledgeId: pledgeId(unitId), criterionId: 'c1', points: c1, assessor: 'self', scoredAt: on('2013-11-01') });
    await log.append('ScoreRecorded', { pledgeId: pledgeId(unitId), criterionId: 'c2', points: c2, assessor: 'verified', scoredAt: on('2013-12-01') });
  }
  await log.append('PledgeWithdrawn', { pledgeId: pledgeId('c'), reason: 'Sáp nhập', at: on('2013-12-15') });
  await log.append('ScoringClosed', { campaignId, at: on('2014-01-31') });
  await log.appendAll(
    [['a', 1], ['b', 2]].map(([unitId, rank]) => ({
      type: 'RankAssigned' as const,
      data: { campaignId, unitId: unitId as string, pledgeId: pledgeId(unitId as string), rank: rank as number, totalPoints: 0, basis: 'vote' as const, assignedAt: on('2014-02-13') },
    })),
  );
  await log.append('AwardProposed', { campaignId, unitId: 'a', award: 'provincial-flag', proposedAt: on('2014-02-13') });
  await log.append('ChairFlagTransferred', { blocId, fromUnitId: 'a', toUnitId: 'b', termYear: 2014, transferredAt: on('2014-02-13') });
  await log.append('CampaignClosed', { campaignId, closedAt: on('2014-02-28') });
  return { log, ...seeded };
}

/** Everything the four readers say about the campaign. */
async function readAll(store: ProjectionStore, ids: { blocId: string; campaignId: string; pledgeId(unitId: string): string }) {
  return {
    standings: await getYearEndStandings(store, { blocId: ids.blocId, year: 2013 }),
    chairs: await getChairHistory(store, { blocId: ids.blocId }),
    progress: await getCampaignProgress(store, { campaignId: ids.campaignId }),
    trailOfA: await getAuditTrail(store, { unitId: 'a' }),
    trailOfPledge: await getAuditTrail(store, { streamId: `pledge-${ids.pledgeId('b')}` }),
  };
}

describe('createThiduaProjections', () => {
  it('runs the five projections, each with its own checkpoint at the head', async () => {
    const { log } = await campaignLog();
    const projectionStore = createInMemoryProjectionStore();
    const projections = createThiduaProjections({ eventStore: log.eventStore, projectionStore });
    expect(projections.projections.map((p) => p.name)).toEqual(['standings', 'chair-history', 'audit-trail', 'campaign-progress', 'year-summary']);
    const progress = await projections.catchUp();
    const head = await log.eventStore.headPosition();
    expect(progress.map((p) => p.checkpoint)).toEqual([head, head, head, head, head]);
    for (const projection of thiduaProjections) {
      expect(await projectionStore.getState(projection.name)).toEqual({ version: projection.version, checkpoint: head });
    }
  });

  it('catches up only the projections named, in that order, and refuses an unknown name', async () => {
    const { log } = await campaignLog();
    const projectionStore = createInMemoryProjectionStore();
    const projections = createThiduaProjections({ eventStore: log.eventStore, projectionStore });
    const progress = await projections.catchUp(undefined, { only: ['year-summary', 'standings'] });
    expect(progress.map((p) => p.projection)).toEqual(['year-summary', 'standings']);
    expect(await projectionStore.getState('audit-trail')).toBeNull();
    await expect(projections.catchUp(undefined, { only: ['ranks'] })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('gives deep-equal read models when rebuilt from the log, and when caught up in small batches', async () => {
    const ids = await campaignLog();
    const projectionStore = createInMemoryProjectionStore();
    const projections = createThiduaProjections({ eventStore: ids.log.eventStore, projectionStore });
    const caughtUp: ProjectionProgress[] = [];
    await projections.catchUp((p) => caughtUp.push(p));
    // Each projection reports as it goes, in order, and ends at the head.
    const head = await ids.log.eventStore.headPosition();
    expect([...new Set(caughtUp.map((p) => p.projection))]).toEqual(thiduaProjections.map((p) => p.name));
    for (const name of thiduaProjections.map((p) => p.name)) {
      expect(caughtUp.filter((p) => p.projection === name).at(-1)).toMatchObject({ checkpoint: head, head });
    }
    const before = await readAll(projectionStore, ids);
    expect(before.standings?.rows.map((r) => [r.unitId, r.rank, r.total])).toEqual([
      ['a', 1, 17.5],
      ['b', 2, 18.25],
      ['c', null, 14],
    ]);

    const reported: ProjectionProgress[] = [];
    await projections.rebuild(undefined, (p) => reported.push(p));
    expect(await readAll(projectionStore, ids)).toEqual(before);
    expect(new Set(reported.map((p) => p.projection))).toEqual(new Set(thiduaProjections.map((p) => p.name)));

    const batched = createInMemoryProjectionStore();
    await createThiduaProjections({ eventStore: ids.log.eventStore, projectionStore: batched, batchSize: 3 }).catchUp();
    expect(await readAll(batched, ids)).toEqual(before);
  });

  it('rebuilds one projection by name, and refuses an unknown name', async () => {
    const ids = await campaignLog();
    const projectionStore = createInMemoryProjectionStore();
    const projections = createThiduaProjections({ eventStore: ids.log.eventStore, projectionStore });
    await projections.catchUp();
    const progress = await projections.rebuild('chair-history');
    expect(progress.map((p) => p.projection)).toEqual(['chair-history']);
    await expect(projections.rebuild('nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('rebuilds a projection whose version was bumped, and only then', async () => {
    const ids = await campaignLog();
    const projectionStore = createInMemoryProjectionStore();
    await createThiduaProjections({ eventStore: ids.log.eventStore, projectionStore }).catchUp();
    const expected = await getYearEndStandings(projectionStore, { blocId: ids.blocId, year: 2013 });
    // Plant a document no event made: only a rebuild removes it.
    const state = (await projectionStore.getState(STANDINGS_PROJECTION))!;
    await projectionStore.commit(STANDINGS_PROJECTION, {
      version: state.version,
      expectedCheckpoint: state.checkpoint,
      checkpoint: state.checkpoint!,
      changes: new Map([['planted', { stale: true }]]),
    });

    const run = (projection: Projection) => createProjectionRunner({ eventStore: ids.log.eventStore, projectionStore, projection }).catchUp();
    await run(standingsProjection);
    expect(await projectionStore.getDocument(STANDINGS_PROJECTION, 'planted')).toEqual({ stale: true });

    const bumped: Projection<StandingsDoc> = { ...standingsProjection, version: standingsProjection.version + 1 };
    await run(bumped);
    expect(await projectionStore.getDocument(STANDINGS_PROJECTION, 'planted')).toBeUndefined();
    expect(await projectionStore.getState(STANDINGS_PROJECTION)).toEqual({ version: bumped.version, checkpoint: state.checkpoint });
    expect(await getYearEndStandings(projectionStore, { blocId: ids.blocId, year: 2013 })).toEqual(expected);
  });

  it('stops a throwing projection with an error naming the event, keeping its last good checkpoint', async () => {
    const ids = await campaignLog();
    // The runner reads pages of the events the projection handles; with 4 a page, the failing event's page starts here.
    const handled = (await readAllEvents(ids.log.eventStore)).filter((e) => standingsProjection.handles.includes(e.type));
    const index = handled.findIndex((e) => e.type === 'ScoreRecorded' && e.streamId === `pledge-${ids.pledgeId('b')}`);
    const failing = handled[index]!;
    const lastGood = handled[index - (index % 4) - 1]!;
    expect(index % 4).toBeGreaterThan(0); // so the failed page holds applied events that must be dropped
    const broken: Projection<StandingsDoc> = {
      ...standingsProjection,
      apply(event, docs) {
        standingsProjection.apply(event, docs);
        // After the real apply has changed the campaign document: that change must not be stored.
        if (event.position === failing.position) throw new Error('boom');
      },
    };
    const projectionStore = createInMemoryProjectionStore();
    const runner = createProjectionRunner({ eventStore: ids.log.eventStore, projectionStore, projection: broken, batchSize: 4 });
    const error = await runner.catchUp().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'projection_failed',
      details: { projection: 'standings', type: 'ScoreRecorded', streamId: failing.streamId, revision: failing.revision, position: failing.position },
    });
    expect((error as Error).message).toContain(`ScoreRecorded at ${failing.streamId}@${failing.revision}`);
    expect((error as Error).message).toContain('boom');

    // The checkpoint is the end of the last whole batch before the failing event, and the
    // documents are exactly those of a replay up to it: nothing of the failed batch was kept.
    const state = (await projectionStore.getState(STANDINGS_PROJECTION))!;
    expect(state.checkpoint).toBe(lastGood.position);
    expect(await getYearEndStandings(projectionStore, { blocId: ids.blocId, year: 2013 })).toEqual(
      await getYearEndStandingsAsOf({ eventStore: ids.log.eventStore, blocId: ids.blocId, year: 2013, asOf: { position: state.checkpoint! } }),
    );

    // Running live fails the same way, through `done`.
    const live = createProjectionRunner({ eventStore: ids.log.eventStore, projectionStore: createInMemoryProjectionStore(), projection: broken });
    await expect(live.start().done).rejects.toMatchObject({ code: 'projection_failed', details: { position: failing.position } });
    await live.stop();
  });

  it('follows new events live; readers wait for a position, or time out with `timeout`', async () => {
    const ids = await campaignLog();
    const projectionStore = createInMemoryProjectionStore();
    const projections = createThiduaProjections({ eventStore: ids.log.eventStore, projectionStore });
    const { done } = projections.start();
    try {
      const { position } = await ids.log.append('MemberAdmitted', {
        blocId: ids.blocId,
        unitId: 'moi',
        unitName: 'Đơn vị mới',
        admittedAt: on('2014-03-01'),
      });
      const trail = await getAuditTrail(projectionStore, { unitId: 'moi', waitFor: { position, timeoutMs: 10_000 } });
      expect(trail.map((e) => e.type)).toEqual(['MemberAdmitted']);
      await projections.waitForPosition(position, { timeoutMs: 10_000 });
      const progress = await getCampaignProgress(projectionStore, { campaignId: ids.campaignId, waitFor: { position } });
      expect(progress!.notSigned).toEqual([{ unitId: 'moi', unitName: 'Đơn vị mới' }]);

      const beyond = position + 100n;
      await expect(
        getYearEndStandings(projectionStore, { blocId: ids.blocId, year: 2013, waitFor: { position: beyond, timeoutMs: 20 } }),
      ).rejects.toMatchObject({ code: 'timeout', name: 'TimeoutError', details: { projection: 'standings', position: beyond } });
      await expect(getChairHistory(projectionStore, { blocId: ids.blocId, waitFor: { position: beyond, timeoutMs: 20 } })).rejects.toMatchObject({
        code: 'timeout',
      });
      await expect(projections.waitForPosition(beyond, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'timeout' });
    } finally {
      await projections.stop();
    }
    await expect(done).resolves.toBeUndefined();
  });

  it('runs each projection in one process at a time with leases, the other taking over when it stops', async () => {
    const ids = await campaignLog();
    const projectionStore = createInMemoryProjectionStore();
    const leases = createInMemoryProjectionLeases();
    // A long ttl so a slow machine never loses a lease mid-test; stop() releases it, and the other retries every 10 ms.
    const lease = (owner: string) => ({ leases, owner, ttlMs: 30_000, retryMs: 10 });
    const first = createThiduaProjections({ eventStore: ids.log.eventStore, projectionStore, lease: lease('may-1') });
    const second = createThiduaProjections({ eventStore: ids.log.eventStore, projectionStore, lease: lease('may-2') });
    const admit = (unitId: string) =>
      ids.log.append('MemberAdmitted', { blocId: ids.blocId, unitId, unitName: unitId, admittedAt: on('2014-03-01') });
    first.start();
    await first.waitForPosition((await ids.log.eventStore.headPosition())!, { timeoutMs: 10_000 });
    second.start();
    try {
      const one = await admit('moi-1');
      await first.waitForPosition(one.position, { timeoutMs: 10_000 });
      for (const projection of thiduaProjections) expect((await leases.holder(projection.name))?.owner).toBe('may-1');

      await first.stop();
      const two = await admit('moi-2');
      await second.waitForPosition(two.position, { timeoutMs: 10_000 });
      for (const projection of thiduaProjections) expect((await leases.holder(projection.name))?.owner).toBe('may-2');
      expect((await getAuditTrail(projectionStore, { streamId: `bloc-${ids.blocId}` })).map((e) => e.data)).toContainEqual(
        expect.objectContaining({ unitId: 'moi-2' }),
      );
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});

async function readAllEvents(eventStore: import('@thidua/eventsourcing').EventStore) {
  const events = [];
  for await (const event of eventStore.readAll()) events.push(event);
  return events;
}
