import type { Attributes, Span } from '@opentelemetry/api';
import type { NewEvent, RecordedEvent } from '../envelope/envelope';
import { ConcurrencyError } from '../errors/errors';
import { isThiduaError } from '../errors/thidua-error';
import type { AppendOptions, AppendResult, EventStore, ReadAllOptions, ReadStreamOptions } from '../event-store/event-store';
import type { ExpectedRevision } from '../event-store/expected-revision';
import { TelemetryAttributes as A } from './telemetry-names';
import type { TelemetryOption } from './telemetry-options';
import { TracedEvents } from './traced-events';
import { errorType, recordFailure, resolveTelemetry, secondsSince, streamCategory } from './telemetry';

/** `db.system.name` of each store: the conventions' value where there is one. */
const DB_SYSTEMS: Readonly<Record<string, string>> = {
  postgres: 'postgresql',
  sqlite: 'sqlite',
  eventstoredb: 'kurrentdb',
  memory: 'memory',
};

/**
 * The event store with spans and metrics around its appends and reads, or
 * the very same object when telemetry is off. Called once by
 * `createEventStore` on the store it built, so every store gets the same
 * names and attributes; subscriptions and tip/head lookups are not traced
 * (a projection batch reports what a subscription delivered).
 */
export function instrumentEventStore(store: EventStore, option: TelemetryOption | undefined): EventStore {
  const telemetry = resolveTelemetry(option);
  if (!telemetry) return store;
  const { tracer, api } = telemetry;
  const system = DB_SYSTEMS[store.name] ?? store.name;
  const client = { kind: api.SpanKind.CLIENT };

  /** Ends one operation's span and records its metrics; `count` is the events it wrote or returned. */
  const finish = (span: Span, operation: string, start: number, count: number, extra: Attributes, error?: unknown) => {
    if (error !== undefined) recordFailure(telemetry, span, error);
    span.end();
    const instruments = telemetry.instruments();
    const attributes: Attributes = { [A.dbSystemName]: system, [A.dbOperationName]: operation, ...extra };
    if (error !== undefined) attributes[A.errorType] = errorType(error);
    instruments.storeOperationDuration.record(secondsSince(start), attributes);
    if (count > 0) instruments.storeEvents.add(count, { [A.dbSystemName]: system, [A.dbOperationName]: operation });
  };

  const startSpan = (operation: string, target: string, attributes: Attributes): Span =>
    tracer.startSpan(`${operation} ${target}`, {
      ...client,
      attributes: { [A.dbSystemName]: system, [A.dbOperationName]: operation, [A.store]: store.name, ...attributes },
    });

  const streamAttributes = (streamId: string): Attributes => ({ [A.streamId]: String(streamId), [A.streamCategory]: streamCategory(streamId) });

  /** Runs `operation` with `span` as the active span, so a driver's own spans (pg, …) nest under it. */
  const within = <T>(span: Span, operation: () => Promise<T>): Promise<T> =>
    api.context.with(api.trace.setSpan(api.context.active(), span), operation);

  const tracedRead = (operation: string, target: string, attributes: Attributes, events: AsyncIterable<RecordedEvent>) => {
    let span: Span | undefined;
    let start = 0;
    return new TracedEvents(events, {
      begin() {
        start = performance.now();
        span = startSpan(operation, target, attributes);
      },
      end(count, error) {
        if (!span) return;
        if (error === undefined) span.setAttribute(A.dbResponseReturnedRows, count);
        finish(span, operation, start, count, {}, error);
      },
    });
  };

  return {
    ...store,
    async appendToStream(streamId: string, events: readonly NewEvent[], appendOptions?: AppendOptions): Promise<AppendResult> {
      const start = performance.now();
      const expected = expectedForm(appendOptions?.expectedRevision);
      const span = startSpan('appendToStream', streamCategory(streamId), {
        ...streamAttributes(streamId),
        [A.expectedRevision]: expected,
        // What was asked for; the kernel refuses a missing or empty list (plain JavaScript callers) itself.
        [A.messagingBatchMessageCount]: Array.isArray(events) ? events.length : 0,
      });
      let result: AppendResult;
      try {
        result = await within(span, () => store.appendToStream(streamId, events, appendOptions));
      } catch (error) {
        const outcome = appendFailure(error);
        span.setAttribute(A.appendOutcome, outcome);
        finish(span, 'appendToStream', start, 0, { [A.expectedRevision]: expected, [A.appendOutcome]: outcome }, error);
        throw error;
      }
      const outcome = result.alreadyAppended ? 'already_appended' : 'appended';
      span.setAttributes({
        [A.appendOutcome]: outcome,
        [A.streamRevision]: Number(result.nextExpectedRevision),
        [A.appendPosition]: result.position.toString(),
      });
      // A re-sent append wrote nothing: it counts in the durations, not in the events appended.
      finish(span, 'appendToStream', start, result.alreadyAppended ? 0 : result.events.length, {
        [A.expectedRevision]: expected,
        [A.appendOutcome]: outcome,
      });
      return result;
    },

    readStream(streamId: string, readOptions?: ReadStreamOptions) {
      return tracedRead(
        'readStream',
        streamCategory(streamId),
        { ...streamAttributes(streamId), [A.readDirection]: readOptions?.direction ?? 'forwards' },
        store.readStream(streamId, readOptions),
      );
    },

    async aggregateStream(streamId, fold) {
      const start = performance.now();
      const span = startSpan('aggregateStream', streamCategory(streamId), streamAttributes(streamId));
      try {
        const result = await within(span, () => store.aggregateStream(streamId, fold));
        // Revisions are dense from 0 in every store: a whole stream holds its last revision + 1 events.
        const count = result.revision === null ? 0 : Number(result.revision) + 1;
        span.setAttribute(A.dbResponseReturnedRows, count);
        if (result.revision !== null) span.setAttribute(A.streamRevision, Number(result.revision));
        finish(span, 'aggregateStream', start, count, {});
        return result;
      } catch (error) {
        finish(span, 'aggregateStream', start, 0, {}, error);
        throw error;
      }
    },

    readAll(readOptions?: ReadAllOptions) {
      return tracedRead('readAll', '$all', {}, store.readAll(readOptions));
    },

    async readAllPage(readOptions) {
      const start = performance.now();
      const span = startSpan('readAllPage', '$all', {});
      try {
        const page = await within(span, () => store.readAllPage(readOptions));
        span.setAttribute(A.dbResponseReturnedRows, page.length);
        finish(span, 'readAllPage', start, page.length, {});
        return page;
      } catch (error) {
        finish(span, 'readAllPage', start, 0, {}, error);
        throw error;
      }
    },
  };
}

/** The form of an expected revision, low cardinality: a revision number is `exact`. */
function expectedForm(expected: ExpectedRevision | undefined): string {
  if (expected === undefined) return 'any';
  return typeof expected === 'bigint' ? 'exact' : String(expected);
}

/** Why an append failed: lost a race, refused its input, or the store failed. */
function appendFailure(error: unknown): string {
  if (error instanceof ConcurrencyError || isThiduaError(error, 'concurrency')) return 'conflict';
  if (isThiduaError(error, 'validation_failed')) return 'refused';
  return 'failed';
}
