/**
 * The campaign decider (phong trào / đợt thi đua): phases, reviews, ranking
 * and awards. Its rules read two other aggregates, handed in as context: the
 * bloc (who is chair for the campaign's year, who is a member) and, for
 * ranking and awards, the campaign's pledges (totals and status).
 */
import { assertNever, NotFoundError, RuleViolationError, type Decider } from '@thidua/eventsourcing';
import { produce } from 'immer';
import type { BlocState, EstablishedBloc } from '../bloc/bloc.state';
import { isMember } from '../bloc/bloc.state';
import { unhandledEvent } from '../exhaustive';
import type { SignedPledge } from '../pledge/pledge.state';
import { compareRanked, compareUnitIds, rankByScore, validateBallot } from '../ranking';
import { assertCouncil, assertCouncilOrChair, chairForYear } from '../roles';
import { RULES } from '../rules';
import { pledgeTotal } from '../scoring';
import type { CampaignCommand } from './campaign.commands';
import { awardCatalogue, awardGroupOf, DEFAULT_AWARD_QUOTAS } from './award-catalogue';
import type { CampaignEvent } from './campaign.events';
import { initialCampaignState, startsNewRanking, type CampaignState, type LaunchedCampaign } from './campaign.state';
import { tierForTotal } from './classes';
import { validateClassVote } from './class-vote';

/**
 * What a campaign command needs from other streams, loaded by the command
 * handler just before `decide` (see `thidua.ts` for the consistency this
 * gives).
 */
export interface CampaignContext {
  /** The campaign's bloc (for `LaunchCampaign`, the bloc the command names). */
  bloc: BlocState;
  /**
   * The campaign's signed pledges, any status. Loaded for `AssignRanks`,
   * `ProposeAward` and `ClassifyPledges`, the only commands that read them;
   * empty otherwise.
   */
  pledges: readonly SignedPledge[];
  /**
   * Ids of the campaigns already launched for the same bloc and year. Loaded
   * for `LaunchCampaign` only: standings are per (bloc, year), so a bloc runs
   * one campaign a year.
   */
  campaignsOfYear?: readonly string[];
}

function requireCampaign(state: CampaignState, campaignId: string): LaunchedCampaign {
  if (!state.launched) throw new NotFoundError(`Campaign ${campaignId} does not exist; launch it first`, { campaignId });
  return state;
}

function requireBloc(bloc: BlocState, blocId: string): EstablishedBloc {
  if (!bloc.established || bloc.blocId !== blocId) throw new NotFoundError(`Bloc ${blocId} does not exist; establish it first`, { blocId });
  return bloc;
}

function violation(rule: string, message: string, details: Record<string, unknown> = {}): RuleViolationError {
  return new RuleViolationError(rule, message, details);
}

/** Refuses anything in a closed campaign, then anything outside `phase`. */
function requirePhase(campaign: LaunchedCampaign, expected: 'launched' | 'scoring' | 'scoring-closed', action: string): void {
  const { phase, campaignId } = campaign;
  if (phase === 'closed') throw violation(RULES.campaignClosed, `Campaign ${campaignId} is closed: cannot ${action}`, { campaignId });
  if (phase === expected) return;
  const details = { campaignId, phase };
  switch (expected) {
    case 'launched':
      throw violation(RULES.campaignScoringAlreadyOpened, `Scoring of campaign ${campaignId} has already been opened: cannot ${action}`, details);
    case 'scoring':
      throw phase === 'launched'
        ? violation(RULES.campaignScoringNotOpen, `Scoring of campaign ${campaignId} is not open yet: cannot ${action}`, details)
        : violation(RULES.campaignScoringClosed, `Scoring of campaign ${campaignId} is closed: cannot ${action}`, details);
    case 'scoring-closed':
      throw violation(RULES.campaignScoringNotClosed, `Scoring of campaign ${campaignId} must be closed first: cannot ${action}`, details);
    default:
      return assertNever(expected, 'phase');
  }
}

/** Active pledges of this campaign: the ones ranked and awarded. */
function eligiblePledges(campaign: LaunchedCampaign, pledges: readonly SignedPledge[]): SignedPledge[] {
  return pledges.filter((pledge) => pledge.campaignId === campaign.campaignId && pledge.status === 'active');
}

