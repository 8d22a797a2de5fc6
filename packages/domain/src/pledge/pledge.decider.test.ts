import { pledgeTotal } from '../scoring';
import { deciderSpec } from '@thidua/eventsourcing/testing';
import type { CampaignEvent } from '../campaign/campaign.events';
import {
  adjustmentRecorded,
  at,
  auditor,
  BLOC,
  blocHistory,
  blocState,
  CAMPAIGN,
  campaignClosed,
  campaignLaunched,
  campaignState,
  chairActor,
  cmd,
  council,
  CT,
  memberActor,
  memberRemoved,
  NN,
  OUTSIDER,
  pledgeDisqualified,
  pledgeSigned,
  pledgeWithdrawn,
  scoreRecorded,
  scoringClosed,
  scoringOpened,
  stranger,
  TT,
  XD,
} from '../fixtures.test-helper';
import { RULES } from '../rules';
import { pledgeIdOf } from '../streams';
import { pledgeDecider, type PledgeContext } from './pledge.decider';
import type { PledgeEvent } from './pledge.events';

const spec = deciderSpec(pledgeDecider);
const PLEDGE = pledgeIdOf(CAMPAIGN, NN);
const chair = chairActor(TT);
const member = memberActor(NN);

const launched: CampaignEvent[] = [campaignLaunched()];
const scoring: CampaignEvent[] = [...launched, scoringOpened];
const closedScoring: CampaignEvent[] = [...scoring, scoringClosed];
const closed: CampaignEvent[] = [...closedScoring, campaignClosed];
const during = (campaignEvents: CampaignEvent[]): PledgeContext => ({ campaign: campaignState(campaignEvents), bloc: blocState() });

const sign = (unitId = NN, actor = member, targets = [{ criterionId: 'c1', commitment: 'Hoàn thành 100% kế hoạch' }]) =>
  cmd('SignPledge', actor, { campaignId: CAMPAIGN, unitId, signedBy: `Giám đốc ${unitId}`, targets, signedAt: at('2013-02-01') });
const score = (points: number, assessor: 'self' | 'cross' | 'verified', actor = assessor === 'self' ? member : chair, criterionId = 'c1', note?: string) =>
  cmd('RecordScore', actor, { pledgeId: PLEDGE, criterionId, points, assessor, ...(note ? { note } : {}), scoredAt: at('2013-12-15') });
const adjust = (kind: 'bonus' | 'deduction', points: number, actor = chair) =>
  cmd('RecordAdjustment', actor, { pledgeId: PLEDGE, kind, points, reason: 'Sáng kiến', adjustedAt: at('2013-12-20') });
const disqualify = (actor = chair) => cmd('DisqualifyPledge', actor, { pledgeId: PLEDGE, reason: 'Vi phạm', at: at('2013-12-30') });
const withdraw = (actor = member) => cmd('WithdrawPledge', actor, { pledgeId: PLEDGE, reason: 'Rút đăng ký', at: at('2013-09-01') });

const signed: PledgeEvent[] = [pledgeSigned(NN)];

