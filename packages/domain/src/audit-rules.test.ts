import type { RecordedEvent } from '@thidua/eventsourcing';
import { rankForMissingPledgeRule, scoreAfterScoringClosedRule } from './audit-rules';

let position = 0n;
const event = (type: string, streamId: string, data: Record<string, unknown>): RecordedEvent => ({
  id: `e-${++position}`,
  streamId,
  revision: 0n,
  position,
  type,
  schemaVersion: 1,
  data,
  metadata: { prevHash: null, hash: 'h' } as RecordedEvent['metadata'],
  recordedAt: '2026-01-01T00:00:00.000Z',
});

describe('the domain audit rules', () => {
  it('names a score or an adjustment recorded after its campaign closed scoring, and no other', () => {
    const run = scoreAfterScoringClosedRule.start();
    expect(run.check(event('ScoreRecorded', 'pledge-c1.u1', { pledgeId: 'c1.u1', points: 1 }))).toBeNull();
    expect(run.check(event('ScoringClosed', 'campaign-c1', { campaignId: 'c1' }))).toBeNull();
    expect(run.check(event('ScoreRecorded', 'pledge-c2.u1', { pledgeId: 'c2.u1', points: 1 }))).toBeNull();
    expect(run.check(event('ScoreRecorded', 'pledge-c1.u1', { pledgeId: 'c1.u1', points: 1 }))).toMatch(/^ScoreRecorded for pledge c1.u1 after scoring of campaign c1 closed/);
    expect(run.check(event('AdjustmentRecorded', 'pledge-c1.u2', { pledgeId: 'c1.u2' }))).toMatch(/^AdjustmentRecorded for pledge c1.u2/);
  });

  it('names a rank for a pledge whose stream is not in the log', () => {
    const run = rankForMissingPledgeRule.start();
    const kept = event('RankAssigned', 'campaign-c1', { pledgeId: 'c1.u1' });
    const orphan = event('RankAssigned', 'campaign-c1', { pledgeId: 'c1.u2' });
    expect([run.check(kept), run.check(orphan)]).toEqual([null, null]);
    const found = run.finish!({ streamExists: (streamId) => streamId === 'pledge-c1.u1' });
    expect(found).toEqual([{ event: orphan, problem: 'RankAssigned for pledge c1.u2, but the log holds no stream pledge-c1.u2' }]);
  });
});
