import { createInMemoryProjectionStore } from '@thidua/eventsourcing';
import { getCampaignProgress } from '../readers';
import { createThiduaProjections } from '../thidua-projections';
import { createTestLog, on, seedCampaign } from '../thidua-log.test-helper';

describe('campaign-progress projection', () => {
  it('tells who has signed, who has not, and which criteria each pledge has at which assessor level', async () => {
    const log = createTestLog();
    const { blocId, campaignId, pledgeId } = await seedCampaign(log, { units: { a: 'Đơn vị A', b: 'Đơn vị B' }, criteria: ['c1', 'c2', 'c3'] });
    await log.append('MemberAdmitted', { blocId, unitId: 'c', unitName: 'Đơn vị C', admittedAt: on('2013-03-01') });
    await log.append('MemberAdmitted', { blocId, unitId: 'd', unitName: 'Đơn vị D', admittedAt: on('2013-03-01') });
    await log.append('MemberRemoved', { blocId, unitId: 'd', reason: 'Giải thể', removedAt: on('2013-04-01') });
    const score = (unitId: string, criterionId: string, assessor: 'self' | 'cross' | 'verified') =>
      log.append('ScoreRecorded', { pledgeId: pledgeId(unitId), criterionId, points: 5, assessor, scoredAt: on('2013-11-01') });
    await score('a', 'c1', 'verified');
    await score('a', 'c1', 'self');
    await score('a', 'c2', 'cross');
    await score('a', 'c3', 'verified');
    await score('b', 'c2', 'self');

    const projectionStore = createInMemoryProjectionStore();
    const projections = createThiduaProjections({ eventStore: log.eventStore, projectionStore });
    await projections.catchUp();
    const progress = await getCampaignProgress(projectionStore, { campaignId });
    expect(progress).toEqual({
      campaignId,
      blocId,
      year: 2013,
      title: 'Phong trào thi đua năm 2013',
      phase: 'scoring',
      criteria: ['c1', 'c2', 'c3'],
      pledges: [
        {
          pledgeId: pledgeId('a'),
          unitId: 'a',
          unitName: 'Đơn vị A',
          signedBy: 'Giám đốc a',
          signedAt: on('2013-01-15'),
          status: 'active',
          scored: [
            { criterionId: 'c1', level: 'verified', levels: ['self', 'verified'] },
            { criterionId: 'c2', level: 'cross', levels: ['cross'] },
            { criterionId: 'c3', level: 'verified', levels: ['verified'] },
          ],
          unscored: [],
        },
        {
          pledgeId: pledgeId('b'),
          unitId: 'b',
          unitName: 'Đơn vị B',
          signedBy: 'Giám đốc b',
          signedAt: on('2013-01-15'),
          status: 'active',
          scored: [{ criterionId: 'c2', level: 'self', levels: ['self'] }],
          unscored: ['c1', 'c3'],
        },
      ],
      notSigned: [{ unitId: 'c', unitName: 'Đơn vị C' }],
      counts: { members: 3, signed: 2, fullyScored: 1, fullyVerified: 0 },
    });

    await score('a', 'c2', 'verified');
    await log.append('PledgeWithdrawn', { pledgeId: pledgeId('b'), reason: 'Rút', at: on('2013-12-01') });
    await log.append('ScoringClosed', { campaignId, at: on('2014-01-31') });
    await projections.catchUp();
    const later = await getCampaignProgress(projectionStore, { campaignId });
    expect(later).toMatchObject({ phase: 'scoring-closed', counts: { members: 3, signed: 2, fullyScored: 1, fullyVerified: 1 } });
    expect(later!.pledges[1]!.status).toBe('withdrawn');
    await log.append('CampaignClosed', { campaignId, closedAt: on('2014-02-28') });
    await projections.catchUp();
    expect((await getCampaignProgress(projectionStore, { campaignId }))!.phase).toBe('closed');
    expect(await getCampaignProgress(projectionStore, { campaignId: 'none' })).toBeNull();
  });
});
