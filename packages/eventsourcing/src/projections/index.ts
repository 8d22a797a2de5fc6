export type {
  CommitBatch,
  DocumentChanges,
  Projection,
  ProjectionDocuments,
  ProjectionState,
  ProjectionStore,
} from './projection';
export {
  createProjectionRunner,
  waitForCheckpoint,
  type ProjectionProgress,
  type ProjectionRunner,
  type ProjectionRunnerOptions,
} from './projection-runner';
export { replayAsOf, type AsOf } from './replay-as-of';
export { getProjectionLag, type ProjectionLag, type ProjectionLagOptions, type ProjectionLagReport } from './projection-lag';
export type { LeaseHolder, ProjectionLeases } from './projection-leases';
export { documentProjection, type DocumentEventHandler, type DocumentEventHandlers, type DocumentProjectionOptions } from './document-projection';
