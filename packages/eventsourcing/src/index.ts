/**
 * @packageDocumentation
 * The domain-agnostic event-sourcing kernel of thidua. Test helpers live in
 * the `@thidua/eventsourcing/testing` subpath, and the driver SPI store
 * adapters implement in `@thidua/eventsourcing/driver`, never here.
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
  DuplicateEventIdError,
  UnsupportedOperationError,
  CommandIdReusedError,
  AppendTooLargeError,
  StreamDeletedError,
  TimeoutError,
  ProjectionFailedError,
  ProjectionOutdatedError,
  StoreUnavailableError,
  isTransientStoreError,
  withoutCredentials,
  issuesFromZod,
  parseOrThrow,
  type CommandFirstUse,
  type ErrorCode,
  type EventPlace,
  type ValidationIssue,
} from './errors';
// One retry policy for every layer that retries.
export {
  DEFAULT_RETRY_POLICY,
  resolveRetryPolicy,
  retryDelay,
  withRetry,
  type RetryPolicy,
  type WithRetryOptions,
} from './retry';
// The store port applications program against (adapters implement `./driver`).
export type {
  AggregateStreamOptions,
  AggregateStreamResult,
  AppendOptions,
  AppendResult,
  MultiStreamAppendResult,
  StreamAppendRequest,
  CreateEventStoreOptions,
  Direction,
  EventStore,
  ExpectedRevision,
  ReadAllFilter,
  ReadAllOptions,
  ReadStreamOptions,
  StoreBookkeeping,
  StoreCapabilities,
  SubscribeOptions,
  Subscription,
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
// Audit: verify a whole log (chains, payloads, ids, positions, bookkeeping, domain rules, anchors, replay), take and check anchors.
export {
  AUDIT_CHECKS,
  AnchorFileError,
  AnchorKeyError,
  anchorFileSchema,
  anchorPrivateKey,
  anchorPublicKey,
  anchorSigningPayload,
  anchorToFile,
  anchorToJson,
  createAnchor,
  describeFinding,
  parseAnchor,
  signAnchor,
  tipsDigest,
  verifyAnchor,
  verifyLog,
  EventsDigest,
  MAX_FINDINGS,
  type Anchor,
  type AnchorFile,
  type AnchorKey,
  type AuditCheckName,
  type AuditCheckResult,
  type AuditEventRef,
  type AuditFinding,
  type AuditLogFacts,
  type AuditReplay,
  type AuditReport,
  type AuditRule,
  type AuditRuleRun,
  type CreateAnchorOptions,
  type StreamTipFact,
  type VerifyLogOptions,
} from './audit';
// Text every store can hold: the check appends and imports run, for schemas too.
export { isStorableText, unstorableTextIssue, unstorableTextProblem } from './text';
// The NDJSON interchange format (export, import, audit), and import planning: validate a whole export, then append it.
export {
  parseNdjsonLine,
  payloadProblem,
  recordedFromNdjson,
  toNdjsonLine,
  ndjsonFileLines,
  ndjsonTextLines,
  planImport,
  applyImport,
  appendSizeOf,
  type NdjsonEvent,
  type ParsedNdjsonLine,
  type NdjsonLine,
  type NdjsonLines,
  type BadImportLine,
  type ImportPlan,
  type ImportProgress,
  type ImportStreamPlan,
  type PlanImportOptions,
  type ApplyImportOptions,
  type ImportResult,
} from './interchange';
// Load → decide → append, idempotent by command id.
export {
  createCommandHandler,
  eventIdFor,
  THIDUA_EVENT_NAMESPACE,
  StreamStateCache,
  type CachedStream,
  type Command,
  type CommandHandlerOptions,
  type CommandPlace,
  type CommandResult,
  type StreamFold,
  type StreamStateCacheOptions,
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
  createProjectionRunner,
  documentProjection,
  getProjectionLag,
  replayAsOf,
  waitForCheckpoint,
  type AsOf,
  type LeaseHolder,
  type ProjectionLeases,
  type CommitBatch,
  type DocumentChanges,
  type DocumentEventHandler,
  type DocumentEventHandlers,
  type DocumentProjectionOptions,
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
