/** A pledge's standing in its campaign: still competing, or out of the ranking. */
export type PledgeStatus = 'active' | 'withdrawn' | 'disqualified';

/** How a rank was reached (DESIGN §3): computed from totals, or voted by the bloc. */
export type RankBasis = 'score' | 'vote';

/** An award a unit may be proposed for (DESIGN §3). */
export type AwardKind = 'provincial-flag' | 'government-flag' | 'certificate-of-merit';

/** A level of assessment, from weakest to strongest (DESIGN §3). */
export type AssessorLevel = 'self' | 'cross' | 'verified';

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
  /** Awards proposed for the unit, in the order proposed. */
  awards: AwardKind[];
  /** Basis of `rank`; `null` when there is no rank. */
  basis: RankBasis | null;
}

/**
 * The year-end standings of one bloc for one year, exactly the JSON keys of
 * DESIGN §4 (`thidua standings --format json`).
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
  /** Chair for `year + 1`, once the flag has been transferred to it. */
  nextChair: string | null;
  /** Deputy chair elected for `year + 1`. */
  nextDeputy: string | null;
  /** The transfer of the flag to next year's chair, or null before it happens. */
  flag: { fromUnitId: string | null; toUnitId: string } | null;
  /** True once the campaign is closed: nothing will change any more. */
  final: boolean;
  /** Ordered by rank, then unitId; unranked (withdrawn, disqualified) rows last. */
  rows: StandingsRow[];
}
