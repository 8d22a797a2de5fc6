/**
 * @packageDocumentation
 * The domain-agnostic event-sourcing kernel of thidua. Test helpers live in
 * the `@thidua/eventsourcing/testing` subpath, never here.
 */

// Deciders: the write-side model every aggregate follows.
export { assertNever, fold, type Decider, type DomainEvent } from './decider';
// The recorded-event envelope.
export type { Actor, EventMetadata, NewEvent, RecordedEvent } from './envelope';
// Typed errors with stable codes.
export {
  ThiduaError,
  isThiduaError,
  ValidationError,
  NotFoundError,
  ForbiddenError,
  RuleViolationError,
  ConcurrencyError,
  CorruptLogError,
  TimeoutError,
  ProjectionFailedError,
  ProjectionOutdatedError,
  issuesFromZod,
  parseOrThrow,
  type ErrorCode,
  type ValidationIssue,
} from './errors';
// The store port, and the kernel wrapper adapters build on.
export {
  checkExpectedRevision,
  createEventStore,
  matchesFilter,
  pollingSubscription,
  type AggregateStreamOptions,
  type AggregateStreamResult,
  type AppendOptions,
  type AppendResult,
  type CreateEventStoreOptions,
  type Direction,
  type EventStore,
  type EventStoreDriver,
  type ExpectedRevision,
  type ReadAllFilter,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoreCapabilities,
  type StreamTip,
  type SubscribeOptions,
  type Subscription,
} from './event-store';
// Event schemas, versions and upcasters.
export {
  createEventRegistry,
  defineEvent,
  EventRegistry,
  type EventDefinition,
  type EventVersionHistory,
  type VersionedPayload,
} from './registry';
// The per-stream hash chain (audit).
export {
  canonicalJson,
  computeEventHash,
  metadataWithoutHashes,
  sealEvents,
  verifyChains,
  ChainVerifier,
  type ChainBreak,
  type HashedFields,
  type SealedEvent,
} from './hash-chain';
// The NDJSON interchange format (export, import, audit).
export {
  parseNdjsonLine,
  payloadProblem,
  recordedFromNdjson,
  toNdjsonLine,
  type NdjsonEvent,
  type ParsedNdjsonLine,
} from './interchange';
// Load → decide → append, idempotent by command id.
export {
  createCommandHandler,
  eventIdFor,
  THIDUA_EVENT_NAMESPACE,
  type Command,
  type CommandHandlerOptions,
  type CommandResult,
} from './command-handler';
// OpenTelemetry (optional peer): the `telemetry` option, and the names of the spans' attributes and metrics.
export {
  TelemetryAttributes,
  TelemetryMetrics,
  type MeterProviderLike,
  type TelemetryOption,
  type TelemetryOptions,
  type TracerProviderLike,
} from './telemetry';
// Projection runtime.
export {
  BatchApplier,
  createProjectionRunner,
  getProjectionLag,
  replayAsOf,
  waitForCheckpoint,
  type AsOf,
  type LeaseHolder,
  type ProjectionLeases,
  type CommitBatch,
  type DocumentChanges,
  type Projection,
  type ProjectionDocuments,
  type ProjectionLag,
  type ProjectionLagOptions,
  type ProjectionLagReport,
  type ProjectionProgress,
  type ProjectionRunner,
  type ProjectionRunnerOptions,
  type ProjectionState,
  type ProjectionStore,
} from './projections';
// In-memory adapters.
export {
  createInMemoryEventStore,
  createInMemoryProjectionLeases,
  createInMemoryProjectionStore,
  type InMemoryEventStoreOptions,
} from './in-memory';
