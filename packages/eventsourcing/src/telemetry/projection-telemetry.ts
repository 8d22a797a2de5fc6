import type { Attributes, Span } from '@opentelemetry/api';
import type { RecordedEvent } from '../envelope/envelope';
import { ConcurrencyError } from '../errors/errors';
import type { EventStore } from '../event-store/event-store';
import { BatchApplier } from '../projections/batch-applier';
import type { Projection, ProjectionStore } from '../projections/projection';
import { TelemetryAttributes as A } from './telemetry-names';
import type { TelemetryOption } from './telemetry-options';
import { errorType, recordFailure, resolveTelemetry, type Telemetry } from './telemetry';

/** How the projection runner makes its batch appliers: plain ones, or ones that report each batch. */
export type BatchApplierFactory = (projection: Projection, projectionStore: ProjectionStore, documents?: string) => BatchApplier;

/**
 * The projection runner's hook. With telemetry off it makes plain
 * `BatchApplier`s, exactly as before; with it on, appliers that report one
 * span (`apply <projection>`) and the batch metrics per committed batch, and
 * the projection's lag after each commit.
 */
export function batchApplierFactory(option: TelemetryOption | undefined, eventStore: EventStore): BatchApplierFactory {
  const telemetry = resolveTelemetry(option);
  if (!telemetry) return (projection, projectionStore, documents) => new BatchApplier(projection, projectionStore, documents);
  return (projection, projectionStore, documents) =>
    new TracedBatchApplier(telemetry, eventStore, projection, projectionStore, documents ?? projection.name);
}

/**
 * A batch is what one commit writes: the events applied since the previous
 * commit. Its span is made when the batch ends (committed or failed), with
 * the time its first event was applied as start, so a batch that commits
 * nothing leaves no span behind.
 */
class TracedBatchApplier extends BatchApplier {
  /** When the batch's first event was applied (a `performance.now()` reading); null between batches. */
  private began: number | null = null;
  private events = 0;

  constructor(
    private readonly telemetry: Telemetry,
    private readonly eventStore: EventStore,
    private readonly traced: Projection,
    projectionStore: ProjectionStore,
    private readonly target: string,
  ) {
    super(traced, projectionStore, target);
  }

  override async applyPage(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length > 0) this.began ??= performance.now();
    try {
      await super.applyPage(events);
    } catch (error) {
      this.report(null, null, error).end();
      throw error;
    }
    this.events += events.length;
  }

  override async commit(version: number, expectedCheckpoint: bigint | null): Promise<bigint | null> {
    let committed: bigint | null;
    try {
      committed = await super.commit(version, expectedCheckpoint);
    } catch (error) {
      this.report(expectedCheckpoint, null, error).end();
      throw error;
    }
    if (committed === null) return null;
    const span = this.report(expectedCheckpoint, committed);
    const ended = performance.now();
    // The head is read after the commit: the lag is what is left to apply at that moment. Telemetry never fails a batch.
    const head = await this.eventStore.headPosition().catch(() => null);
    if (head !== null) {
      const lag = head > committed ? Number(head - committed) : 0;
      span.setAttribute(A.projectionLag, lag);
      this.telemetry.instruments().projectionLag.record(lag, { [A.projectionName]: this.traced.name });
    }
    span.end(performance.timeOrigin + ended);
    return committed;
  }

  /** Ends the current batch: its span (left open for the caller to end) and its metrics. */
  private report(from: bigint | null, to: bigint | null, error?: unknown): Span {
    const { telemetry, traced: projection } = this;
    const ended = performance.now();
    const began = this.began ?? ended;
    const events = this.events;
    this.began = null;
    this.events = 0;
    const outcome = error === undefined ? 'committed' : error instanceof ConcurrencyError ? 'conflict' : 'failed';
    const attributes: Attributes = {
      [A.projectionName]: projection.name,
      [A.projectionVersion]: projection.version,
      [A.projectionRebuild]: this.target !== projection.name,
      [A.projectionOutcome]: outcome,
      [A.messagingBatchMessageCount]: events,
    };
    if (from !== null) attributes[A.projectionPositionFrom] = from.toString();
    if (to !== null) attributes[A.projectionPositionTo] = to.toString();
    // Epoch milliseconds (with their fraction): what every tracer reads a number start time as.
    const span = telemetry.tracer.startSpan(`apply ${projection.name}`, {
      kind: telemetry.api.SpanKind.CONSUMER,
      startTime: performance.timeOrigin + began,
      attributes,
    });
    const instruments = telemetry.instruments();
    const metric: Attributes = { [A.projectionName]: projection.name, [A.projectionOutcome]: outcome };
    if (error === undefined) instruments.projectionEvents.add(events, { [A.projectionName]: projection.name });
    else {
      metric[A.errorType] = errorType(error);
      recordFailure(telemetry, span, error);
    }
    instruments.projectionBatchDuration.record((ended - began) / 1_000, metric);
    return span;
  }
}
