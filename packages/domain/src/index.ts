/**
 * @packageDocumentation
 * `@thidua/domain`: emulation campaigns (thi đua – khen thưởng) as deciders.
 * Blocs (khối thi đua) hold members and the rotating chair flag; a bloc's
 * yearly campaign (phong trào) holds criteria, phases, reviews, ranks and
 * awards; each member's pledge (giao ước) holds its scores.
 *
 * Write with `createThidua({ eventStore }).execute(command)` over a store
 * created with `registry: thiduaRegistry`. Projections import the event
 * types, `thiduaRegistry`, and the pure helpers of `scoring`, `ranking`,
 * `roles` and `streams`.
 */

// The write API.
export { createThidua, type CreateThiduaOptions, type Thidua } from './thidua';
// One module per aggregate (decider, stream, context loader, commands, events): what createThidua looks commands up in.
export { THIDUA_AGGREGATES } from './aggregates';
export { defineAggregate, type AggregateModule, type RoutedAggregate, type HandlerTuning } from './aggregate';
export { blocModule } from './bloc/bloc.module';
export { campaignModule } from './campaign/campaign.module';
export { pledgeModule } from './pledge/pledge.module';
export type { BlocCommand } from './bloc/bloc.commands';
export type { CampaignCommand } from './campaign/campaign.commands';
export type { PledgeCommand } from './pledge/pledge.commands';
// Commands: the envelope, parsed at the edge; one command's type by name.
export {
  thiduaCommandSchema,
  parseThiduaCommand,
  THIDUA_COMMANDS,
  type ThiduaCommand,
  type ThiduaCommandName,
  type ThiduaCommandOf,
} from './commands';
export { actorSchema, commandEnvelope, commandIdSchema, type CommandOf } from './command-envelope';
// Events: one definition each (schema, version, upcasters); every event type derives from it.
export { BlocEstablished, MemberAdmitted, MemberRemoved, ChairFlagTransferred, DeputyChairElected, type BlocEvent } from './bloc/bloc.events';
export {
  CampaignLaunched,
  ScoringOpened,
  ScoringClosed,
  ReviewHeld,
  RankAssigned,
  AwardProposed,
  CampaignClosed,
  AwardDecided,
  PledgesClassified,
  REVIEW_KINDS,
  RANK_BASES,
  AWARD_OUTCOMES,
  type AwardOutcome,
  type Criterion,
  type ReviewKind,
  type RankBasis,
  type CampaignEvent,
} from './campaign/campaign.events';
// The award catalogue (v1's three awards when a campaign names none), classes and criteria groups.
export {
  awardCatalogue,
  awardGroupOf,
  AWARD_KINDS,
  AWARD_ENTRY_KINDS,
  FLAG_AWARDS,
  DEFAULT_AWARD_QUOTAS,
  V1_AWARD_TITLES,
  type AwardKind,
  type AwardEntry,
  type AwardEntryKind,
  type AwardQuotas,
} from './campaign/award-catalogue';
export { tierForTotal, CLASS_BASES, type Tier, type CriteriaGroup, type ClassBasis } from './campaign/classes';
export { validateClassVote } from './campaign/class-vote';
export { PledgeSigned, ScoreRecorded, AdjustmentRecorded, PledgeDisqualified, PledgeWithdrawn, type Target, type PledgeEvent } from './pledge/pledge.events';
export {
  thiduaRegistry,
  thiduaEventDefinitions,
  THIDUA_EVENT_TYPES,
  type ThiduaEvent,
  type ThiduaEventType,
  type ThiduaEventOf,
  type ThiduaEventData,
} from './registry';
export type { EventOf } from './event-types';
// Orders the domain makes impossible, for the kernel's verifyLog.
export { thiduaAuditRules, scoreAfterScoringClosedRule, rankForMissingPledgeRule } from './audit-rules';
// States as evolve folds them, for code that loads one stream, and what the deciders read from other streams.
export { initialBlocState, isMember, memberOf, type BlocState, type EstablishedBloc, type BlocMember, type BlocRemoval, type FlagTerm, type DeputyTerm } from './bloc/bloc.state';
export {
  initialCampaignState,
  startsNewRanking,
  flagsAllowed,
  type CampaignState,
  type LaunchedCampaign,
  type CampaignPhase,
  type Review,
  type RankRow,
  type Ranking,
  type ProposedAward,
  type AwardDecision,
  type Classification,
} from './campaign/campaign.state';
export type { CampaignContext } from './campaign/campaign.decider';
export { initialPledgeState, type PledgeState, type SignedPledge, type PledgeStatus, type PledgeScore, type PledgeAdjustment } from './pledge/pledge.state';
export { campaignIdOfPledgeCommand, pledgeIdOfPledgeCommand, type PledgeContext } from './pledge/pledge.decider';
// When a fact happened (the events' own dates), for as-of cuts and trails.
export { businessTimeOf } from './business-time';
// Reading one aggregate from the store.
export { loadStream, loadBloc, loadCampaign, loadPledge, loadCampaignPledges, loadCampaignsOfYear } from './load';
// Stream names.
export {
  blocStream,
  campaignStream,
  pledgeStream,
  pledgeIdOf,
  parsePledgeId,
  parseStreamId,
  isId,
  BLOC_STREAM_PREFIX,
  CAMPAIGN_STREAM_PREFIX,
  PLEDGE_STREAM_PREFIX,
  type ParsedStreamId,
} from './streams';
// Exact scoring, shared with projections.
export {
  toHundredths,
  fromHundredths,
  addPoints,
  hasAtMostTwoDecimals,
  effectiveScores,
  effectiveScoresInHundredths,
  pledgeTotal,
  withLatestScore,
  MAX_POINTS,
  ASSESSORS,
  type Assessor,
  type ScoreLike,
  type AdjustmentLike,
  type PledgeTotal,
  type PledgeTotalInput,
} from './scoring';
// Ranking, shared with projections.
export {
  rankByScore,
  validateBallot,
  coverageOf,
  coverageProblem,
  isValidRanking,
  compareRanked,
  compareUnitIds,
  type ScoreRow,
  type BallotEntry,
  type BallotProblem,
} from './ranking';
// Roles and who holds the flag.
export {
  THIDUA_ROLES,
  chairForYear,
  currentFlagHolder,
  deputyForYear,
  assertCouncil,
  assertCouncilOrChair,
  assertCouncilOrOwnUnit,
  type ThiduaRole,
  type FlagTermLike,
  type DeputyTermLike,
} from './roles';
// Rule codes.
export { RULES, type RuleCode } from './rules';
// Shared field schemas.
export {
  ID_PATTERN,
  PLEDGE_ID_PATTERN,
  idSchema,
  pledgeIdSchema,
  dateTimeSchema,
  yearSchema,
  pointsSchema,
  positivePointsSchema,
} from './schemas';