describe('pledge decider', () => {
  describe('SignPledge', () => {
    it('a member signs its own pledge; pledgeId and blocId are derived', () => {
      spec.given([]).when(sign(), during(launched)).then([pledgeSigned(NN)]);
    });
    it('may sign while scoring is open, and the council may sign for a unit', () => {
      spec.given([]).when(sign(NN, council), during(scoring)).then([pledgeSigned(NN)]);
    });
    it('rejects a second signature (pledge.already_signed)', () => {
      spec.given(signed).when(sign(), during(launched)).thenThrows('rule_violated', RULES.pledgeAlreadySigned);
    });
    it('rejects signing after scoring closed (campaign.signing_closed)', () => {
      spec.given([]).when(sign(), during(closedScoring)).thenThrows('rule_violated', RULES.campaignSigningClosed);
    });
    it('rejects signing in a closed campaign (campaign.closed)', () => {
      spec.given([]).when(sign(), during(closed)).thenThrows('rule_violated', RULES.campaignClosed);
    });
    it('rejects a unit that is not a current member of the bloc (pledge.not_member)', () => {
      spec.given([]).when(sign(OUTSIDER, memberActor(OUTSIDER)), during(launched)).thenThrows('rule_violated', RULES.pledgeNotMember);
      const context = { campaign: campaignState(launched), bloc: blocState([...blocHistory(), memberRemoved(NN)]) };
      spec.given([]).when(sign(), context).thenThrows('rule_violated', RULES.pledgeNotMember);
    });
    it('rejects a target for a criterion the campaign does not have (pledge.unknown_criterion)', () => {
      spec.given([]).when(sign(NN, member, [{ criterionId: 'c9', commitment: 'x' }]), during(launched)).thenThrows('rule_violated', RULES.pledgeUnknownCriterion);
    });
    it('is not_found when the campaign does not exist', () => {
      spec.given([]).when(sign(), { campaign: { launched: false }, bloc: blocState() }).thenThrows('not_found');
    });
    it.each([
      ['a member of another unit', memberActor(CT)],
      ['the chair', chair],
      ['an auditor', auditor],
      ['an unknown role', stranger],
      ['a member without a unit', { id: 'x', role: 'member' }],
    ])('forbids %s to sign for the unit', (_who, actor) => {
      spec.given([]).when(sign(NN, actor), during(launched)).thenThrows('forbidden');
    });
  });

  describe('RecordScore', () => {
    it('the unit records its self score', () => {
      spec.given(signed).when(score(8.25, 'self'), during(scoring)).then([scoreRecorded(NN, 'c1', 8.25, 'self')]);
    });
    it('the chair records cross and verified scores, with a note when given', () => {
      spec.given(signed).when(score(7.5, 'cross'), during(scoring)).then([scoreRecorded(NN, 'c1', 7.5, 'cross')]);
      const noted = scoreRecorded(NN, 'c1', 7, 'verified');
      spec.given(signed).when(score(7, 'verified', chair, 'c1', 'Đoàn kiểm tra'), during(scoring)).then([{ ...noted, data: { ...noted.data, note: 'Đoàn kiểm tra' } } as PledgeEvent]);
    });
    it('accepts exactly the maximum, with decimals', () => {
      spec.given(signed).when(score(5.5, 'verified', council, 'c3'), during(scoring)).then([scoreRecorded(NN, 'c3', 5.5, 'verified')]);
    });
    it('rejects points above the criterion’s maximum (score.exceeds_max)', () => {
      spec.given(signed).when(score(10.01, 'self'), during(scoring)).thenThrows('rule_violated', RULES.scoreExceedsMax);
      spec.given(signed).when(score(5.51, 'verified', chair, 'c3'), during(scoring)).thenThrows('rule_violated', RULES.scoreExceedsMax);
    });
    it('rejects a criterion the campaign does not have (score.unknown_criterion)', () => {
      spec.given(signed).when(score(1, 'self', member, 'c9'), during(scoring)).thenThrows('rule_violated', RULES.scoreUnknownCriterion);
    });
    it('rejects scoring before scoring opens (campaign.scoring_not_open)', () => {
      spec.given(signed).when(score(8, 'self'), during(launched)).thenThrows('rule_violated', RULES.campaignScoringNotOpen);
    });
    it('rejects scoring after scoring closed (campaign.scoring_closed)', () => {
      spec.given(signed).when(score(8, 'verified'), during(closedScoring)).thenThrows('rule_violated', RULES.campaignScoringClosed);
    });
    it('rejects scoring in a closed campaign (campaign.closed)', () => {
      spec.given(signed).when(score(8, 'verified'), during(closed)).thenThrows('rule_violated', RULES.campaignClosed);
    });
    it('rejects scoring a withdrawn or disqualified pledge (pledge.not_active)', () => {
      spec.given([...signed, pledgeWithdrawn(NN)]).when(score(8, 'self'), during(scoring)).thenThrows('rule_violated', RULES.pledgeNotActive);
      spec.given([...signed, pledgeDisqualified(NN)]).when(score(8, 'verified'), during(scoring)).thenThrows('rule_violated', RULES.pledgeNotActive);
    });
    it('is not_found when the pledge does not exist', () => {
      spec.given([]).when(score(8, 'self'), during(scoring)).thenThrows('not_found');
    });
    it.each([
      ['a member scoring another unit', score(8, 'self', memberActor(CT))],
      ['a member recording a cross score', score(8, 'cross', member)],
      ['a member recording a verified score', score(8, 'verified', member)],
      ['the chair recording a self score', score(8, 'self', chair)],
      ['a chair of a unit without the flag', score(8, 'verified', chairActor(XD))],
      ['an auditor', score(8, 'verified', auditor)],
      ['an unknown role', score(8, 'self', stranger)],
    ])('forbids %s', (_who, command) => {
      spec.given(signed).when(command, during(scoring)).thenThrows('forbidden');
    });
  });

  describe('RecordAdjustment', () => {
    it('the chair records a bonus or a deduction', () => {
      spec.given(signed).when(adjust('bonus', 1.5), during(scoring)).then([adjustmentRecorded(NN, 'bonus', 1.5)]);
      spec.given(signed).when(adjust('deduction', 0.25, council), during(scoring)).then([adjustmentRecorded(NN, 'deduction', 0.25)]);
    });
    it('rejects adjustments outside open scoring (campaign.scoring_not_open, campaign.scoring_closed, campaign.closed)', () => {
      spec.given(signed).when(adjust('bonus', 1), during(launched)).thenThrows('rule_violated', RULES.campaignScoringNotOpen);
      spec.given(signed).when(adjust('bonus', 1), during(closedScoring)).thenThrows('rule_violated', RULES.campaignScoringClosed);
      spec.given(signed).when(adjust('bonus', 1), during(closed)).thenThrows('rule_violated', RULES.campaignClosed);
    });
    it('rejects adjusting an inactive pledge (pledge.not_active)', () => {
      spec.given([...signed, pledgeWithdrawn(NN)]).when(adjust('bonus', 1), during(scoring)).thenThrows('rule_violated', RULES.pledgeNotActive);
    });
    it('is not_found when the pledge does not exist', () => {
      spec.given([]).when(adjust('bonus', 1), during(scoring)).thenThrows('not_found');
    });
    it.each([['a member', member], ['an auditor', auditor]])('forbids %s', (_who, actor) => {
      spec.given(signed).when(adjust('bonus', 1, actor), during(scoring)).thenThrows('forbidden');
    });
  });

  describe('DisqualifyPledge', () => {
    it('the chair disqualifies a pledge, also after scoring closed', () => {
      spec.given(signed).when(disqualify(), during(scoring)).then([pledgeDisqualified(NN)]);
      spec.given(signed).when(disqualify(council), during(closedScoring)).then([pledgeDisqualified(NN)]);
    });
    it('rejects an inactive pledge (pledge.not_active)', () => {
      spec.given([...signed, pledgeDisqualified(NN)]).when(disqualify(), during(scoring)).thenThrows('rule_violated', RULES.pledgeNotActive);
      spec.given([...signed, pledgeWithdrawn(NN)]).when(disqualify(), during(scoring)).thenThrows('rule_violated', RULES.pledgeNotActive);
    });
    it('rejects it in a closed campaign (campaign.closed)', () => {
      spec.given(signed).when(disqualify(), during(closed)).thenThrows('rule_violated', RULES.campaignClosed);
    });
    it('is not_found when the pledge does not exist', () => {
      spec.given([]).when(disqualify(), during(scoring)).thenThrows('not_found');
    });
    it.each([['the unit itself', member], ['an auditor', auditor]])('forbids %s', (_who, actor) => {
      spec.given(signed).when(disqualify(actor), during(scoring)).thenThrows('forbidden');
    });
  });

  describe('WithdrawPledge', () => {
    it('the unit withdraws its own pledge, in any phase before closing', () => {
      spec.given(signed).when(withdraw(), during(launched)).then([pledgeWithdrawn(NN)]);
      spec.given(signed).when(withdraw(council), during(closedScoring)).then([pledgeWithdrawn(NN)]);
    });
    it('rejects an inactive pledge (pledge.not_active)', () => {
      spec.given([...signed, pledgeWithdrawn(NN)]).when(withdraw(), during(scoring)).thenThrows('rule_violated', RULES.pledgeNotActive);
    });
    it('rejects it in a closed campaign (campaign.closed)', () => {
      spec.given(signed).when(withdraw(), during(closed)).thenThrows('rule_violated', RULES.campaignClosed);
    });
    it('is not_found when the pledge does not exist', () => {
      spec.given([]).when(withdraw(), during(scoring)).thenThrows('not_found');
    });
    it.each([['another unit', memberActor(CT)], ['the chair', chair], ['an auditor', auditor]])('forbids %s', (_who, actor) => {
      spec.given(signed).when(withdraw(actor), during(scoring)).thenThrows('forbidden');
    });
  });

  it('evolve keeps only the latest score of each criterion and level, so totals are unchanged and the state stays bounded', () => {
    let state = pledgeDecider.initialState();
    const events = [...signed];
    for (let i = 0; i < 500; i += 1) events.push(scoreRecorded(NN, 'c1', (i % 10) + 0.25, 'self'));
    events.push(scoreRecorded(NN, 'c2', 7, 'cross'), scoreRecorded(NN, 'c1', 6, 'cross'), scoreRecorded(NN, 'c2', 5.5, 'cross'));
    for (const event of events) state = pledgeDecider.evolve(state, event);
    if (!state.signed) throw new Error('not signed');
    expect(state.scores.map((s) => [s.criterionId, s.assessor, s.points])).toEqual([
      ['c1', 'self', 9.25],
      ['c1', 'cross', 6],
      ['c2', 'cross', 5.5],
    ]);
    expect(pledgeTotal({ criterionIds: ['c1', 'c2'], bonusCap: 0, scores: state.scores, adjustments: [] }).total).toBe(11.5);
  });

  it('evolve keeps scores and adjustments in stream order and the status with its reason', () => {
    let state = pledgeDecider.initialState();
    for (const event of [...signed, scoreRecorded(NN, 'c1', 8, 'self'), adjustmentRecorded(NN, 'bonus', 1), pledgeWithdrawn(NN)]) {
      state = pledgeDecider.evolve(state, event);
    }
    expect(state).toMatchObject({
      signed: true,
      blocId: BLOC,
      status: 'withdrawn',
      statusReason: 'Rút đăng ký',
      scores: [{ criterionId: 'c1', points: 8, assessor: 'self' }],
      adjustments: [{ kind: 'bonus', points: 1 }],
    });
  });
});
