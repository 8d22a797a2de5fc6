import { deciderSpec } from '@thidua/eventsourcing/testing';
import {
  adjustmentRecorded,
  at,
  auditor,
  awardProposed,
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
  CRITERIA,
  CT,
  flagTransferred,
  memberActor,
  memberRemoved,
  NN,
  OUTSIDER,
  pledgeDisqualified,
  pledgeSigned,
  pledgeWithdrawn,
  rankAssigned,
  reviewHeld,
  scoreRecorded,
  scoringClosed,
  scoringOpened,
  signedPledge,
  stranger,
  TT,
  VQG,
  XD,
  YEAR,
} from '../fixtures.test-helper';
import type { SignedPledge } from '../pledge/pledge.state';
import { RULES } from '../rules';
import { campaignDecider, type CampaignContext } from './campaign.decider';
import type { CampaignEvent } from './campaign.events';

const spec = deciderSpec(campaignDecider);
const chair = chairActor(TT);
const context = (pledges: readonly SignedPledge[] = []): CampaignContext => ({ bloc: blocState(), pledges });

const launch = (actor = chair, extra: { awardQuotas?: { 'provincial-flag'?: number; 'certificate-of-merit'?: number }; year?: number } = {}) =>
  cmd('LaunchCampaign', actor, {
    campaignId: CAMPAIGN,
    blocId: BLOC,
    year: extra.year ?? YEAR,
    title: 'Phong trào thi đua năm 2013',
    criteria: CRITERIA,
    bonusCap: 2,
    launchedAt: at('2013-01-15'),
    ...(extra.awardQuotas ? { awardQuotas: extra.awardQuotas } : {}),
  });
const openScoring = (actor = chair) => cmd('OpenScoring', actor, { campaignId: CAMPAIGN, at: at('2013-11-01') });
const closeScoring = (actor = chair) => cmd('CloseScoring', actor, { campaignId: CAMPAIGN, at: at('2014-01-31') });
const holdReview = (kind: 'mid-year' | 'year-end', hostUnitId = TT, actor = chair) =>
  cmd('HoldReview', actor, { campaignId: CAMPAIGN, kind, hostUnitId, heldAt: at(kind === 'mid-year' ? '2013-07-10' : '2014-02-13') });
const rankByScoreCmd = (actor = chair) => cmd('AssignRanks', actor, { campaignId: CAMPAIGN, basis: 'score', assignedAt: at('2014-02-13') });
const rankByVote = (ranks: { unitId: string; rank: number }[], actor = chair) =>
  cmd('AssignRanks', actor, { campaignId: CAMPAIGN, basis: 'vote', ranks, assignedAt: at('2014-02-13') });
const propose = (unitId: string, award: 'provincial-flag' | 'government-flag' | 'certificate-of-merit', actor = chair) =>
  cmd('ProposeAward', actor, { campaignId: CAMPAIGN, unitId, award, proposedAt: at('2014-02-14') });
const close = (actor = chair) => cmd('CloseCampaign', actor, { campaignId: CAMPAIGN, closedAt: at('2014-03-01') });

const launched: CampaignEvent[] = [campaignLaunched()];
const scoring: CampaignEvent[] = [...launched, scoringOpened];
const closedScoring: CampaignEvent[] = [...scoring, scoringClosed];

/** Pledges with totals NN 20, CT 18.5, TT 18.5 (bonus 3 capped at 2, deduction 1), XD 10, VQG withdrawn. */
function pledges(): SignedPledge[] {
  return [
    signedPledge([pledgeSigned(NN), scoreRecorded(NN, 'c1', 10), scoreRecorded(NN, 'c2', 10)]),
    signedPledge([pledgeSigned(CT), scoreRecorded(CT, 'c1', 9.25), scoreRecorded(CT, 'c2', 9.25)]),
    signedPledge([pledgeSigned(TT), scoreRecorded(TT, 'c1', 8.5), adjustmentRecorded(TT, 'bonus', 3), adjustmentRecorded(TT, 'deduction', 1), scoreRecorded(TT, 'c2', 9)]),
    signedPledge([pledgeSigned(XD), scoreRecorded(XD, 'c1', 10)]),
    signedPledge([pledgeSigned(VQG), scoreRecorded(VQG, 'c1', 10), pledgeWithdrawn(VQG)]),
  ];
}
const ranked: CampaignEvent[] = [...closedScoring, rankAssigned(NN, 1, 20), rankAssigned(CT, 2, 18.5), rankAssigned(TT, 2, 18.5), rankAssigned(XD, 4, 10)];

