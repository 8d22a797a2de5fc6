import type { Counter, Gauge, Histogram, Meter, MeterProvider, Span, Tracer, TracerProvider } from '@opentelemetry/api';
import { isThiduaError } from '../errors/thidua-error';
import { loadOpenTelemetryApi, type OpenTelemetryApi } from './load-api';
import { TelemetryAttributes as A, TelemetryMetrics as M } from './telemetry-names';
import type { TelemetryOption } from './telemetry-options';

/** The instrumentation scope every span and metric of thidua is recorded under. */
export const INSTRUMENTATION_SCOPE = '@thidua/eventsourcing';

/** The instruments of one pair of providers, created at the first measurement. */
export interface TelemetryInstruments {
  commandDuration: Histogram;
  commandAttempts: Histogram;
  storeOperationDuration: Histogram;
  storeEvents: Counter;
  projectionBatchDuration: Histogram;
  projectionEvents: Counter;
  projectionLag: Gauge;
}

/** A resolved `telemetry` option: what the hooks record through. */
export interface Telemetry {
  readonly api: OpenTelemetryApi;
  readonly tracer: Tracer;
  instruments(): TelemetryInstruments;
}

// The buckets the semantic conventions advise for database operation durations, in seconds.
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];
const ATTEMPT_BUCKETS = [1, 2, 3, 4, 5, 10];

/** One resolution per pair of providers, so several stores and handlers share their instruments. */
const resolved = new WeakMap<object, WeakMap<object, Telemetry>>();
const GLOBAL: object = {};

/**
 * Resolves a `telemetry` option once, when its component is created.
 * `undefined` means off (not asked for, `enabled: false`, or the API is not
 * installed): the component then installs no hook at all.
 */
export function resolveTelemetry(option: TelemetryOption | undefined): Telemetry | undefined {
  if (option === undefined || option === false) return undefined;
  const settings = option === true ? {} : option;
  if (settings.enabled === false) return undefined;
  const api = loadOpenTelemetryApi();
  if (!api) return undefined;
  const tracerKey = settings.tracerProvider ?? GLOBAL;
  const meterKey = settings.meterProvider ?? GLOBAL;
  let byMeter = resolved.get(tracerKey);
  if (!byMeter) resolved.set(tracerKey, (byMeter = new WeakMap()));
  let telemetry = byMeter.get(meterKey);
  if (!telemetry) {
    const tracerProvider = (settings.tracerProvider as TracerProvider | undefined) ?? api.trace.getTracerProvider();
    const meterProvider = settings.meterProvider as MeterProvider | undefined;
    telemetry = createTelemetry(api, tracerProvider.getTracer(INSTRUMENTATION_SCOPE, version()), () =>
      (meterProvider ?? api.metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE, version()),
    );
    byMeter.set(meterKey, telemetry);
  }
  return telemetry;
}

function createTelemetry(api: OpenTelemetryApi, tracer: Tracer, meter: () => Meter): Telemetry {
  let instruments: TelemetryInstruments | undefined;
  return {
    api,
    tracer,
    // Late: the global meter provider has no proxy, so a meter taken before the SDK starts would stay a no-op.
    instruments() {
      if (instruments) return instruments;
      const m = meter();
      const seconds = (name: string, description: string) =>
        m.createHistogram(name, { unit: 's', description, advice: { explicitBucketBoundaries: DURATION_BUCKETS } });
      instruments = {
        commandDuration: seconds(M.commandDuration, 'Duration of a command: load, decide and append, retries included'),
        commandAttempts: m.createHistogram(M.commandAttempts, {
          unit: '{attempt}',
          description: 'Load-decide-append attempts of a command',
          advice: { explicitBucketBoundaries: ATTEMPT_BUCKETS },
        }),
        storeOperationDuration: seconds(M.storeOperationDuration, 'Duration of an event store operation'),
        storeEvents: m.createCounter(M.storeEvents, { unit: '{event}', description: 'Events appended to or read from an event store' }),
        projectionBatchDuration: seconds(M.projectionBatchDuration, 'Duration of a projection batch, from its first event to its commit'),
        projectionEvents: m.createCounter(M.projectionEvents, { unit: '{event}', description: 'Events applied by committed projection batches' }),
        projectionLag: m.createGauge(M.projectionLag, {
          unit: '{event}',
          description: "Distance from a projection's checkpoint to the log's head after its last commit",
        }),
      };
      return instruments;
    },
  };
}

let packageVersion: string | null | undefined;

/** This package's version, for the instrumentation scope (`undefined` if its package.json cannot be read). */
function version(): string | undefined {
  if (packageVersion === undefined) {
    try {
      // The same relative path from src/telemetry and dist/telemetry. `require` types its result `any`: narrowed here.
      const { version: found } = require('../../package.json') as { version?: unknown };
      packageVersion = typeof found === 'string' ? found : null;
    } catch {
      packageVersion = null;
    }
  }
  return packageVersion ?? undefined;
}

/** `error.type` of the semantic conventions: a thidua error's code, else the error's class name. */
export function errorType(error: unknown): string {
  if (isThiduaError(error)) return error.code;
  if (error instanceof Error) return error.name || 'Error';
  return '_OTHER';
}

/** Marks a span failed by `error`, as the conventions say: status, `error.type` and the exception event. */
export function recordFailure(telemetry: Telemetry, span: Span, error: unknown): void {
  span.setAttribute(A.errorType, errorType(error));
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: telemetry.api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * The low-cardinality part of a stream id, for span names: `pledge-kt-2013.u1` → `pledge`.
 * Total, even over what a plain JavaScript caller may pass: the kernel, not telemetry, refuses a bad id.
 */
export function streamCategory(streamId: unknown): string {
  if (typeof streamId !== 'string') return 'invalid';
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : streamId;
}

/** Seconds since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1_000;
}
