/** The state of one campaign stream, as `evolve` folds it. */
import type { AwardEntry, AwardQuotas } from './award-catalogue';
import type { AwardOutcome, Criterion, RankBasis, ReviewKind } from './campaign.events';
import type { ClassBasis, CriteriaGroup, Tier } from './classes';

/**
 * Phases, in order: launched (pledges are signed) → scoring (open)
 * → scoring-closed (ranks, awards) → closed (final, nothing more).
 */
export type CampaignPhase = 'launched' | 'scoring' | 'scoring-closed' | 'closed';

/** A review conference held for the campaign. */
export interface Review {
  kind: ReviewKind;
  hostUnitId: string;
  heldAt: string;
}

/** One pledge's place in a ranking. */
export interface RankRow {
  unitId: string;
  pledgeId: string;
  rank: number;
  totalPoints: number;
}

/** The ranking in force: the rows of the latest ranking, ordered by rank then unitId. */
export interface Ranking {
  basis: RankBasis;
  assignedAt: string;
  rows: RankRow[];
}

/** An award proposed for a unit: an `awardId` of the campaign's catalogue. */
export interface ProposedAward {
  unitId: string;
  award: string;
  proposedAt: string;
}

/** The council's decision on a proposed award. */
export interface AwardDecision {
  unitId: string;
  award: string;
  outcome: AwardOutcome;
  decisionRef: string;
  decidedAt: string;
}

/** The classification in force: the latest `PledgesClassified`. */
export interface Classification {
  basis: ClassBasis;
  classifiedAt: string;
  /** Pledges with a tier, best tier first, then by unitId. */
  classes: { unitId: string; pledgeId: string; tierId: string }[];
}

/** A campaign that has been launched. */
export interface LaunchedCampaign {
  launched: true;
  campaignId: string;
  blocId: string;
  year: number;
  title: string;
  criteria: Criterion[];
  bonusCap: number;
  /** v1's quotas, when the campaign was launched without a catalogue; `null` with one. */
  awardQuotas: AwardQuotas | null;
  /** The awards it may propose: its own catalogue, else v1's three (see `awardCatalogue`). */
  catalogue: AwardEntry[];
  /** Its classes, best first; empty when it classifies nobody. */
  tiers: Tier[];
  /** Its criteria groups; empty when it has none. */
  groups: CriteriaGroup[];
  launchedAt: string;
  phase: CampaignPhase;
  reviews: Review[];
  /** The latest ranking, or `null` before the first. */
  ranking: Ranking | null;
  /** How many rankings the stream holds (a later one supersedes the earlier). */
  rankings: number;
  /**
   * True while the last event of the stream is a `RankAssigned`: the next
   * `RankAssigned` may continue the same ranking. See {@link startsNewRanking}.
   */
  lastWasRank: boolean;
  awards: ProposedAward[];
  /** The council's decisions, in stream order. */
  decisions: AwardDecision[];
  /** The latest classification, or `null` before the first. */
  classification: Classification | null;
}

/** The state of a campaign stream: nothing yet, or a launched campaign. */
export type CampaignState = { launched: false } | LaunchedCampaign;

/** The state before the first event. */
export const initialCampaignState: CampaignState = { launched: false };

/**
 * How a reader of the log tells rankings apart. One ranking is one atomic
 * append of `RankAssigned` events, one per eligible pledge, each unit once.
 * So a `RankAssigned` opens a new ranking (superseding the one before) when
 * the event before it in the campaign stream is not a `RankAssigned`, or when
 * its unit already has a rank in the ranking being read. Projections use the
 * same rule.
 */
export function startsNewRanking(lastWasRank: boolean, currentRankedUnitIds: readonly string[], unitId: string): boolean {
  return !lastWasRank || currentRankedUnitIds.includes(unitId);
}

/** The number of flags (provincial + government) the quotas allow: flags go only to units ranked within it. */
export function flagsAllowed(quotas: AwardQuotas): number {
  return quotas['provincial-flag'] + quotas['government-flag'];
}
