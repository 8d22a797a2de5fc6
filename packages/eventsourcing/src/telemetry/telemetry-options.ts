/**
 * What a `telemetry` option accepts. These types are the library's own, not
 * `@opentelemetry/api`'s: the API is an optional peer, and a project that does
 * not install it must still type-check against thidua's declarations (also
 * with `skipLibCheck: false`). A provider of the OpenTelemetry SDK (or the one
 * `NodeSDK` registers) fits them as it is.
 */

/** Anything that hands out OpenTelemetry tracers: a `TracerProvider` of `@opentelemetry/api` or the SDK. */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): object;
}

/** Anything that hands out OpenTelemetry meters: a `MeterProvider` of `@opentelemetry/api` or the SDK. */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): object;
}

/** Where spans and metrics go, for one store, command handler or projection runner. */
export interface TelemetryOptions {
  /** `false` turns telemetry off for this component (default `true` once the option is given). */
  enabled?: boolean;
  /** Default: the global tracer provider of `@opentelemetry/api` (the one `NodeSDK` registers). */
  tracerProvider?: TracerProviderLike;
  /**
   * Default: the global meter provider of `@opentelemetry/api`. It is looked
   * up at the first recorded measurement, so register it (start `NodeSDK`)
   * before the first command, append or projection batch.
   */
  meterProvider?: MeterProviderLike;
}

/**
 * The `telemetry` option of `createEventStore` (and every store built on it),
 * `createCommandHandler` and `createProjectionRunner`.
 *
 * - omitted or `false`: off. Nothing is loaded and nothing is wrapped, so the
 *   component costs exactly what it cost before telemetry existed;
 * - `true`: spans and metrics through the global providers of
 *   `@opentelemetry/api`;
 * - an object: see {@link TelemetryOptions}.
 *
 * When `@opentelemetry/api` is not installed, asking for telemetry emits one
 * process warning (`THIDUA_TELEMETRY_UNAVAILABLE`) and the component runs
 * without it: telemetry never stops a command.
 */
export type TelemetryOption = boolean | TelemetryOptions;
