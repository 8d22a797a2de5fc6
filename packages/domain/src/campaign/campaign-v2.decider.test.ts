/**
 * Domain v2 of the campaign, given/when/then: award catalogues, council
 * decisions, classes (xếp loại) and criteria groups. Every rejection asserts
 * its code and rule, and (through deciderSpec) that nothing was emitted.
 */
import { deciderSpec } from '@thidua/eventsourcing/testing';
import {
  at,
  auditor,
  BLOC,
  blocState,
  CAMPAIGN,
  campaignClosed,
  campaignLaunched,
  chairActor,
  cmd,
  council,
  CT,
  memberActor,
  NN,
  pledgeSigned,
  pledgeWithdrawn,
  rankAssigned,
  scoreRecorded,
  scoringClosed,
  scoringOpened,
  signedPledge,
  TT,
  VQG,
  XD,
  YEAR,
} from '../fixtures.test-helper';
import type { SignedPledge } from '../pledge/pledge.state';
import { RULES } from '../rules';
import type { AwardEntry } from './award-catalogue';
import { campaignDecider, type CampaignContext } from './campaign.decider';
import type { CampaignEvent } from './campaign.events';
import type { Tier } from './classes';

const spec = deciderSpec(campaignDecider);
const chair = chairActor(TT);
const context = (pledges: readonly SignedPledge[] = []): CampaignContext => ({ bloc: blocState(), pledges });

/** Graded flags (hạng Nhất, hạng Nhì) in one group, certificates in another: a unit may get a flag and a certificate. */
const CATALOGUE: AwardEntry[] = [
  { awardId: 'co-hang-nhat', title: 'Cờ thi đua hạng Nhất', kind: 'flag', quota: 3, maxRank: 3, group: 'co' },
  { awardId: 'co-hang-nhi', title: 'Cờ thi đua hạng Nhì', kind: 'flag', quota: 1, maxRank: 4, group: 'co' },
  { awardId: 'bang-khen', title: 'Bằng khen của UBND tỉnh', kind: 'certificate', quota: 2, maxRank: 2, group: 'bang-khen' },
  { awardId: 'tap-the-lao-dong-xuat-sac', title: 'Tập thể lao động xuất sắc', kind: 'title', quota: 5 },
];
const TIERS: Tier[] = [
  { tierId: 'xuat-sac', title: 'Hoàn thành xuất sắc nhiệm vụ', minTotal: 19 },
  { tierId: 'tot', title: 'Hoàn thành tốt nhiệm vụ', minTotal: 15 },
  { tierId: 'hoan-thanh', title: 'Hoàn thành nhiệm vụ', minTotal: 12 },
];

const launchedWith = (extra: { awards?: AwardEntry[]; tiers?: Tier[] }): CampaignEvent => campaignLaunched(extra);

/** Totals NN 20, CT 18.5, TT 16, XD 10; VQG withdrawn. */
function pledges(): SignedPledge[] {
  return [
    signedPledge([pledgeSigned(NN), scoreRecorded(NN, 'c1', 10), scoreRecorded(NN, 'c2', 10)]),
    signedPledge([pledgeSigned(CT), scoreRecorded(CT, 'c1', 9.25), scoreRecorded(CT, 'c2', 9.25)]),
    signedPledge([pledgeSigned(TT), scoreRecorded(TT, 'c1', 8), scoreRecorded(TT, 'c2', 8)]),
    signedPledge([pledgeSigned(XD), scoreRecorded(XD, 'c1', 10)]),
    signedPledge([pledgeSigned(VQG), scoreRecorded(VQG, 'c1', 10), pledgeWithdrawn(VQG)]),
  ];
}
const ranks = [rankAssigned(NN, 1, 20), rankAssigned(CT, 2, 18.5), rankAssigned(TT, 3, 16), rankAssigned(XD, 4, 10)];
const catalogueRanked: CampaignEvent[] = [launchedWith({ awards: CATALOGUE, tiers: TIERS }), scoringOpened, scoringClosed, ...ranks];
const v1Ranked: CampaignEvent[] = [launchedWith({}), scoringOpened, scoringClosed, ...ranks];

const propose = (unitId: string, award: string, actor = chair) => cmd('ProposeAward', actor, { campaignId: CAMPAIGN, unitId, award, proposedAt: at('2014-02-14') });
const proposed = (unitId: string, award: string): CampaignEvent => ({ type: 'AwardProposed', data: { campaignId: CAMPAIGN, unitId, award, proposedAt: at('2014-02-14') } });
const decide = (unitId: string, award: string, outcome: 'granted' | 'declined' = 'granted', actor = council) =>
  cmd('DecideAward', actor, { campaignId: CAMPAIGN, unitId, award, outcome, decisionRef: 'Quyết định số 512/QĐ-UBND', decidedAt: at('2014-04-02') });