describe('campaign decider', () => {
  describe('LaunchCampaign', () => {
    it('the chair of the year launches it; missing quotas take the defaults', () => {
      spec.given([]).when(launch(), context()).then([campaignLaunched()]);
    });
    it('keeps the quotas given and fills only the missing ones', () => {
      spec
        .given([])
        .when(launch(council, { awardQuotas: { 'provincial-flag': 2, 'certificate-of-merit': 5 } }), context())
        .then([campaignLaunched({ awardQuotas: { 'provincial-flag': 2, 'government-flag': 1, 'certificate-of-merit': 5 } })]);
    });
    it('rejects a second launch (campaign.already_launched)', () => {
      spec.given(launched).when(launch(), context()).thenThrows('rule_violated', RULES.campaignAlreadyLaunched);
    });
    it('rejects a second campaign of the same bloc and year (campaign.year_taken)', () => {
      spec
        .given([])
        .when(launch(), { ...context(), campaignsOfYear: ['other-2013'] })
        .thenThrows('rule_violated', RULES.campaignYearTaken);
    });
    it('is not_found when the bloc does not exist', () => {
      spec.given([]).when(launch(council), { bloc: { established: false }, pledges: [] }).thenThrows('not_found');
    });
    it('forbids the chair of another year: the chair is read from the bloc for the campaign’s year', () => {
      const bloc = blocState([...blocHistory(), flagTransferred(TT, XD, 2014)]);
      spec.given([]).when(launch(chairActor(XD)), { bloc, pledges: [] }).thenThrows('forbidden');
      spec.given([]).when(launch(chairActor(TT), { year: 2014 }), { bloc, pledges: [] }).thenThrows('forbidden');
    });
    it('forbids any chair when nobody holds the flag for that year', () => {
      spec.given([]).when(launch(chairActor(TT), { year: 2012 }), context()).thenThrows('forbidden');
    });
    it.each([['a member', memberActor(NN)], ['an auditor', auditor], ['an unknown role', stranger]])('forbids %s', (_who, actor) => {
      spec.given([]).when(launch(actor), context()).thenThrows('forbidden');
    });
  });

  describe('OpenScoring / CloseScoring', () => {
    it('opens scoring of a launched campaign', () => {
      spec.given(launched).when(openScoring(), context()).then([scoringOpened]);
    });
    it('closes open scoring', () => {
      spec.given(scoring).when(closeScoring(), context()).then([scoringClosed]);
    });
    it('is not_found when the campaign does not exist', () => {
      spec.given([]).when(openScoring(), context()).thenThrows('not_found');
      spec.given([]).when(closeScoring(), context()).thenThrows('not_found');
    });
    it('rejects opening twice, or after scoring closed (campaign.scoring_already_opened)', () => {
      spec.given(scoring).when(openScoring(), context()).thenThrows('rule_violated', RULES.campaignScoringAlreadyOpened);
      spec.given(closedScoring).when(openScoring(), context()).thenThrows('rule_violated', RULES.campaignScoringAlreadyOpened);
    });
    it('rejects closing scoring that is not open (campaign.scoring_not_open)', () => {
      spec.given(launched).when(closeScoring(), context()).thenThrows('rule_violated', RULES.campaignScoringNotOpen);
    });
    it('rejects closing scoring twice (campaign.scoring_closed)', () => {
      spec.given(closedScoring).when(closeScoring(), context()).thenThrows('rule_violated', RULES.campaignScoringClosed);
    });
    it('rejects anything in a closed campaign (campaign.closed)', () => {
      spec.given([...closedScoring, campaignClosed]).when(openScoring(), context()).thenThrows('rule_violated', RULES.campaignClosed);
      spec.given([...closedScoring, campaignClosed]).when(closeScoring(), context()).thenThrows('rule_violated', RULES.campaignClosed);
    });
    it.each([['a member', memberActor(TT)], ['an auditor', auditor], ['another unit’s chair', chairActor(XD)]])('forbids %s', (_who, actor) => {
      spec.given(launched).when(openScoring(actor), context()).thenThrows('forbidden');
      spec.given(scoring).when(closeScoring(actor), context()).thenThrows('forbidden');
    });
  });

  describe('HoldReview', () => {
    it('records a review hosted by a member unit', () => {
      spec.given(scoring).when(holdReview('mid-year'), context()).then([reviewHeld('mid-year')]);
      spec.given(closedScoring).when(holdReview('year-end', TT, council), context()).then([reviewHeld('year-end')]);
    });
    it('rejects a host that is not a member (review.host_not_member)', () => {
      spec.given(scoring).when(holdReview('mid-year', OUTSIDER), context()).thenThrows('rule_violated', RULES.reviewHostNotMember);
    });
    it('rejects a second review of the same kind (review.already_held)', () => {
      spec.given([...scoring, reviewHeld('mid-year')]).when(holdReview('mid-year'), context()).thenThrows('rule_violated', RULES.reviewAlreadyHeld);
    });
    it('rejects a mid-year review after the year-end one (review.out_of_order)', () => {
      spec.given([...closedScoring, reviewHeld('year-end')]).when(holdReview('mid-year'), context()).thenThrows('rule_violated', RULES.reviewOutOfOrder);
    });
    it('rejects a review of a closed campaign (campaign.closed)', () => {
      spec.given([...closedScoring, campaignClosed]).when(holdReview('year-end'), context()).thenThrows('rule_violated', RULES.campaignClosed);
    });
    it('is not_found when the campaign does not exist', () => {
      spec.given([]).when(holdReview('year-end'), context()).thenThrows('not_found');
    });
    it.each([['a member', memberActor(TT)], ['an auditor', auditor]])('forbids %s', (_who, actor) => {
      spec.given(scoring).when(holdReview('mid-year', TT, actor), context()).thenThrows('forbidden');
    });
  });

  describe('AssignRanks', () => {
    it('basis score: ranks active pledges by exact total; ties share a rank (1, 2, 2, 4), ordered by unitId', () => {
      spec.given(closedScoring).when(rankByScoreCmd(), context(pledges())).then(ranked.slice(closedScoring.length));
    });
    it('basis vote: takes the ballot’s ranks, with each pledge’s total, ordered by rank then unitId', () => {
      spec
        .given(closedScoring)
        .when(rankByVote([{ unitId: XD, rank: 4 }, { unitId: TT, rank: 3 }, { unitId: NN, rank: 1 }, { unitId: CT, rank: 2 }]), context(pledges()))
        .then([rankAssigned(NN, 1, 20, 'vote'), rankAssigned(CT, 2, 18.5, 'vote'), rankAssigned(TT, 3, 18.5, 'vote'), rankAssigned(XD, 4, 10, 'vote')]);
    });
    it('leaves out disqualified pledges and pledges of other campaigns', () => {
      const others = signedPledge([pledgeSigned(TT, 'other-campaign')]);
      const list = [...pledges().filter((p) => p.unitId !== CT && p.unitId !== TT), signedPledge([pledgeSigned(CT), pledgeDisqualified(CT)]), others];
      spec.given(closedScoring).when(rankByScoreCmd(), context(list)).then([rankAssigned(NN, 1, 20), rankAssigned(XD, 2, 10)]);
    });
    it('rejects a ballot that leaves out an eligible pledge (ranks.incomplete)', () => {
      spec
        .given(closedScoring)
        .when(rankByVote([{ unitId: NN, rank: 1 }, { unitId: CT, rank: 2 }, { unitId: TT, rank: 3 }]), context(pledges()))
        .thenThrows('rule_violated', RULES.ranksIncomplete);
    });
    it('rejects a ballot naming a unit twice (ranks.duplicate_unit)', () => {
      spec
        .given(closedScoring)
        .when(rankByVote([{ unitId: NN, rank: 1 }, { unitId: CT, rank: 2 }, { unitId: TT, rank: 3 }, { unitId: XD, rank: 4 }, { unitId: XD, rank: 5 }]), context(pledges()))
        .thenThrows('rule_violated', RULES.ranksDuplicateUnit);
    });
    it('rejects a ballot naming a withdrawn pledge (ranks.unknown_unit)', () => {
      spec
        .given(closedScoring)
        .when(rankByVote([{ unitId: NN, rank: 1 }, { unitId: CT, rank: 2 }, { unitId: TT, rank: 3 }, { unitId: XD, rank: 4 }, { unitId: VQG, rank: 5 }]), context(pledges()))
        .thenThrows('rule_violated', RULES.ranksUnknownUnit);
    });
    it.each([
      ['a gap', [1, 2, 3, 5]],
      ['a tie not followed by a skip', [1, 2, 2, 3]],
      ['no first place', [2, 2, 3, 4]],
    ])('rejects ranks with %s (ranks.invalid)', (_what, ranks) => {
      const units = [NN, CT, TT, XD];
      spec
        .given(closedScoring)
        .when(rankByVote(units.map((unitId, i) => ({ unitId, rank: ranks[i]! }))), context(pledges()))
        .thenThrows('rule_violated', RULES.ranksInvalid);
    });
    it('rejects ranking without any active pledge (ranks.no_eligible_pledges)', () => {
      spec.given(closedScoring).when(rankByScoreCmd(), context([])).thenThrows('rule_violated', RULES.ranksNoEligiblePledges);
    });
    it('rejects ranking while scoring is open or not yet open (campaign.scoring_not_closed)', () => {
      spec.given(scoring).when(rankByScoreCmd(), context(pledges())).thenThrows('rule_violated', RULES.campaignScoringNotClosed);
      spec.given(launched).when(rankByScoreCmd(), context(pledges())).thenThrows('rule_violated', RULES.campaignScoringNotClosed);
    });
    it('rejects re-ranking once awards are proposed (ranks.awards_proposed)', () => {
      spec.given([...ranked, awardProposed(NN, 'provincial-flag')]).when(rankByScoreCmd(), context(pledges())).thenThrows('rule_violated', RULES.ranksAwardsProposed);
    });
    it('rejects ranking a closed campaign (campaign.closed)', () => {
      spec.given([...ranked, campaignClosed]).when(rankByScoreCmd(), context(pledges())).thenThrows('rule_violated', RULES.campaignClosed);
    });
    it.each([['a member', memberActor(NN)], ['an auditor', auditor], ['another unit’s chair', chairActor(NN)]])('forbids %s', (_who, actor) => {
      spec.given(closedScoring).when(rankByScoreCmd(actor), context(pledges())).thenThrows('forbidden');
    });
    it('a later ranking supersedes the earlier one, even right after it', () => {
      const state = campaignState([...ranked, rankAssigned(CT, 1, 18.5, 'vote'), rankAssigned(NN, 2, 20, 'vote'), rankAssigned(TT, 3, 18.5, 'vote')]);
      if (!state.launched) throw new Error('expected a campaign');
      expect(state.rankings).toBe(2);
      expect(state.ranking).toEqual({
        basis: 'vote',
        assignedAt: at('2014-02-13'),
        rows: [
          { unitId: CT, pledgeId: `${CAMPAIGN}.${CT}`, rank: 1, totalPoints: 18.5 },
          { unitId: NN, pledgeId: `${CAMPAIGN}.${NN}`, rank: 2, totalPoints: 20 },
          { unitId: TT, pledgeId: `${CAMPAIGN}.${TT}`, rank: 3, totalPoints: 18.5 },
        ],
      });
    });
  });

  describe('ProposeAward', () => {
    it('proposes a flag to a unit ranked within the flags allowed, and certificates to others', () => {
      spec.given(ranked).when(propose(NN, 'provincial-flag'), context(pledges())).then([awardProposed(NN, 'provincial-flag')]);
      spec.given(ranked).when(propose(CT, 'government-flag'), context(pledges())).then([awardProposed(CT, 'government-flag')]);
      spec.given(ranked).when(propose(XD, 'certificate-of-merit', council), context(pledges())).then([awardProposed(XD, 'certificate-of-merit')]);
    });
    it('rejects an award before any ranking (award.not_ranked)', () => {
      spec.given(closedScoring).when(propose(NN, 'certificate-of-merit'), context(pledges())).thenThrows('rule_violated', RULES.awardNotRanked);
    });
    it('rejects an award to a unit without a rank (award.not_ranked)', () => {
      spec.given(ranked).when(propose(VQG, 'certificate-of-merit'), context(pledges())).thenThrows('rule_violated', RULES.awardNotRanked);
    });
    it('rejects a second award to one unit (award.one_per_unit)', () => {
      spec.given([...ranked, awardProposed(NN, 'provincial-flag')]).when(propose(NN, 'certificate-of-merit'), context(pledges())).thenThrows('rule_violated', RULES.awardOnePerUnit);
    });
    it('rejects an award beyond its quota (award.quota_exceeded)', () => {
      spec.given([...ranked, awardProposed(NN, 'provincial-flag')]).when(propose(CT, 'provincial-flag'), context(pledges())).thenThrows('rule_violated', RULES.awardQuotaExceeded);
      const noCertificates = [campaignLaunched({ awardQuotas: { 'provincial-flag': 1, 'government-flag': 1, 'certificate-of-merit': 0 } }), ...ranked.slice(1)];
      spec.given(noCertificates).when(propose(XD, 'certificate-of-merit'), context(pledges())).thenThrows('rule_violated', RULES.awardQuotaExceeded);
    });
    it('rejects a flag to a unit ranked below the number of flags allowed (award.flag_rank_too_low)', () => {
      spec.given(ranked).when(propose(XD, 'government-flag'), context(pledges())).thenThrows('rule_violated', RULES.awardFlagRankTooLow);
      const oneFlag = [campaignLaunched({ awardQuotas: { 'provincial-flag': 1, 'government-flag': 0, 'certificate-of-merit': 3 } }), ...ranked.slice(1)];
      spec.given(oneFlag).when(propose(CT, 'provincial-flag'), context(pledges())).thenThrows('rule_violated', RULES.awardFlagRankTooLow);
    });
    it('rejects an award to a pledge withdrawn or disqualified after ranking (award.pledge_inactive)', () => {
      const list = pledges().map((p) => (p.unitId === NN ? signedPledge([pledgeSigned(NN), pledgeDisqualified(NN)]) : p));
      spec.given(ranked).when(propose(NN, 'provincial-flag'), context(list)).thenThrows('rule_violated', RULES.awardPledgeInactive);
      const withdrawn = pledges().map((p) => (p.unitId === CT ? signedPledge([pledgeSigned(CT), pledgeWithdrawn(CT)]) : p));
      spec.given(ranked).when(propose(CT, 'certificate-of-merit'), context(withdrawn)).thenThrows('rule_violated', RULES.awardPledgeInactive);
    });
    it('rejects an award while scoring is open (campaign.scoring_not_closed) or after closing (campaign.closed)', () => {
      spec.given(scoring).when(propose(NN, 'provincial-flag'), context(pledges())).thenThrows('rule_violated', RULES.campaignScoringNotClosed);
      spec.given([...ranked, campaignClosed]).when(propose(NN, 'provincial-flag'), context(pledges())).thenThrows('rule_violated', RULES.campaignClosed);
    });
    it.each([['a member', memberActor(NN)], ['an auditor', auditor]])('forbids %s', (_who, actor) => {
      spec.given(ranked).when(propose(NN, 'provincial-flag', actor), context(pledges())).thenThrows('forbidden');
    });
  });

  describe('CloseCampaign', () => {
    it('closes a campaign whose scoring is closed', () => {
      spec.given(ranked).when(close(), context()).then([campaignClosed]);
    });
    it('rejects closing while scoring is open (campaign.scoring_not_closed)', () => {
      spec.given(scoring).when(close(), context()).thenThrows('rule_violated', RULES.campaignScoringNotClosed);
    });
    it('rejects closing twice (campaign.closed)', () => {
      spec.given([...ranked, campaignClosed]).when(close(), context()).thenThrows('rule_violated', RULES.campaignClosed);
    });
    it('is not_found when the campaign does not exist', () => {
      spec.given([]).when(close(), context()).thenThrows('not_found');
    });
    it('forbids a member, and a chair actor whose unit does not hold the flag (even a removed one)', () => {
      spec.given(ranked).when(close(memberActor(TT)), context()).thenThrows('forbidden');
      const bloc = blocState([...blocHistory(), memberRemoved(CT)]);
      spec.given(ranked).when(close(chairActor(CT)), { bloc, pledges: [] }).thenThrows('forbidden');
    });
    it('forbids an unknown role', () => {
      spec.given(ranked).when(close(stranger), context()).thenThrows('forbidden');
    });
  });
});
