/**
 * The pledge decider (đăng ký / giao ước thi đua of one unit): signing,
 * scores, adjustments, disqualification and withdrawal. Its rules read the
 * campaign (phase, criteria, year) and the bloc (members, chair of the year),
 * handed in as context.
 */
import { assertNever, NotFoundError, RuleViolationError, type Decider } from '@thidua/eventsourcing';
import { produce } from 'immer';
import { isMember, type BlocState, type EstablishedBloc } from '../bloc/bloc.state';
import type { CampaignState, LaunchedCampaign } from '../campaign/campaign.state';
import { unhandledEvent } from '../exhaustive';
import { assertCouncilOrChair, assertCouncilOrOwnUnit, chairForYear } from '../roles';
import { RULES } from '../rules';
import { toHundredths, withLatestScore } from '../scoring';
import { parsePledgeId, pledgeIdOf } from '../streams';
import type { PledgeCommand } from './pledge.commands';
import type { PledgeEvent } from './pledge.events';
import { initialPledgeState, type PledgeState, type SignedPledge } from './pledge.state';

/**
 * What a pledge command needs from other streams, loaded by the command
 * handler just before `decide` (see `thidua.ts` for the consistency this
 * gives).
 */
export interface PledgeContext {
  /** The pledge's campaign. */
  campaign: CampaignState;
  /** The campaign's bloc. */
  bloc: BlocState;
}

function violation(rule: string, message: string, details: Record<string, unknown> = {}): RuleViolationError {
  return new RuleViolationError(rule, message, details);
}

function requireCampaign(campaign: CampaignState, campaignId: string): LaunchedCampaign {
  if (!campaign.launched || campaign.campaignId !== campaignId) {
    throw new NotFoundError(`Campaign ${campaignId} does not exist; launch it first`, { campaignId });
  }
  return campaign;
}

function requireBloc(bloc: BlocState, blocId: string): EstablishedBloc {
  if (!bloc.established || bloc.blocId !== blocId) throw new NotFoundError(`Bloc ${blocId} does not exist`, { blocId });
  return bloc;
}

function requirePledge(state: PledgeState, pledgeId: string): SignedPledge {
  if (!state.signed || state.pledgeId !== pledgeId) throw new NotFoundError(`Pledge ${pledgeId} does not exist; the unit must sign it first`, { pledgeId });
  return state;
}

/** Scores and adjustments are recorded only while scoring is open; nothing at all once the campaign is closed. */
function requireScoringOpen(campaign: LaunchedCampaign, action: string): void {
  const details = { campaignId: campaign.campaignId, phase: campaign.phase };
  switch (campaign.phase) {
    case 'scoring':
      return;
    case 'launched':
      throw violation(RULES.campaignScoringNotOpen, `Scoring of campaign ${campaign.campaignId} is not open yet: cannot ${action}`, details);
    case 'scoring-closed':
      throw violation(RULES.campaignScoringClosed, `Scoring of campaign ${campaign.campaignId} is closed: cannot ${action}`, details);
    case 'closed':
      throw violation(RULES.campaignClosed, `Campaign ${campaign.campaignId} is closed: cannot ${action}`, details);
    default:
      return assertNever(campaign.phase, 'phase');
  }
}

function requireNotClosed(campaign: LaunchedCampaign, action: string): void {
  if (campaign.phase === 'closed') {
    throw violation(RULES.campaignClosed, `Campaign ${campaign.campaignId} is closed: cannot ${action}`, { campaignId: campaign.campaignId });
  }
}

function requireActive(pledge: SignedPledge, action: string): void {
  if (pledge.status !== 'active') {
    throw violation(RULES.pledgeNotActive, `Pledge ${pledge.pledgeId} is ${pledge.status}: cannot ${action}`, {
      pledgeId: pledge.pledgeId,
      status: pledge.status,
    });
  }
}

/** The campaign a pledge command is about: named by `SignPledge`, read from the pledge id otherwise. */
export function campaignIdOfPledgeCommand(command: PledgeCommand): string {
  if (command.command === 'SignPledge') return command.data.campaignId;
  return parsePledgeId(command.data.pledgeId)?.campaignId ?? '';
}

