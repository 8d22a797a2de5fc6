// The `telemetry` option every instrumented kernel component takes. The hooks themselves
// (event store, command handler, projection batches) are imported by those components
// directly and stay out of the public surface.
export type { MeterProviderLike, TelemetryOption, TelemetryOptions, TracerProviderLike } from './telemetry-options';
// Span attribute and metric names, for dashboards, alerts and tests.
export { TelemetryAttributes, TelemetryMetrics } from './telemetry-names';
