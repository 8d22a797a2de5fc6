import type { YearEndStandings } from '../standings/standings.types';

/**
 * Renders year-end standings as the JSON of DESIGN §4, indented, with a final
 * newline. The object holds only JSON values, so this is a plain stringify;
 * it is a function of its own so every caller writes the same bytes.
 */
export function renderStandingsJson(standings: YearEndStandings): string {
  return `${JSON.stringify(standings, null, 2)}\n`;
}
