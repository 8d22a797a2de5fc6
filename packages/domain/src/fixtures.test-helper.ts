/**
 * Builders shared by this package's tests: actors, commands and events with
 * realistic defaults, so each test states only what it is about.
 */
import { fold, type Actor } from '@thidua/eventsourcing';
import { blocDecider } from './bloc/bloc.decider';
import type { BlocEvent } from './bloc/bloc.events';
import type { BlocState } from './bloc/bloc.state';
import { campaignDecider } from './campaign/campaign.decider';
import type { CampaignEvent, Criterion } from './campaign/campaign.events';
import type { ThiduaEventData } from './registry';
import type { CampaignState } from './campaign/campaign.state';
import type { ThiduaCommand } from './commands';
import { pledgeDecider } from './pledge/pledge.decider';
import type { PledgeEvent } from './pledge/pledge.events';
import type { SignedPledge } from './pledge/pledge.state';
import { pledgeIdOf } from './streams';

export const BLOC = 'kt-kt';
export const CAMPAIGN = 'kt-kt-2013';
export const YEAR = 2013;
export const NN = 'so-nn-ptnt';
export const CT = 'so-cong-thuong';
export const TT = 'so-tt-tt';
export const XD = 'so-xay-dung';
export const VQG = 'vqg-lo-go-xa-mat';
export const OUTSIDER = 'so-y-te';

export const council: Actor = { id: 'hdtdkt', role: 'council' };
export const auditor: Actor = { id: 'kiem-toan', role: 'auditor' };
export const stranger: Actor = { id: 'someone', role: 'janitor' };
export function chairActor(unitId: string): Actor {
  return { id: `${unitId}-truong-khoi`, role: 'chair', unitId };
}
export function memberActor(unitId: string): Actor {
  return { id: `${unitId}-can-bo`, role: 'member', unitId };
}

/** A business date in 2013/2014 at +07:00. */
export function at(date: string): string {
  return `${date}T08:00:00+07:00`;
}

let sequence = 0;
/** A fresh command id. */
export function nextCommandId(): string {
  sequence += 1;
  return `cmd-${sequence}`;
}

type CommandNamed<N extends ThiduaCommand['command']> = Extract<ThiduaCommand, { command: N }>;

/** A command envelope with a fresh id. */
export function cmd<N extends ThiduaCommand['command']>(command: N, actor: Actor, data: CommandNamed<N>['data']): CommandNamed<N> {
  return { command, commandId: nextCommandId(), actor, data } as CommandNamed<N>;
}

export const CRITERIA: Criterion[] = [
  { criterionId: 'c1', title: 'Thực hiện tốt nhiệm vụ chính trị', maxPoints: 10 },
  { criterionId: 'c2', title: 'Công tác cải cách hành chính', maxPoints: 10 },
  { criterionId: 'c3', title: 'Công tác thi đua, khen thưởng', maxPoints: 5.5 },
];

// ---- bloc events

export function blocEstablished(blocId = BLOC): BlocEvent {
  return { type: 'BlocEstablished', data: { blocId, name: 'Khối Thi đua Kinh tế - Kỹ thuật', authority: 'UBND tỉnh Tây Ninh', establishedAt: at('2013-01-02') } };
}
export function memberAdmitted(unitId: string, blocId = BLOC): BlocEvent {
  return { type: 'MemberAdmitted', data: { blocId, unitId, unitName: `Đơn vị ${unitId}`, admittedAt: at('2013-01-03') } };
}
export function memberRemoved(unitId: string, blocId = BLOC): BlocEvent {
  return { type: 'MemberRemoved', data: { blocId, unitId, reason: 'Sáp nhập', removedAt: at('2013-06-01') } };
}
export function flagTransferred(fromUnitId: string | null, toUnitId: string, termYear: number, transferredAt = at(`${termYear - 1}-12-20`)): BlocEvent {
  return { type: 'ChairFlagTransferred', data: { blocId: BLOC, fromUnitId, toUnitId, termYear, transferredAt } };
}
export function deputyElected(unitId: string, termYear: number, electedAt = at(`${termYear - 1}-12-20`)): BlocEvent {
  return { type: 'DeputyChairElected', data: { blocId: BLOC, unitId, termYear, electedAt } };
}

/** A bloc with five members and TT holding the flag for 2013. */
export function blocHistory(): BlocEvent[] {
  return [blocEstablished(), ...[NN, CT, TT, XD, VQG].map((unitId) => memberAdmitted(unitId)), flagTransferred(null, TT, YEAR)];
}

