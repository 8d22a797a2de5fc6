import type { Assessor, AwardEntry, AwardOutcome, PledgeStatus, RankBasis } from '@thidua/domain';

/**
 * One row of the year-end standings: one pledge. Points are numbers with at
 * most two decimals, computed from integer hundredths.
 */
export interface StandingsRow {
  /** Assigned rank, else the provisional one; `null` for withdrawn and disqualified pledges. */
  rank: number | null;
  /** True while no ranking has been assigned: the rank is computed from totals (basis `score`). */
  provisional: boolean;
  unitId: string;
  unitName: string;
  /** criterionId → effective points, for every criterion of the campaign (0 when unscored). */
  criteria: Record<string, number>;
  /** Bonus counted in the total: Σ bonus adjustments, capped at the campaign's bonus cap. */
  bonus: number;
  /** Σ deduction adjustments. */
  deduction: number;
  total: number;
  status: PledgeStatus;
  /** Awards proposed for the unit (awardIds of the catalogue), in the order proposed. */
  awards: string[];
  /** Basis of `rank`; `null` when there is no rank. */
  basis: RankBasis | null;
  /** The tier of the latest classification; `null` before one, or for a pledge it left without one. */
  tier: string | null;
  /** groupId → subtotal of effective points of the group's criteria, every declared group; `{}` when the campaign has none. */
  groups: Record<string, number>;
  /** award → the council's decision on it; `{}` when none. */
  decisions: Record<string, { outcome: AwardOutcome; decisionRef: string }>;
}

/**
 * What the renderers need beside the documented keys, kept out of the JSON
 * (`renderStandingsJson` writes only the documented keys): names and titles,
 * maxima, and which criteria are not scored yet.
 */
export interface StandingsLegend {
  /** unitId → unitName of every unit the bloc ever admitted. */
  units: Record<string, string>;
  /** The campaign's criteria, in the covenant's order. */
  criteria: { criterionId: string; title: string; maxPoints: number; groupId: string | null }[];
  /** The criteria groups, with their maximum (Σ maxPoints of their criteria). */
  groups: { groupId: string; title: string; maxPoints: number }[];
  bonusCap: number;
  /** The most a total can reach: Σ maxPoints + bonusCap. */
  maxTotal: number;
  /** unitId → criteria with no score yet at any level (shown as not yet scored, not as 0). */
  unscored: Record<string, string[]>;
}

/**
 * The year-end standings of one bloc for one year: the documented JSON keys
 * (`thidua standings --format json`, see docs/projections.md).
 */
export interface YearEndStandings {
  blocId: string;
  blocName: string;
  year: number;
  campaignId: string;
  title: string;
  /** The year-end review (the last one held), or null before it is held. */
  review: { heldAt: string; hostUnitId: string } | null;
  /** Holder of the chair flag for `year`. */
  chair: string | null;
  /** Deputy chair elected for `year`. */
  deputy: string | null;
  /** Holder of the flag for `year + 1`: the current holder until a transfer names another. */
  nextChair: string | null;
  /** Deputy chair elected for `year + 1`. */
  nextDeputy: string | null;
  /** The transfer of the flag to next year's chair, or null before it happens. */
  flag: { fromUnitId: string | null; toUnitId: string } | null;
  /** True once the campaign is closed: nothing will change any more but the council's decisions. */
  final: boolean;
  /** The award catalogue: v1's three awards when the campaign was launched without one. */
  awards: { awardId: string; title: string; kind: AwardEntry['kind']; quota: number }[];
  /** The campaign's classes, best first; `[]` without any. */
  tiers: { tierId: string; title: string }[];
  /** Ordered by rank, then unitId; unranked (withdrawn, disqualified) rows last. */
  rows: StandingsRow[];
  /** Names, titles and maxima for rendering; not part of the JSON. */
  legend: StandingsLegend;
}

/*
 * Stored documents of the `standings` projection. The reader assembles
 * {@link YearEndStandings} from one bloc document and one campaign document,
 * so an event touches at most two documents whatever the size of the log.
 */

/** `bloc:<blocId>` — what the standings need to know about a bloc across years. */
export interface StandingsBlocDoc {
  blocId: string;
  blocName: string;
  /** unitId → unitName of every unit ever admitted (kept after removal, so old standings keep their names). */
  units: Record<string, string>;
  /** Chair-flag transfers in log order (term years only increase). */
  transfers: { termYear: number; fromUnitId: string | null; toUnitId: string }[];
  /** Deputy-chair elections in log order (for a term year, the last one counts). */
  deputies: { termYear: number; unitId: string }[];
  /** year → campaignId of the bloc's campaign for that year. */
  campaigns: Record<string, string>;
}

/** The latest points of one criterion at each assessor level that scored it. */
export type StandingsLevelPoints = Partial<Record<Assessor, number>>;

/** A pledge's scoring inputs, as recorded: totals are computed on read with the domain's `pledgeTotal`. */
export interface StandingsPledgeDoc {
  pledgeId: string;
  unitId: string;
  status: PledgeStatus;
  /**
   * criterionId → the points of the latest ScoreRecorded at each assessor
   * level (all a total can use: only the latest of a criterion and level
   * counts). A record rather than a list of scores: a score replaces its
   * level's points in place, and the document stays small.
   */
  scores: Record<string, StandingsLevelPoints>;
  /** Every AdjustmentRecorded, in stream order. */
  adjustments: { kind: 'bonus' | 'deduction'; points: number }[];
}

/** The ranking in force: the last `AssignRanks`, made of consecutive `RankAssigned` events. */
export interface StandingsRankingDoc {
  basis: RankBasis;
  assignedAt: string;
  /** Position of the ranking's first RankAssigned (decimal string). */
  position: string;
  /** Campaign-stream revision of the ranking's latest RankAssigned (decimal string). */
  lastRevision: string;
  /** unitId → rank. */
  ranks: Record<string, number>;
}

/** `campaign:<campaignId>` — one campaign with all its pledges. */
export interface StandingsCampaignDoc {
  campaignId: string;
  blocId: string;
  year: number;
  title: string;
  /** Criterion ids in the covenant's order. */
  criterionIds: string[];
  bonusCap: number;
  review: { heldAt: string; hostUnitId: string } | null;
  closed: boolean;
  /** unitId → pledge. */
  pledges: Record<string, StandingsPledgeDoc>;
  ranking: StandingsRankingDoc | null;
  /** unitId → awards proposed, in order. */
  awards: Record<string, string[]>;
  /** The covenant's criteria with their titles, maxima and groups (since v4). */
  criteria: { criterionId: string; title: string; maxPoints: number; groupId?: string }[];
  /** Criteria groups (since v4). */
  groups: { groupId: string; title: string }[];
  /** The award catalogue in force (since v4). */
  catalogue: AwardEntry[];
  /** The classes, best first (since v4). */
  tiers: { tierId: string; title: string }[];
  /** unitId → tierId of the latest classification; `null` before one (since v4). */
  classification: Record<string, string> | null;
  /** unitId → award → the council's decision (since v4). */
  decisions: Record<string, Record<string, { outcome: AwardOutcome; decisionRef: string }>>;
}

/** Any document of the `standings` projection. */
export type StandingsDoc = StandingsBlocDoc | StandingsCampaignDoc;
