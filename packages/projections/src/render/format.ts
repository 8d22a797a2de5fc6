import type { YearEndStandings } from '../standings/standings.types';

/** Options shared by the standings renderers. */
export interface RenderStandingsOptions {
  /**
   * Names for units that have no row (a next chair that signed no pledge, say);
   * units with a row are named from it. Unknown units are shown by id.
   */
  unitNames?: Readonly<Record<string, string>>;
}

/** Resolves unit ids to names: the rows first, then the caller's map, then the id itself. */
export function unitNamer(standings: YearEndStandings, options: RenderStandingsOptions = {}): (unitId: string) => string {
  const names = new Map<string, string>(Object.entries(options.unitNames ?? {}));
  for (const row of standings.rows) names.set(row.unitId, row.unitName);
  return (unitId) => names.get(unitId) ?? unitId;
}

/** Criterion ids in column order: the order the rows list them in (the campaign's order). */
export function criterionColumns(standings: YearEndStandings): string[] {
  const seen = new Set<string>();
  for (const row of standings.rows) for (const id of Object.keys(row.criteria)) seen.add(id);
  return [...seen];
}

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
