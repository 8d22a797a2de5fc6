/**
 * @packageDocumentation
 * thidua read models: year-end standings, chair-flag history,
 * audit trail and campaign progress, as projections on the kernel's runtime;
 * typed readers over a projection store. Rendering (terminal tables, HTML)
 * is `@thidua/render`'s.
 */

// Running the projections.
export {
  createThiduaProjections,
  thiduaProjections,
  type ThiduaProjections,
  type ThiduaProjectionsOptions,
} from './thidua-projections';
// The projections themselves, for callers that run or replay them one by one.
export { STANDINGS_PROJECTION, standingsProjection } from './standings/standings.projection';
export { CHAIR_HISTORY_PROJECTION, chairHistoryProjection } from './chair-history/chair-history.projection';
export { AUDIT_TRAIL_PROJECTION, auditTrailProjection } from './audit-trail/audit-trail.projection';
export { PROGRESS_PROJECTION, progressProjection } from './progress/progress.projection';
export { YEAR_SUMMARY_PROJECTION, yearSummaryProjection } from './year-summary/year-summary.projection';
// Readers: typed queries, with read-your-writes and as-of.
export {
  getAuditTrail,
  getCampaignProgress,
  getChairHistory,
  getYearEndStandings,
  getYearEndStandingsAsOf,
  getYearSummary,
  getYearSummaryAsOf,
  listAuthorities,
  type ReadOptions,
} from './readers';
// The documented JSON objects (the read models without their legend).
export { toStandingsJson, toYearSummaryJson } from './json-shapes';
// Reading as of a past moment: by business time, the store's clock or a position.
export { replayReadModelsAsOf, describePastTheEnd, type ReadAsOf, type AsOfCut } from './as-of';
// Read-model shapes.
export type { StandingsRow, StandingsLegend, YearEndStandings } from './standings/standings.types';
export type { YearSummary, YearSummaryBloc, YearSummaryLegend } from './year-summary/year-summary.types';
export type { ChairHistory, ChairTransfer, DeputyElection } from './chair-history/chair-history.types';
export type { AuditEntry } from './audit-trail/audit-trail.types';
export type { CampaignProgress, CriterionProgress, PledgeProgress } from './progress/progress.types';