const decided = (unitId: string, award: string, outcome: 'granted' | 'declined' = 'granted'): CampaignEvent => ({
  type: 'AwardDecided',
  data: { campaignId: CAMPAIGN, unitId, award, outcome, decisionRef: 'Quyết định số 512/QĐ-UBND', decidedAt: at('2014-04-02') },
});
const classifyByScore = (actor = chair) => cmd('ClassifyPledges', actor, { campaignId: CAMPAIGN, basis: 'score', classifiedAt: at('2014-02-13') });
const classifyByVote = (classes: { unitId: string; tierId: string }[], actor = chair) =>
  cmd('ClassifyPledges', actor, { campaignId: CAMPAIGN, basis: 'vote', classes, classifiedAt: at('2014-02-13') });
const classified = (basis: 'score' | 'vote', classes: [string, string][]): CampaignEvent => ({
  type: 'PledgesClassified',
  data: { campaignId: CAMPAIGN, basis, classes: classes.map(([unitId, tierId]) => ({ unitId, pledgeId: `${CAMPAIGN}.${unitId}`, tierId })), classifiedAt: at('2014-02-13') },
});

describe('campaign decider, domain v2', () => {
  describe('LaunchCampaign with a catalogue, tiers and criteria groups', () => {
    it('writes them as given, without awardQuotas', () => {
      const criteria = [
        { criterionId: 'c1', title: 'Nhiệm vụ chính trị', maxPoints: 10, groupId: 'chuyen-mon' },
        { criterionId: 'c2', title: 'Cải cách hành chính', maxPoints: 10, groupId: 'chuyen-mon' },
        { criterionId: 'c3', title: 'Thi đua, khen thưởng', maxPoints: 5.5 },
      ];
      const groups = [{ groupId: 'chuyen-mon', title: 'Nhiệm vụ chuyên môn' }];
      spec
        .given([])
        .when(
          cmd('LaunchCampaign', chair, { campaignId: CAMPAIGN, blocId: BLOC, year: YEAR, title: 'Phong trào thi đua năm 2013', criteria, bonusCap: 2, awards: CATALOGUE, tiers: TIERS, groups, launchedAt: at('2013-01-15') }),
          { ...context(), campaignsOfYear: [] },
        )
        .then([
          {
            type: 'CampaignLaunched',
            data: { campaignId: CAMPAIGN, blocId: BLOC, year: YEAR, title: 'Phong trào thi đua năm 2013', criteria, bonusCap: 2, awards: CATALOGUE, tiers: TIERS, groups, launchedAt: at('2013-01-15') },
          },
        ]);
    });

    it('folds v1 launches into v1’s three awards, titled, with v1’s flag rule as their maxRank', () => {
      const state = campaignDecider.evolve(campaignDecider.initialState(), launchedWith({}));
      expect(state.launched && state.catalogue).toEqual([
        { awardId: 'provincial-flag', title: 'Cờ thi đua của UBND tỉnh', kind: 'flag', quota: 1, maxRank: 2 },
        { awardId: 'government-flag', title: 'Cờ thi đua của Chính phủ', kind: 'flag', quota: 1, maxRank: 2 },
        { awardId: 'certificate-of-merit', title: 'Bằng khen', kind: 'certificate', quota: 3 },
      ]);
    });
  });

  describe('ProposeAward from a catalogue', () => {
    it('proposes three first-grade flags and one second-grade flag (graded flags are catalogue entries)', () => {
      spec.given(catalogueRanked).when(propose(NN, 'co-hang-nhat'), context(pledges())).then([proposed(NN, 'co-hang-nhat')]);
      const twoFlags = [...catalogueRanked, proposed(NN, 'co-hang-nhat'), proposed(CT, 'co-hang-nhat')];
      spec.given(twoFlags).when(propose(TT, 'co-hang-nhat'), context(pledges())).then([proposed(TT, 'co-hang-nhat')]);
      spec.given([...twoFlags, proposed(TT, 'co-hang-nhat')]).when(propose(XD, 'co-hang-nhi'), context(pledges())).then([proposed(XD, 'co-hang-nhi')]);
    });

    it('lets one unit get a flag and a certificate when they are in different groups', () => {
      spec.given([...catalogueRanked, proposed(NN, 'co-hang-nhat')]).when(propose(NN, 'bang-khen'), context(pledges())).then([proposed(NN, 'bang-khen')]);
    });

    it('rejects an award the catalogue does not offer (award.unknown), v1’s ids included', () => {
      spec.given(catalogueRanked).when(propose(NN, 'provincial-flag'), context(pledges())).thenThrows('rule_violated', RULES.awardUnknown);
      spec.given(v1Ranked).when(propose(NN, 'co-hang-nhat'), context(pledges())).thenThrows('rule_violated', RULES.awardUnknown);
    });

    it('rejects a second award to one unit in one group (award.one_per_unit)', () => {
      spec.given([...catalogueRanked, proposed(NN, 'co-hang-nhat')]).when(propose(NN, 'co-hang-nhi'), context(pledges())).thenThrows('rule_violated', RULES.awardOnePerUnit);
      spec.given([...catalogueRanked, proposed(NN, 'tap-the-lao-dong-xuat-sac')]).when(propose(NN, 'tap-the-lao-dong-xuat-sac'), context(pledges())).thenThrows('rule_violated', RULES.awardOnePerUnit);
    });

    it('rejects an award beyond its quota (award.quota_exceeded)', () => {
      spec.given([...catalogueRanked, proposed(XD, 'co-hang-nhi')]).when(propose(TT, 'co-hang-nhi'), context(pledges())).thenThrows('rule_violated', RULES.awardQuotaExceeded);
    });

    it('rejects a flag to a unit ranked below its maxRank (award.flag_rank_too_low), and any other award so (award.rank_too_low)', () => {
      spec.given(catalogueRanked).when(propose(XD, 'co-hang-nhat'), context(pledges())).thenThrows('rule_violated', RULES.awardFlagRankTooLow);
      spec.given(catalogueRanked).when(propose(TT, 'bang-khen'), context(pledges())).thenThrows('rule_violated', RULES.awardRankTooLow);
    });

    it('still refuses an award to a withdrawn pledge and before ranking', () => {
      const list = pledges().map((p) => (p.unitId === NN ? signedPledge([pledgeSigned(NN), pledgeWithdrawn(NN)]) : p));
      spec.given(catalogueRanked).when(propose(NN, 'co-hang-nhat'), context(list)).thenThrows('rule_violated', RULES.awardPledgeInactive);
      spec.given(catalogueRanked.slice(0, 3)).when(propose(NN, 'co-hang-nhat'), context(pledges())).thenThrows('rule_violated', RULES.awardNotRanked);
    });
  });

  describe('DecideAward: the council’s decision (quyết định khen thưởng)', () => {
    const withProposal = [...catalogueRanked, proposed(NN, 'co-hang-nhat')];

    it('grants or declines a proposed award', () => {
      spec.given(withProposal).when(decide(NN, 'co-hang-nhat'), context()).then([decided(NN, 'co-hang-nhat')]);
      spec.given(withProposal).when(decide(NN, 'co-hang-nhat', 'declined'), context()).then([decided(NN, 'co-hang-nhat', 'declined')]);
    });

    it('is the one command a closed campaign still takes', () => {
      spec.given([...withProposal, campaignClosed]).when(decide(NN, 'co-hang-nhat'), context()).then([decided(NN, 'co-hang-nhat')]);
      spec.given([...withProposal, campaignClosed]).when(propose(CT, 'co-hang-nhat'), context(pledges())).thenThrows('rule_violated', RULES.campaignClosed);
    });

    it('decides v1 proposals too', () => {
      const v1 = [...v1Ranked, proposed(NN, 'provincial-flag'), campaignClosed];
      spec.given(v1).when(decide(NN, 'provincial-flag'), context()).then([decided(NN, 'provincial-flag')]);
    });

    it('rejects a decision on an award not proposed for that unit (decision.not_proposed)', () => {
      spec.given(withProposal).when(decide(CT, 'co-hang-nhat'), context()).thenThrows('rule_violated', RULES.decisionNotProposed);
      spec.given(withProposal).when(decide(NN, 'bang-khen'), context()).thenThrows('rule_violated', RULES.decisionNotProposed);
    });

    it('rejects a second decision on one unit and award (decision.already_decided)', () => {
      spec.given([...withProposal, decided(NN, 'co-hang-nhat')]).when(decide(NN, 'co-hang-nhat', 'declined'), context()).thenThrows('rule_violated', RULES.decisionAlreadyDecided);
    });

    it.each([['the chair', chair], ['a member', memberActor(NN)], ['an auditor', auditor]])('is the council’s alone: forbids %s', (_who, actor) => {
      spec.given(withProposal).when(decide(NN, 'co-hang-nhat', 'granted', actor), context()).thenThrows('forbidden');
    });

    it('is not_found when the campaign does not exist', () => {
      spec.given([]).when(decide(NN, 'co-hang-nhat'), context()).thenThrows('not_found');
    });
  });

  describe('ClassifyPledges (xếp loại)', () => {
    const scored: CampaignEvent[] = [launchedWith({ tiers: TIERS }), scoringOpened, scoringClosed];

    it('by score: each eligible pledge gets the first tier its total reaches; below every threshold, none; best tier first', () => {
      spec
        .given(scored)
        .when(classifyByScore(), context(pledges()))
        .then([classified('score', [[NN, 'xuat-sac'], [CT, 'tot'], [TT, 'tot']])]);
    });

    it('by score: a tier without minTotal takes all the rest', () => {
      const open: Tier[] = [TIERS[0]!, { tierId: 'con-lai', title: 'Hoàn thành nhiệm vụ' }];
      spec
        .given([launchedWith({ tiers: open }), scoringOpened, scoringClosed])
        .when(classifyByScore(council), context(pledges()))
        .then([classified('score', [[NN, 'xuat-sac'], [CT, 'con-lai'], [TT, 'con-lai'], [XD, 'con-lai']])]);
    });

    it('by vote: the classes supplied, every eligible pledge once, ordered by tier then unit', () => {
      const votes = [
        { unitId: XD, tierId: 'hoan-thanh' },
        { unitId: NN, tierId: 'xuat-sac' },
        { unitId: TT, tierId: 'xuat-sac' },
        { unitId: CT, tierId: 'tot' },
      ];
      spec.given(scored).when(classifyByVote(votes), context(pledges())).then([classified('vote', [[NN, 'xuat-sac'], [TT, 'xuat-sac'], [CT, 'tot'], [XD, 'hoan-thanh']])]);
    });

    it('supersedes an earlier classification', () => {
      const state = [...scored, classified('score', [[NN, 'xuat-sac']]), classified('vote', [[CT, 'tot']])].reduce(campaignDecider.evolve, campaignDecider.initialState());
      expect(state.launched && state.classification?.classes.map((entry) => entry.unitId)).toEqual([CT]);
    });

    it('is refused when the campaign has no tiers (classes.no_tiers)', () => {
      spec.given(v1Ranked).when(classifyByScore(), context(pledges())).thenThrows('rule_violated', RULES.classesNoTiers);
    });

    it('is refused without an active pledge (classes.no_eligible_pledges)', () => {
      spec.given(scored).when(classifyByScore(), context([signedPledge([pledgeSigned(VQG), pledgeWithdrawn(VQG)])])).thenThrows('rule_violated', RULES.classesNoEligiblePledges);
    });

    it('by vote, refuses a classification that names a unit twice, one without an active pledge, or leaves one out', () => {
      const vote = (units: string[]) => classifyByVote(units.map((unitId) => ({ unitId, tierId: 'tot' })));
      spec.given(scored).when(vote([NN, NN, CT, TT, XD]), context(pledges())).thenThrows('rule_violated', RULES.classesDuplicateUnit);
      spec.given(scored).when(vote([NN, CT, TT, XD, VQG]), context(pledges())).thenThrows('rule_violated', RULES.classesUnknownUnit);
      spec.given(scored).when(vote([NN, CT, TT]), context(pledges())).thenThrows('rule_violated', RULES.classesIncomplete);
    });

    it('by vote, refuses a tier the campaign does not have (classes.unknown_tier)', () => {
      const votes = [NN, CT, TT, XD].map((unitId) => ({ unitId, tierId: unitId === XD ? 'kem' : 'tot' }));
      spec.given(scored).when(classifyByVote(votes), context(pledges())).thenThrows('rule_violated', RULES.classesUnknownTier);
    });

    it('comes after scoring closes and before the campaign closes', () => {
      spec.given(scored.slice(0, 2)).when(classifyByScore(), context(pledges())).thenThrows('rule_violated', RULES.campaignScoringNotClosed);
      spec.given([...scored, campaignClosed]).when(classifyByScore(), context(pledges())).thenThrows('rule_violated', RULES.campaignClosed);
    });

    it.each([['a member', memberActor(NN)], ['an auditor', auditor], ['a chair of another unit', chairActor(CT)]])('forbids %s', (_who, actor) => {
      spec.given(scored).when(classifyByScore(actor), context(pledges())).thenThrows('forbidden');
    });
  });
});
