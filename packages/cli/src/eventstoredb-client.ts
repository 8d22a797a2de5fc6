import type { EventStoreDbClientLike } from '@thidua/store-eventstoredb';
import { UsageError } from './exit-codes';
import { isMissing } from './store-package';

/** The two official client packages the EventStoreDB / KurrentDB store works with. */
export type EventStoreDbClientPackage = '@kurrent/kurrentdb-client' | '@eventstore/db-client';

/** Makes a client from a connection string, once its package is loaded. */
export type ClientMaker = (connectionString: string) => EventStoreDbClientLike;

/** How each package is loaded (replaceable in tests). */
export type ClientLoaders = Record<EventStoreDbClientPackage, () => Promise<ClientMaker>>;

/** The client packages as installed beside the CLI. */
export const INSTALLED_CLIENTS: ClientLoaders = {
  '@kurrent/kurrentdb-client': async () => {
    const { KurrentDBClient } = await import('@kurrent/kurrentdb-client');
    // The KurrentDB client warns on esdb://: give it its own scheme.
    return (connectionString) => KurrentDBClient.connectionString(connectionString.replace(/^esdb(\+discover)?:\/\//i, 'kurrentdb$1://'));
  },
  '@eventstore/db-client': async () => {
    const { EventStoreDBClient } = await import('@eventstore/db-client');
    // The EventStoreDB client knows esdb:// only.
    return (connectionString) => EventStoreDBClient.connectionString(connectionString.replace(/^(?:kurrentdb|kurrent)(\+discover)?:\/\//i, 'esdb$1://'));
  },
};

/**
 * The client package a URL asks for first: the KurrentDB client for
 * `kurrentdb://` and `kurrent://` (with or without `+discover`), the
 * EventStoreDB client for `esdb://`.
 */
export function preferredClientPackage(connectionString: string): EventStoreDbClientPackage {
  return /^esdb(\+discover)?:\/\//i.test(connectionString) ? '@eventstore/db-client' : '@kurrent/kurrentdb-client';
}

/**
 * A client for an EventStoreDB / KurrentDB URL: through the package the URL
 * prefers when it is installed, otherwise through the other one (both speak
 * the same protocol); a usage error saying what to install when neither is.
 */
export async function openEventStoreDbClient(
  connectionString: string,
  description: string,
  loaders: ClientLoaders = INSTALLED_CLIENTS,
): Promise<{ client: EventStoreDbClientLike; package: EventStoreDbClientPackage }> {
  const preferred = preferredClientPackage(connectionString);
  const order: EventStoreDbClientPackage[] =
    preferred === '@kurrent/kurrentdb-client' ? ['@kurrent/kurrentdb-client', '@eventstore/db-client'] : ['@eventstore/db-client', '@kurrent/kurrentdb-client'];
  for (const name of order) {
    let make: ClientMaker;
    try {
      make = await loaders[name]();
    } catch (error) {
      if (isMissing(error, name)) continue;
      throw error;
    }
    return { client: make(connectionString), package: name };
  }
  throw new UsageError(
    `--store ${description} needs an EventStoreDB / KurrentDB client, and neither is installed: npm install ${preferred} (beside @thidua/cli)`,
    'store_package_missing',
  );
}
