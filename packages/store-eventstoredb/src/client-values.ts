import type { Filter } from '@eventstore/db-client';

/*
 * The few values the store needs from the client packages, written out here
 * instead of imported. Both `@eventstore/db-client` and
 * `@kurrent/kurrentdb-client` register their generated protobuf classes
 * under the same global names, so loading the first beside a client of the
 * second breaks that client's appends. The store therefore loads
 * `@eventstore/db-client` only when it must (it creates the client from a
 * connection string itself, see `loadEventStoreDbClient`), and never for a
 * client the host passes in. The values are the same strings in both
 * packages; `client-values.test.ts` checks them against each.
 */

export const ANY = 'any';
export const NO_STREAM = 'no_stream';
export const STREAM_EXISTS = 'stream_exists';
export const START = 'start';
export const END = 'end';
export const FORWARDS = 'forwards';
export const BACKWARDS = 'backwards';

/** A server-side filter on stream names (by prefixes) or event types (by a regex), as the clients' filter helpers build it. */
function filterOn(filterOn: 'streamName' | 'eventType', options: { prefixes: string[] } | { regex: string }): Filter {
  return { filterOn, checkpointInterval: 1, ...options } as Filter;
}

export const streamNameFilter = (options: { prefixes: string[] }): Filter => filterOn('streamName', options);
export const eventTypeFilter = (options: { regex: string }): Filter => filterOn('eventType', options);
/** Every event but the server's own (types starting with `$`). */
export const excludeSystemEvents = (): Filter => eventTypeFilter({ regex: '^[^$].*' });

type EventStoreDbClientModule = typeof import('@eventstore/db-client');

/** `@eventstore/db-client`, loaded on first use (see above for why not at import time). */
export function loadEventStoreDbClient(): EventStoreDbClientModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, on purpose
  return require('@eventstore/db-client') as EventStoreDbClientModule;
}

/**
 * The `convertToCommandError` of whichever client package the process has
 * already loaded (the host's client, or the one this store created), without
 * loading one: converting a raw gRPC error is no reason to load a package.
 */
export function loadedConvertToCommandError(): ((error: Error) => unknown) | undefined {
  for (const name of ['@kurrent/kurrentdb-client', '@eventstore/db-client']) {
    try {
      const loaded = require.cache[require.resolve(name)]?.exports as { convertToCommandError?: (error: Error) => unknown } | undefined;
      if (typeof loaded?.convertToCommandError === 'function') return loaded.convertToCommandError;
    } catch {
      // not installed: an optional peer
    }
  }
  return undefined;
}
