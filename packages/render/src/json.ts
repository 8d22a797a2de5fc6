import { toStandingsJson, toYearSummaryJson, type YearEndStandings, type YearSummary } from '@thidua/projections';

/**
 * Renders year-end standings as their documented JSON (every key but the
 * renderers' legend), indented, with a final newline: what `thidua
 * standings --format json` prints, the same bytes for every caller.
 */
export function renderStandingsJson(standings: YearEndStandings): string {
  return `${JSON.stringify(toStandingsJson(standings), null, 2)}\n`;
}

/** Renders a year summary as its documented JSON (`{ authority, year, blocs }`), indented, with a final newline. */
export function renderYearSummaryJson(summary: YearSummary): string {
  return `${JSON.stringify(toYearSummaryJson(summary), null, 2)}\n`;
}
