/*
 * What the renderers share: names, dates, points, and the report's
 * provenance. Every renderer shows points with exactly two decimals (a
 * table and a chart of the same standings must read the same numbers).
 */
import type { YearEndStandings } from '@thidua/projections';

/** Where a report comes from, for an auditor to quote: printed in the HTML page and under the table. */
export interface Provenance {
  /** When the report was made (ISO-8601). */
  generatedAt: string;
  /** The log position the read models had reached (decimal string), or `null` for an empty log. */
  position: string | null;
  /** The hash of the event at that position (its chain's tip), when known. */
  headHash?: string | null;
  /** How the log was cut, for an as-of report (e.g. `business time 2014-02-12`). */
  asOf?: string;
  /** A signed anchor covering the log, when one exists (its file name or digest). */
  anchor?: string;
}

/** Options shared by the standings renderers. */
export interface RenderStandingsOptions {
  /**
   * Names for units the standings do not know (they know every unit the bloc
   * ever admitted, so this is rarely needed); unknown units show by id.
   */
  unitNames?: Readonly<Record<string, string>>;
  /** Where the report comes from. */
  provenance?: Provenance;
}

/** Resolves unit ids to names: the standings' own names first, then the caller's, then the id itself. */
export function unitNamer(standings: YearEndStandings, options: RenderStandingsOptions = {}): (unitId: string) => string {
  const names = new Map<string, string>(Object.entries(options.unitNames ?? {}));
  for (const [unitId, name] of Object.entries(standings.legend.units)) names.set(unitId, name);
  for (const row of standings.rows) names.set(row.unitId, row.unitName);
  return (unitId) => names.get(unitId) ?? unitId;
}

/** Points with two decimals, as a terminal shows them: `87.00`. */
export const points = (value: number): string => value.toFixed(2);

// Vietnamese writes 87,00 for 87.00; the page is read by a Vietnamese audience.
const viPoints = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** Points with two decimals, the Vietnamese way: `87,00`. */
export const diem = (value: number): string => viPoints.format(value);

/**
 * The calendar date of an ISO-8601 instant as written, in its own offset:
 * `2014-02-13T08:00:00+07:00` is the 13th in Tây Ninh even though it is the
 * 13th at 01:00 in UTC, and converting through `Date` would use the host's zone.
 */
export function localDateParts(iso: string): { year: string; month: string; day: string } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return null;
  const [, year, month, day] = match as unknown as [string, string, string, string];
  return { year, month, day };
}

/** True once next year's chair was chosen: the flag was handed to the chair of `year + 1`. */
export const nextChairChosen = (standings: YearEndStandings): boolean => standings.flag !== null;

/** The title of an award of the standings' catalogue, else its id. */
export function awardTitle(standings: YearEndStandings, awardId: string): string {
  return standings.awards.find((award) => award.awardId === awardId)?.title ?? awardId;
}

/** The title of a tier of the standings, else its id. */
export function tierTitle(standings: YearEndStandings, tierId: string): string {
  return standings.tiers.find((tier) => tier.tierId === tierId)?.title ?? tierId;
}

/** True when the row's unit has no score yet for the criterion (shown as not yet scored, not as 0). */
export function unscored(standings: YearEndStandings, unitId: string, criterionId: string): boolean {
  return Object.prototype.hasOwnProperty.call(standings.legend.unscored, unitId) && (standings.legend.unscored[unitId] ?? []).includes(criterionId);
}
