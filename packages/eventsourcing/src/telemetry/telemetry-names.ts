/**
 * Names of the span attributes thidua records. Keys from the OpenTelemetry
 * semantic conventions (`db.*`, `messaging.*`, `error.type`) are used where
 * one means what we record; the rest live under `thidua.*`. Documented, with
 * the spans that carry them, in the operations guide.
 */
export const TelemetryAttributes = {
  /** Semantic conventions: the store behind the operation (`postgresql`, `sqlite`, `kurrentdb`, `memory`). */
  dbSystemName: 'db.system.name',
  /** Semantic conventions: the store operation (`appendToStream`, `readStream`, `aggregateStream`, `readAll`, `readAllPage`). */
  dbOperationName: 'db.operation.name',
  /** Semantic conventions: events a read returned. */
  dbResponseReturnedRows: 'db.response.returned_rows',
  /** Semantic conventions: events in an append, or applied in a projection batch. */
  messagingBatchMessageCount: 'messaging.batch.message_count',
  /** Semantic conventions: the command id. */
  messagingMessageId: 'messaging.message.id',
  /** Semantic conventions: the command's correlation id. */
  messagingConversationId: 'messaging.message.conversation_id',
  /** Semantic conventions: the error code of a thidua error (`rule_violated`, `concurrency`…), else the error's class name. */
  errorType: 'error.type',

  /** The store's own name (`memory`, `sqlite`, `postgres`, `eventstoredb`). */
  store: 'thidua.store',
  /** The stream an operation or command worked on (spans only: never on a metric). */
  streamId: 'thidua.stream.id',
  /** The stream id up to its first `-` (`pledge`, `campaign`, `bloc`): low cardinality, also in span names. */
  streamCategory: 'thidua.stream.category',
  /** The stream's last revision after the operation. */
  streamRevision: 'thidua.stream.revision',
  /** `any`, `no_stream`, `stream_exists` or `exact` (a revision number). */
  expectedRevision: 'thidua.append.expected_revision',
  /** `appended`, `already_appended` (the same events were already there), `conflict`, `refused` or `failed`. */
  appendOutcome: 'thidua.append.outcome',
  /** Global position of the last event appended. */
  appendPosition: 'thidua.append.position',
  /** `forwards` or `backwards`, on `readStream`. */
  readDirection: 'thidua.read.direction',

  /** The command's name (`RecordScore`…). */
  commandName: 'thidua.command.name',
  /** `appended`, `duplicate` (a re-sent command id), `unchanged` (decided nothing), `refused`, `conflict` or `failed`. */
  commandOutcome: 'thidua.command.outcome',
  /** True for a re-sent command id: nothing was appended, the first result was returned. */
  commandDuplicate: 'thidua.command.duplicate',
  /** Load–decide–append attempts, 1 unless a concurrent writer forced a retry. */
  commandAttempts: 'thidua.command.attempts',
  /** The rule code of a `rule_violated` refusal (`score.exceeds_max`…). */
  commandRule: 'thidua.command.rule',
  /** The role of the command's actor (`council`, `chair`…); the actor's id is not recorded. */
  actorRole: 'thidua.actor.role',

  /** The projection a batch belongs to. */
  projectionName: 'thidua.projection.name',
  /** The projection's version (its code's). */
  projectionVersion: 'thidua.projection.version',
  /** True while the batch builds staging documents (a rebuild). */
  projectionRebuild: 'thidua.projection.rebuild',
  /** The checkpoint the batch started from (decimal string; absent for a projection's first batch). */
  projectionPositionFrom: 'thidua.projection.position.from',
  /** The checkpoint the batch committed (decimal string: EventStoreDB positions exceed 2^53). */
  projectionPositionTo: 'thidua.projection.position.to',
  /** `committed`, `conflict` (another runner moved the checkpoint) or `failed`. */
  projectionOutcome: 'thidua.projection.outcome',
  /** Head of the log minus the committed checkpoint, right after the commit. */
  projectionLag: 'thidua.projection.lag',
} as const;

/**
 * Names of the metric instruments thidua records. They are thidua's own
 * rather than the conventions' `db.client.operation.duration`: one append is
 * several database statements, which a database driver's instrumentation
 * (`pg`, for one) already reports under that name; summing both would count
 * the same time twice. Their attributes use the keys above.
 */
export const TelemetryMetrics = {
  /** Histogram, seconds: one command, from load to result, retries included. Attributes: command name, outcome, error type. */
  commandDuration: 'thidua.command.duration',
  /** Histogram, attempts per command. Attributes: command name, outcome. */
  commandAttempts: 'thidua.command.attempts',
  /** Histogram, seconds: one store operation. Attributes: store, operation, outcome / error type, expected revision (appends). */
  storeOperationDuration: 'thidua.store.operation.duration',
  /** Counter, events appended or returned by reads. Attributes: store, operation. */
  storeEvents: 'thidua.store.events',
  /** Histogram, seconds: one projection batch, from its first event applied to its commit. Attributes: projection, outcome. */
  projectionBatchDuration: 'thidua.projection.batch.duration',
  /** Counter, events applied by committed projection batches. Attribute: projection. */
  projectionEvents: 'thidua.projection.events',
  /** Gauge, events (a log distance on EventStoreDB) between the log's head and the projection's checkpoint. Attribute: projection. */
  projectionLag: 'thidua.projection.lag',
} as const;
