/**
 * @packageDocumentation
 * `@thidua/render`: the thidua read models as reports. The year-end
 * standings and an authority's year summary, each as a plain-text terminal
 * table (cli-table3, no colours), as their documented JSON, and as one
 * self-contained Vietnamese HTML page. A separate package so that a backend
 * reading the projections installs no terminal-table library.
 */

// The year-end standings.
export { renderStandingsTable, type RenderStandingsTableOptions } from './standings-table';
export { renderStandingsHtml } from './standings-html';
export { renderStandingsJson, renderYearSummaryJson } from './json';
// The year summary of an authority.
export { renderYearSummaryTable, type RenderYearSummaryOptions } from './summary-table';
export { renderYearSummaryHtml } from './summary-html';
// Shared options: names for unknown units, and where a report comes from.
export { escapeHtml } from './html-page';
export type { Provenance, RenderStandingsOptions } from './format';