/** The pledge id a pledge command is about (derived for `SignPledge`). */
export function pledgeIdOfPledgeCommand(command: PledgeCommand): string {
  return command.command === 'SignPledge' ? pledgeIdOf(command.data.campaignId, command.data.unitId) : command.data.pledgeId;
}

/** Holds every pledge rule; throws typed errors, emits nothing on rejection. */
export function decidePledge(command: PledgeCommand, state: PledgeState, context: PledgeContext): PledgeEvent[] {
  const { actor } = command;
  if (command.command === 'SignPledge') {
    const data = command.data;
    const pledgeId = pledgeIdOf(data.campaignId, data.unitId);
    const campaign = requireCampaign(context.campaign, data.campaignId);
    const bloc = requireBloc(context.bloc, campaign.blocId);
    assertCouncilOrOwnUnit(actor, data.unitId, `sign the pledge of ${data.unitId} in campaign ${data.campaignId}`);
    if (state.signed) throw violation(RULES.pledgeAlreadySigned, `Unit ${data.unitId} has already signed its pledge in campaign ${data.campaignId}`, { pledgeId });
    requireNotClosed(campaign, 'sign a pledge');
    if (campaign.phase === 'scoring-closed') {
      throw violation(RULES.campaignSigningClosed, `Scoring of campaign ${data.campaignId} is closed: pledges are signed while it is launched or scoring`, {
        campaignId: data.campaignId,
      });
    }
    if (!isMember(bloc, data.unitId)) {
      throw violation(RULES.pledgeNotMember, `Unit ${data.unitId} is not a member of bloc ${bloc.blocId}; only members sign its covenant`, { unitId: data.unitId });
    }
    const known = new Set(campaign.criteria.map((criterion) => criterion.criterionId));
    const unknown = data.targets.filter((target) => !known.has(target.criterionId)).map((target) => target.criterionId);
    if (unknown.length > 0) {
      throw violation(RULES.pledgeUnknownCriterion, `Campaign ${data.campaignId} has no criterion ${unknown.join(', ')}; targets name the campaign's criteria`, {
        criterionIds: unknown,
      });
    }
    return [
      {
        type: 'PledgeSigned',
        data: {
          pledgeId,
          campaignId: data.campaignId,
          blocId: campaign.blocId,
          unitId: data.unitId,
          signedBy: data.signedBy,
          targets: data.targets.map(({ criterionId, commitment }) => ({ criterionId, commitment })),
          signedAt: data.signedAt,
        },
      },
    ];
  }

  const pledge = requirePledge(state, command.data.pledgeId);
  const campaign = requireCampaign(context.campaign, pledge.campaignId);
  const bloc = requireBloc(context.bloc, campaign.blocId);
  const chair = chairForYear(bloc.flag, campaign.year);
  const { pledgeId } = pledge;

  switch (command.command) {
    case 'RecordScore': {
      const data = command.data;
      if (data.assessor === 'self') assertCouncilOrOwnUnit(actor, pledge.unitId, `record a self score for ${pledge.unitId}`);
      else assertCouncilOrChair(actor, chair, `record a ${data.assessor} score`, campaign.year);
      requireScoringOpen(campaign, 'record a score');
      requireActive(pledge, 'record a score');
      const criterion = campaign.criteria.find((c) => c.criterionId === data.criterionId);
      if (!criterion) {
        throw violation(
          RULES.scoreUnknownCriterion,
          `Campaign ${campaign.campaignId} has no criterion ${data.criterionId}; its criteria are ${campaign.criteria.map((c) => c.criterionId).join(', ')}`,
          { criterionId: data.criterionId },
        );
      }
      if (toHundredths(data.points) > toHundredths(criterion.maxPoints)) {
        throw violation(RULES.scoreExceedsMax, `${data.points} points exceed the maximum of ${criterion.maxPoints} for criterion ${data.criterionId}`, {
          criterionId: data.criterionId,
          points: data.points,
          maxPoints: criterion.maxPoints,
        });
      }
      return [
        {
          type: 'ScoreRecorded',
          data: {
            pledgeId,
            criterionId: data.criterionId,
            points: data.points,
            assessor: data.assessor,
            ...(data.note !== undefined ? { note: data.note } : {}),
            scoredAt: data.scoredAt,
          },
        },
      ];
    }
    case 'RecordAdjustment': {
      const data = command.data;
      assertCouncilOrChair(actor, chair, `record a ${data.kind}`, campaign.year);
      requireScoringOpen(campaign, `record a ${data.kind}`);
      requireActive(pledge, `record a ${data.kind}`);
      return [{ type: 'AdjustmentRecorded', data: { pledgeId, kind: data.kind, points: data.points, reason: data.reason, adjustedAt: data.adjustedAt } }];
    }
    case 'DisqualifyPledge': {
      const data = command.data;
      assertCouncilOrChair(actor, chair, `disqualify pledge ${pledgeId}`, campaign.year);
      requireNotClosed(campaign, 'disqualify a pledge');
      requireActive(pledge, 'disqualify it');
      return [{ type: 'PledgeDisqualified', data: { pledgeId, reason: data.reason, at: data.at } }];
    }
    case 'WithdrawPledge': {
      const data = command.data;
      assertCouncilOrOwnUnit(actor, pledge.unitId, `withdraw pledge ${pledgeId}`);
      requireNotClosed(campaign, 'withdraw a pledge');
      requireActive(pledge, 'withdraw it');
      return [{ type: 'PledgeWithdrawn', data: { pledgeId, reason: data.reason, at: data.at } }];
    }
    default:
      return assertNever(command, 'pledge command');
  }
}