export function blocState(events: readonly BlocEvent[] = blocHistory()): BlocState {
  return fold(blocDecider, events);
}

// ---- campaign events

/** A launch with v1's default quotas, or, given `awards`, with that catalogue and no quotas. */
export function campaignLaunched(overrides: Partial<ThiduaEventData<'CampaignLaunched'>> = {}): CampaignEvent {
  const { awards, ...rest } = overrides;
  return {
    type: 'CampaignLaunched',
    data: {
      campaignId: CAMPAIGN,
      blocId: BLOC,
      year: YEAR,
      title: 'Phong trào thi đua năm 2013',
      criteria: CRITERIA,
      bonusCap: 2,
      ...(awards ? { awards } : { awardQuotas: { 'provincial-flag': 1, 'government-flag': 1, 'certificate-of-merit': 3 } }),
      launchedAt: at('2013-01-15'),
      ...rest,
    },
  };
}
export const scoringOpened: CampaignEvent = { type: 'ScoringOpened', data: { campaignId: CAMPAIGN, at: at('2013-11-01') } };
export const scoringClosed: CampaignEvent = { type: 'ScoringClosed', data: { campaignId: CAMPAIGN, at: at('2014-01-31') } };
export const campaignClosed: CampaignEvent = { type: 'CampaignClosed', data: { campaignId: CAMPAIGN, closedAt: at('2014-03-01') } };
export function rankAssigned(unitId: string, rank: number, totalPoints: number, basis: 'score' | 'vote' = 'score'): CampaignEvent {
  return {
    type: 'RankAssigned',
    data: { campaignId: CAMPAIGN, unitId, pledgeId: pledgeIdOf(CAMPAIGN, unitId), rank, totalPoints, basis, assignedAt: at('2014-02-13') },
  };
}
export function awardProposed(unitId: string, award: 'provincial-flag' | 'government-flag' | 'certificate-of-merit'): CampaignEvent {
  return { type: 'AwardProposed', data: { campaignId: CAMPAIGN, unitId, award, proposedAt: at('2014-02-14') } };
}
export function reviewHeld(kind: 'mid-year' | 'year-end', hostUnitId = TT): CampaignEvent {
  return { type: 'ReviewHeld', data: { campaignId: CAMPAIGN, kind, hostUnitId, heldAt: at(kind === 'mid-year' ? '2013-07-10' : '2014-02-13') } };
}

export function campaignState(events: readonly CampaignEvent[]): CampaignState {
  return fold(campaignDecider, events);
}

// ---- pledge events

export function pledgeSigned(unitId: string, campaignId = CAMPAIGN): PledgeEvent {
  return {
    type: 'PledgeSigned',
    data: {
      pledgeId: pledgeIdOf(campaignId, unitId),
      campaignId,
      blocId: BLOC,
      unitId,
      signedBy: `Giám đốc ${unitId}`,
      targets: [{ criterionId: 'c1', commitment: 'Hoàn thành 100% kế hoạch' }],
      signedAt: at('2013-02-01'),
    },
  };
}
export function scoreRecorded(unitId: string, criterionId: string, points: number, assessor: 'self' | 'cross' | 'verified' = 'verified'): PledgeEvent {
  return { type: 'ScoreRecorded', data: { pledgeId: pledgeIdOf(CAMPAIGN, unitId), criterionId, points, assessor, scoredAt: at('2013-12-15') } };
}
export function adjustmentRecorded(unitId: string, kind: 'bonus' | 'deduction', points: number): PledgeEvent {
  return { type: 'AdjustmentRecorded', data: { pledgeId: pledgeIdOf(CAMPAIGN, unitId), kind, points, reason: 'Sáng kiến', adjustedAt: at('2013-12-20') } };
}
export function pledgeWithdrawn(unitId: string): PledgeEvent {
  return { type: 'PledgeWithdrawn', data: { pledgeId: pledgeIdOf(CAMPAIGN, unitId), reason: 'Rút đăng ký', at: at('2013-09-01') } };
}
export function pledgeDisqualified(unitId: string): PledgeEvent {
  return { type: 'PledgeDisqualified', data: { pledgeId: pledgeIdOf(CAMPAIGN, unitId), reason: 'Vi phạm', at: at('2013-12-30') } };
}

/** A signed pledge folded from its events (the first must be `PledgeSigned`). */
export function signedPledge(events: readonly PledgeEvent[]): SignedPledge {
  const state = fold(pledgeDecider, events);
  if (!state.signed) throw new Error('fixture: the pledge events must start with PledgeSigned');
  return state;
}