/** Holds every campaign rule; throws typed errors, emits nothing on rejection. */
export function decideCampaign(command: CampaignCommand, state: CampaignState, context: CampaignContext): CampaignEvent[] {
  const { actor } = command;
  if (command.command === 'LaunchCampaign') {
    const data = command.data;
    const bloc = requireBloc(context.bloc, data.blocId);
    assertCouncilOrChair(actor, chairForYear(bloc.flag, data.year), `launch campaign ${data.campaignId} of bloc ${data.blocId}`, data.year);
    if (state.launched) {
      throw violation(RULES.campaignAlreadyLaunched, `Campaign ${data.campaignId} has already been launched`, { campaignId: data.campaignId });
    }
    const taken = (context.campaignsOfYear ?? []).find((id) => id !== data.campaignId);
    if (taken !== undefined) {
      throw violation(
        RULES.campaignYearTaken,
        `Bloc ${data.blocId} already runs campaign ${taken} for ${data.year}: one campaign per bloc and year`,
        { blocId: data.blocId, year: data.year, campaignId: taken },
      );
    }
    const quotas = data.awardQuotas ?? {};
    // Optional fields are written only when given, so a v1 launch writes v1's payload, key for key.
    return [
      {
        type: 'CampaignLaunched',
        data: {
          campaignId: data.campaignId,
          blocId: data.blocId,
          year: data.year,
          title: data.title,
          criteria: data.criteria.map(({ criterionId, title, maxPoints, groupId }) => ({ criterionId, title, maxPoints, ...(groupId === undefined ? {} : { groupId }) })),
          bonusCap: data.bonusCap,
          ...(data.awards === undefined
            ? {
                awardQuotas: {
                  'provincial-flag': quotas['provincial-flag'] ?? DEFAULT_AWARD_QUOTAS['provincial-flag'],
                  'government-flag': quotas['government-flag'] ?? DEFAULT_AWARD_QUOTAS['government-flag'],
                  'certificate-of-merit': quotas['certificate-of-merit'] ?? DEFAULT_AWARD_QUOTAS['certificate-of-merit'],
                },
              }
            : {
                awards: data.awards.map(({ awardId, title, kind, quota, maxRank, group }) => ({
                  awardId,
                  title,
                  kind,
                  quota,
                  ...(maxRank === undefined ? {} : { maxRank }),
                  ...(group === undefined ? {} : { group }),
                })),
              }),
          ...(data.tiers === undefined
            ? {}
            : { tiers: data.tiers.map(({ tierId, title, minTotal }) => ({ tierId, title, ...(minTotal === undefined ? {} : { minTotal }) })) }),
          ...(data.groups === undefined ? {} : { groups: data.groups.map(({ groupId, title }) => ({ groupId, title })) }),
          launchedAt: data.launchedAt,
        },
      },
    ];
  }

  const campaign = requireCampaign(state, command.data.campaignId);
  const bloc = requireBloc(context.bloc, campaign.blocId);
  const { campaignId } = campaign;
  const chair = chairForYear(bloc.flag, campaign.year);

  switch (command.command) {
    case 'OpenScoring': {
      assertCouncilOrChair(actor, chair, `open scoring of campaign ${campaignId}`, campaign.year);
      requirePhase(campaign, 'launched', 'open scoring');
      return [{ type: 'ScoringOpened', data: { campaignId, at: command.data.at } }];
    }
    case 'CloseScoring': {
      assertCouncilOrChair(actor, chair, `close scoring of campaign ${campaignId}`, campaign.year);
      requirePhase(campaign, 'scoring', 'close scoring');
      return [{ type: 'ScoringClosed', data: { campaignId, at: command.data.at } }];
    }
    case 'HoldReview': {
      const data = command.data;
      assertCouncilOrChair(actor, chair, `hold a review of campaign ${campaignId}`, campaign.year);
      if (campaign.phase === 'closed') throw violation(RULES.campaignClosed, `Campaign ${campaignId} is closed: cannot hold a review`, { campaignId });
      if (!isMember(bloc, data.hostUnitId)) {
        throw violation(RULES.reviewHostNotMember, `Host ${data.hostUnitId} is not a member of bloc ${bloc.blocId}; a review is hosted by a member unit`, {
          hostUnitId: data.hostUnitId,
        });
      }
      if (campaign.reviews.some((review) => review.kind === data.kind)) {
        throw violation(RULES.reviewAlreadyHeld, `The ${data.kind} review of campaign ${campaignId} has already been held`, { kind: data.kind });
      }
      if (data.kind === 'mid-year' && campaign.reviews.some((review) => review.kind === 'year-end')) {
        throw violation(RULES.reviewOutOfOrder, `The year-end review of campaign ${campaignId} is already held: no mid-year review after it`, {
          kind: data.kind,
        });
      }
      return [{ type: 'ReviewHeld', data: { campaignId, kind: data.kind, hostUnitId: data.hostUnitId, heldAt: data.heldAt } }];
    }
    case 'AssignRanks': {
      const data = command.data;
      assertCouncilOrChair(actor, chair, `rank campaign ${campaignId}`, campaign.year);
      requirePhase(campaign, 'scoring-closed', 'assign ranks');
      if (campaign.awards.length > 0) {
        // Awards were checked against the ranking in force; re-ranking under
        // them could leave a flag with a unit no longer ranked high enough.
        throw violation(RULES.ranksAwardsProposed, `Awards have already been proposed in campaign ${campaignId}: its ranking can no longer change`, {
          campaignId,
        });
      }
      const eligible = eligiblePledges(campaign, context.pledges);
      if (eligible.length === 0) {
        throw violation(RULES.ranksNoEligiblePledges, `Campaign ${campaignId} has no active pledge to rank`, { campaignId });
      }
      const criterionIds = campaign.criteria.map((criterion) => criterion.criterionId);
      const totals = eligible.map((pledge) => ({
        unitId: pledge.unitId,
        pledgeId: pledge.pledgeId,
        total: pledgeTotal({ criterionIds, bonusCap: campaign.bonusCap, scores: pledge.scores, adjustments: pledge.adjustments }).total,
      }));
      let ranked: { unitId: string; pledgeId: string; total: number; rank: number }[];
      if (data.basis === 'score') {
        ranked = rankByScore(totals);
      } else {
        const ballot = data.ranks ?? [];
        const problem = validateBallot(ballot, totals.map((row) => row.unitId));
        if (problem) throw violation(problem.rule, problem.message, { campaignId, unitIds: problem.unitIds });
        const rankOf = new Map(ballot.map((entry) => [entry.unitId, entry.rank]));
        ranked = totals.map((row) => ({ ...row, rank: rankOf.get(row.unitId) ?? 0 })).sort(compareRanked);
      }
      return ranked.map(
        (row): Extract<CampaignEvent, { type: 'RankAssigned' }> => ({
          type: 'RankAssigned',
          data: {
            campaignId,
            unitId: row.unitId,
            pledgeId: row.pledgeId,
            rank: row.rank,
            totalPoints: row.total,
            basis: data.basis,
            assignedAt: data.assignedAt,
          },
        }),
      );
    }
    case 'ProposeAward': {
      const data = command.data;
      assertCouncilOrChair(actor, chair, `propose awards in campaign ${campaignId}`, campaign.year);
      requirePhase(campaign, 'scoring-closed', 'propose an award');
      const entry = campaign.catalogue.find((award) => award.awardId === data.award);
      if (!entry) {
        throw violation(
          RULES.awardUnknown,
          `Campaign ${campaignId} offers no award ${data.award}; its awards are ${campaign.catalogue.map((award) => award.awardId).join(', ')}`,
          { award: data.award },
        );
      }
      const row = campaign.ranking?.rows.find((r) => r.unitId === data.unitId);
      if (!row) {
        throw violation(
          RULES.awardNotRanked,
          campaign.ranking
            ? `Unit ${data.unitId} has no rank in campaign ${campaignId}; awards go to ranked units`
            : `Campaign ${campaignId} has not been ranked yet; rank it before proposing awards`,
          { unitId: data.unitId },
        );
      }
      const pledge = context.pledges.find((p) => p.unitId === data.unitId && p.campaignId === campaignId);
      if (!pledge || pledge.status !== 'active') {
        throw violation(RULES.awardPledgeInactive, `The pledge of ${data.unitId} is ${pledge?.status ?? 'missing'}: no award to a withdrawn or disqualified pledge`, {
          unitId: data.unitId,
          status: pledge?.status ?? null,
        });
      }
      // One award per unit within a group; without groups that is v1's one award per unit.
      const group = awardGroupOf(entry);
      const earlier = campaign.awards.find(
        (award) => award.unitId === data.unitId && awardGroupOf(campaign.catalogue.find((other) => other.awardId === award.award) ?? {}) === group,
      );
      if (earlier) {
        throw violation(
          RULES.awardOnePerUnit,
          `Unit ${data.unitId} already has an award proposed (${earlier.award})${group === null ? '' : ` in group ${group}`}; one award per unit${group === null ? '' : ' per group'}`,
          { unitId: data.unitId, award: earlier.award, ...(group === null ? {} : { group }) },
        );
      }
      const used = campaign.awards.filter((award) => award.award === data.award).length;
      if (used >= entry.quota) {
        throw violation(
          RULES.awardQuotaExceeded,
          `The quota of ${data.award} in campaign ${campaignId} is ${entry.quota}, and ${used} ${used === 1 ? 'is' : 'are'} already proposed`,
          { award: data.award, quota: entry.quota },
        );
      }
      if (entry.maxRank !== undefined && row.rank > entry.maxRank) {
        const flag = entry.kind === 'flag';
        throw violation(
          flag ? RULES.awardFlagRankTooLow : RULES.awardRankTooLow,
          campaign.awardQuotas !== null
            ? `A ${data.award} goes only to a unit ranked within the ${entry.maxRank} flag${entry.maxRank === 1 ? '' : 's'} the quotas allow; ${data.unitId} is ranked ${row.rank}`
            : `${entry.title} (${data.award}) goes only to a unit ranked ${entry.maxRank} or better; ${data.unitId} is ranked ${row.rank}`,
          campaign.awardQuotas !== null
            ? { unitId: data.unitId, rank: row.rank, flagsAllowed: entry.maxRank }
            : { unitId: data.unitId, rank: row.rank, maxRank: entry.maxRank, award: data.award },
        );
      }
      return [{ type: 'AwardProposed', data: { campaignId, unitId: data.unitId, award: data.award, proposedAt: data.proposedAt } }];
    }
    case 'DecideAward': {
      // The authority's decision (quyết định khen thưởng) comes after the bloc's review, often after the
      // campaign closed: the one command a closed campaign still takes.
      const data = command.data;
      assertCouncil(actor, `decide the ${data.award} proposed for ${data.unitId} in campaign ${campaignId}`);
      if (!campaign.awards.some((award) => award.unitId === data.unitId && award.award === data.award)) {
        throw violation(RULES.decisionNotProposed, `No ${data.award} was proposed for ${data.unitId} in campaign ${campaignId}; the council decides proposals`, {
          unitId: data.unitId,
          award: data.award,
        });
      }
      const decided = campaign.decisions.find((decision) => decision.unitId === data.unitId && decision.award === data.award);
      if (decided) {
        throw violation(
          RULES.decisionAlreadyDecided,
          `The ${data.award} of ${data.unitId} in campaign ${campaignId} was already ${decided.outcome} (${decided.decisionRef}); one decision per unit and award`,
          { unitId: data.unitId, award: data.award, outcome: decided.outcome, decisionRef: decided.decisionRef },
        );
      }
      return [
        {
          type: 'AwardDecided',
          data: { campaignId, unitId: data.unitId, award: data.award, outcome: data.outcome, decisionRef: data.decisionRef, decidedAt: data.decidedAt },
        },
      ];
    }
    case 'ClassifyPledges': {
      const data = command.data;
      assertCouncilOrChair(actor, chair, `classify the pledges of campaign ${campaignId}`, campaign.year);
      requirePhase(campaign, 'scoring-closed', 'classify the pledges');
      if (campaign.tiers.length === 0) {
        throw violation(RULES.classesNoTiers, `Campaign ${campaignId} was launched without tiers: there is nothing to classify into`, { campaignId });
      }
      const eligible = eligiblePledges(campaign, context.pledges);
      if (eligible.length === 0) {
        throw violation(RULES.classesNoEligiblePledges, `Campaign ${campaignId} has no active pledge to classify`, { campaignId });
      }
      let classes: { unitId: string; pledgeId: string; tierId: string }[];
      if (data.basis === 'score') {
        const criterionIds = campaign.criteria.map((criterion) => criterion.criterionId);
        classes = eligible.flatMap((pledge) => {
          const total = pledgeTotal({ criterionIds, bonusCap: campaign.bonusCap, scores: pledge.scores, adjustments: pledge.adjustments }).total;
          const tierId = tierForTotal(campaign.tiers, total);
          return tierId === null ? [] : [{ unitId: pledge.unitId, pledgeId: pledge.pledgeId, tierId }];
        });
      } else {
        const votes = data.classes ?? [];
        const problem = validateClassVote(votes, eligible.map((pledge) => pledge.unitId), campaign.tiers.map((tier) => tier.tierId));
        if (problem) throw violation(problem.rule, problem.message, { campaignId, unitIds: problem.unitIds });
        const pledgeOf = new Map(eligible.map((pledge) => [pledge.unitId, pledge.pledgeId]));
        classes = votes.map((vote) => ({ unitId: vote.unitId, pledgeId: pledgeOf.get(vote.unitId) ?? '', tierId: vote.tierId }));
      }
      const order = new Map(campaign.tiers.map((tier, index) => [tier.tierId, index]));
      classes.sort((a, b) => (order.get(a.tierId) ?? 0) - (order.get(b.tierId) ?? 0) || compareUnitIds(a.unitId, b.unitId));
      return [{ type: 'PledgesClassified', data: { campaignId, basis: data.basis, classes, classifiedAt: data.classifiedAt } }];
    }
    case 'CloseCampaign': {
      assertCouncilOrChair(actor, chair, `close campaign ${campaignId}`, campaign.year);
      requirePhase(campaign, 'scoring-closed', 'close the campaign');
      return [{ type: 'CampaignClosed', data: { campaignId, closedAt: command.data.closedAt } }];
    }
    default:
      return assertNever(command, 'campaign command');
  }
}

