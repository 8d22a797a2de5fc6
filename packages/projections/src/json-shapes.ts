/*
 * The documented JSON of the read models: their objects without the
 * `legend` kept for renderers, key for key in the documented order.
 */
import type { YearEndStandings } from './standings/standings.types';
import type { YearSummary } from './year-summary/year-summary.types';

/** The standings as their documented JSON object (`thidua standings --format json`): everything but the legend. */
export function toStandingsJson(standings: YearEndStandings): Omit<YearEndStandings, 'legend'> {
  const { legend, ...json } = standings;
  void legend;
  return json;
}

/** The year summary as its documented JSON object (`thidua summary --format json`): `{ authority, year, blocs }`. */
export function toYearSummaryJson(summary: YearSummary): Omit<YearSummary, 'legend'> {
  const { legend, ...json } = summary;
  void legend;
  return json;
}
