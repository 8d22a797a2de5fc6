import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The optional peer, as this module loads it. Internal: no public declaration names it. */
export type OpenTelemetryApi = typeof import('@opentelemetry/api');

let loaded: OpenTelemetryApi | null | undefined;
let warned = false;

/**
 * `@opentelemetry/api` when it is installed, `null` when it is not. Loaded
 * once, on the first component that asks for telemetry, never at import: a
 * project without the API pays nothing and never sees a missing-module error.
 */
export function loadOpenTelemetryApi(): OpenTelemetryApi | null {
  if (loaded !== undefined) return loaded;
  try {
    // An ES module build has no `require`: resolve from the application's directory, where a peer is installed.
    const load = typeof require === 'function' ? require : createRequire(join(process.cwd(), 'package.json'));
    loaded = load('@opentelemetry/api') as OpenTelemetryApi;
  } catch (error) {
    loaded = null;
    if (!warned) {
      warned = true;
      process.emitWarning(
        `thidua: telemetry was asked for, but @opentelemetry/api could not be loaded (${(error as Error).message.split('\n')[0]}); running without it. Install @opentelemetry/api to get spans and metrics.`,
        { code: 'THIDUA_TELEMETRY_UNAVAILABLE' },
      );
    }
  }
  return loaded;
}
