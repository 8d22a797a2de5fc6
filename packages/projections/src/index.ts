/**
 * @packageDocumentation
 * thidua read models (DESIGN §4): year-end standings, chair-flag history,
 * audit trail and campaign progress, as projections on the kernel's runtime;
 * typed readers over a projection store; and renderers for the standings.
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
// Readers: typed queries, with read-your-writes and as-of.
export {
  getAuditTrail,
  getCampaignProgress,
  getChairHistory,
  getYearEndStandings,
  getYearEndStandingsAsOf,
  type ReadOptions,
} from './readers';
// Read-model shapes.
export type { StandingsRow, YearEndStandings } from './standings/standings.types';
export type { ChairHistory, ChairTransfer, DeputyElection } from './chair-history/chair-history.types';
export type { AuditEntry } from './audit-trail/audit-trail.types';
export type { CampaignProgress, CriterionProgress, PledgeProgress } from './progress/progress.types';
// Rendering the standings.
export { renderStandingsHtml } from './render/html';
export { renderStandingsJson } from './render/json';
export { renderStandingsTable } from './render/table';
export type { RenderStandingsOptions } from './render/format';