/** Folds one campaign event; total, holds no rule, never throws. */
export function evolveCampaign(state: CampaignState, event: CampaignEvent): CampaignState {
  if (event.type === 'CampaignLaunched') {
    const data = event.data;
    return {
      launched: true,
      campaignId: data.campaignId,
      blocId: data.blocId,
      year: data.year,
      title: data.title,
      criteria: data.criteria.map((criterion) => ({ ...criterion })),
      bonusCap: data.bonusCap,
      awardQuotas: data.awardQuotas === undefined ? null : { ...data.awardQuotas },
      catalogue: awardCatalogue(data),
      tiers: (data.tiers ?? []).map((tier) => ({ ...tier })),
      groups: (data.groups ?? []).map((group) => ({ ...group })),
      launchedAt: data.launchedAt,
      phase: 'launched',
      reviews: [],
      ranking: null,
      rankings: 0,
      lastWasRank: false,
      awards: [],
      decisions: [],
      classification: null,
    };
  }
  return produce(state, (draft) => {
    if (!draft.launched) return;
    const wasRank = draft.lastWasRank;
    draft.lastWasRank = event.type === 'RankAssigned';
    switch (event.type) {
      case 'ScoringOpened':
        draft.phase = 'scoring';
        return;
      case 'ScoringClosed':
        draft.phase = 'scoring-closed';
        return;
      case 'ReviewHeld':
        draft.reviews.push({ kind: event.data.kind, hostUnitId: event.data.hostUnitId, heldAt: event.data.heldAt });
        return;
      case 'RankAssigned': {
        const { unitId, pledgeId, rank, totalPoints, basis, assignedAt } = event.data;
        const current = draft.ranking?.rows.map((row) => row.unitId) ?? [];
        if (!draft.ranking || startsNewRanking(wasRank, current, unitId)) {
          draft.ranking = { basis, assignedAt, rows: [] };
          draft.rankings += 1;
        }
        draft.ranking.rows.push({ unitId, pledgeId, rank, totalPoints });
        return;
      }
      case 'AwardProposed':
        draft.awards.push({ unitId: event.data.unitId, award: event.data.award, proposedAt: event.data.proposedAt });
        return;
      case 'AwardDecided': {
        const { unitId, award, outcome, decisionRef, decidedAt } = event.data;
        draft.decisions.push({ unitId, award, outcome, decisionRef, decidedAt });
        return;
      }
      case 'PledgesClassified':
        draft.classification = {
          basis: event.data.basis,
          classifiedAt: event.data.classifiedAt,
          classes: event.data.classes.map((entry) => ({ ...entry })),
        };
        return;
      case 'CampaignClosed':
        draft.phase = 'closed';
        return;
      default:
        unhandledEvent(event, undefined);
    }
  });
}

/** The campaign decider: `{ initialState, decide, evolve }`, with its cross-aggregate context. */
export const campaignDecider: Decider<CampaignCommand, CampaignEvent, CampaignState, CampaignContext> = {
  initialState: () => initialCampaignState,
  decide: decideCampaign,
  evolve: evolveCampaign,
};
