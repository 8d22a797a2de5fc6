import type { AwardOutcome } from '@thidua/domain';

/** One bloc in the year summary of its authority. */
export interface YearSummaryBloc {
  blocId: string;
  blocName: string;
  campaignId: string;
  /** True once the bloc's campaign of the year is closed. */
  final: boolean;
  /** As in the bloc's standings. */
  chair: string | null;
  /** As in the bloc's standings. */
  nextChair: string | null;
  /** Units ranked 1 by the ranking in force (ties share it), by unitId; `[]` before a ranking. */
  leaders: string[];
  /** Every award proposed, by unitId then award, with the council's outcome or `null` before its decision. */
  awards: { unitId: string; award: string; outcome: AwardOutcome | null }[];
  /** tierId → pledges the latest classification put in it (tiers it left empty are not listed); `{}` before one. */
  tiers: Record<string, number>;
}

/** Names and titles for rendering the summary, per bloc; not part of the JSON. */
export interface YearSummaryLegend {
  /** blocId → unitId → unitName. */
  units: Record<string, Record<string, string>>;
  /** blocId → awardId → title. */
  awards: Record<string, Record<string, string>>;
  /** blocId → tierId → title, best first. */
  tiers: Record<string, Record<string, string>>;
}

/**
 * The year summary of an authority, for its council: every bloc whose
 * `authority` is the given text and that ran a campaign that year, ordered
 * by blocId (`thidua summary --format json`: `authority`, `year`, `blocs`).
 */
export interface YearSummary {
  authority: string;
  year: number;
  blocs: YearSummaryBloc[];
  /** Names and titles for rendering; not part of the JSON. */
  legend: YearSummaryLegend;
}

/** `authority:<authority>` — the blocs an authority established, in log order. */
export interface AuthorityBlocsDoc {
  authority: string;
  blocIds: string[];
}