/** Folds one pledge event; total, holds no rule, never throws. */
export function evolvePledge(state: PledgeState, event: PledgeEvent): PledgeState {
  if (event.type === 'PledgeSigned') {
    const data = event.data;
    return {
      signed: true,
      pledgeId: data.pledgeId,
      campaignId: data.campaignId,
      blocId: data.blocId,
      unitId: data.unitId,
      signedBy: data.signedBy,
      targets: data.targets.map((target) => ({ ...target })),
      signedAt: data.signedAt,
      status: 'active',
      statusReason: null,
      statusAt: null,
      scores: [],
      adjustments: [],
    };
  }
  if (event.type === 'ScoreRecorded') {
    if (!state.signed) return state;
    // Scores are most of a pledge's events, so this path avoids immer's per-call cost (a plain copy of a
    // small array). Only the latest score of a criterion at an assessor level can ever be effective, so that
    // is all the state keeps (at most criteria × 3 entries, latest last): a long pledge folds in linear time.
    // The state is written out field by field: V8 copies a literal of a known shape far faster than a spread.
    const { criterionId, assessor, points, scoredAt } = event.data;
    return {
      signed: true,
      pledgeId: state.pledgeId,
      campaignId: state.campaignId,
      blocId: state.blocId,
      unitId: state.unitId,
      signedBy: state.signedBy,
      targets: state.targets,
      signedAt: state.signedAt,
      status: state.status,
      statusReason: state.statusReason,
      statusAt: state.statusAt,
      scores: withLatestScore(state.scores, { criterionId, points, assessor, scoredAt }),
      adjustments: state.adjustments,
    };
  }
  return produce(state, (draft) => {
    if (!draft.signed) return;
    switch (event.type) {
      case 'AdjustmentRecorded':
        draft.adjustments.push({ kind: event.data.kind, points: event.data.points, reason: event.data.reason, adjustedAt: event.data.adjustedAt });
        return;
      case 'PledgeDisqualified':
        draft.status = 'disqualified';
        draft.statusReason = event.data.reason;
        draft.statusAt = event.data.at;
        return;
      case 'PledgeWithdrawn':
        draft.status = 'withdrawn';
        draft.statusReason = event.data.reason;
        draft.statusAt = event.data.at;
        return;
      default:
        unhandledEvent(event, undefined);
    }
  });
}

/** The pledge decider: `{ initialState, decide, evolve }`, with its cross-aggregate context. */
export const pledgeDecider: Decider<PledgeCommand, PledgeEvent, PledgeState, PledgeContext> = {
  initialState: () => initialPledgeState,
  decide: decidePledge,
  evolve: evolvePledge,
};
