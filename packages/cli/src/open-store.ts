import { existsSync } from 'node:fs';
import {
  createInMemoryEventStore,
  createInMemoryProjectionStore,
  NotFoundError,
  type EventStore,
  type ProjectionStore,
} from '@thidua/eventsourcing';
import { thiduaRegistry } from '@thidua/domain';
import {
  DEFAULT_ESDB_PROJECTIONS_URL,
  displayStoreUrl,
  parseProjectionsUrl,
  parseStoreUrl,
  type StoreUrl,
} from './store-url';

/** The `--store` / `--projections` values a command was given (already defaulted by commander). */
export interface StoreOptions {
  store: string;
  projections?: string | undefined;
}

/** How a command uses its store. */
export interface OpenMode {
  /**
   * The command only reads: an SQLite file that does not exist is a
   * `not_found` error rather than a new empty store, so a mistyped path is
   * reported instead of leaving a stray database behind.
   */
  readOnly?: boolean;
}

/**
 * An event store and, opened on first use, the projection store that goes
 * with it. Commands that never read projections (export, import, exec) so
 * never create a projection database.
 */
export interface OpenedStores {
  readonly eventStore: EventStore;
  readonly store: StoreUrl;
  /** The URL as printed: passwords masked. */
  readonly description: string;
  /** Opens the projection store on first call; later calls return the same one. */
  projectionStore(): Promise<ProjectionStore>;
  /** Closes both stores (the projection store only if it was opened). */
  close(): Promise<void>;
}

/**
 * Where a store's projections live: the same database for SQLite and
 * PostgreSQL, process memory for `memory:`, and for EventStoreDB (which holds
 * events only) `--projections`, by default `sqlite:./thidua-projections.db`.
 */
export function projectionsUrlFor(store: StoreUrl, projections: string | undefined): StoreUrl {
  if (projections !== undefined) return parseProjectionsUrl(projections);
  return store.kind === 'esdb' ? parseProjectionsUrl(DEFAULT_ESDB_PROJECTIONS_URL) : store;
}

/**
 * Opens the event store named by `--store`, with the thidua registry so every
 * append is validated and every read parsed. Store packages are loaded only
 * when their URL is used: an SQLite user never loads pg or gRPC, and a
 * PostgreSQL user never loads the native SQLite addon.
 */
export async function openStores(options: StoreOptions, mode: OpenMode = {}): Promise<OpenedStores> {
  const store = parseStoreUrl(options.store);
  const projectionsUrl = projectionsUrlFor(store, options.projections);
  if (mode.readOnly && store.kind === 'sqlite' && !existsSync(store.path)) {
    throw new NotFoundError(
      `No SQLite store at ${store.path}: nothing has been written there yet (check --store, or run thidua demo / exec / import first)`,
      { path: store.path },
    );
  }
  const eventStore = await openEventStore(store);
  let projectionStore: Promise<ProjectionStore> | null = null;
  return {
    eventStore,
    store,
    description: displayStoreUrl(store),
    projectionStore() {
      projectionStore ??= openProjectionStore(projectionsUrl);
      return projectionStore;
    },
    async close() {
      const opened = projectionStore;
      projectionStore = null;
      const results = await Promise.allSettled([eventStore.close(), opened?.then((p) => p.close())]);
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/**
 * Opens stores, runs `work`, and closes them whatever happens. When `work`
 * fails, that failure is what the caller sees, not a later one from closing.
 */
export async function withStores<T>(
  options: StoreOptions,
  work: (stores: OpenedStores) => Promise<T>,
  mode: OpenMode = {},
): Promise<T> {
  const stores = await openStores(options, mode);
  let result: T;
  try {
    result = await work(stores);
  } catch (error) {
    await stores.close().catch(() => undefined);
    throw error;
  }
  await stores.close();
  return result;
}

async function openEventStore(store: StoreUrl): Promise<EventStore> {
  switch (store.kind) {
    case 'memory':
      return createInMemoryEventStore({ registry: thiduaRegistry });
    case 'sqlite': {
      const { createSqliteEventStore } = await import('@thidua/store-sqlite');
      return createSqliteEventStore({ database: store.path, registry: thiduaRegistry });
    }
    case 'postgres': {
      const { createPostgresEventStore } = await import('@thidua/store-postgres');
      return createPostgresEventStore({ ...postgresConnection(store.connectionString), registry: thiduaRegistry });
    }
    case 'esdb': {
      const { createEventStoreDbEventStore } = await import('@thidua/store-eventstoredb');
      return createEventStoreDbEventStore({ connectionString: store.connectionString, registry: thiduaRegistry });
    }
  }
}

async function openProjectionStore(store: StoreUrl): Promise<ProjectionStore> {
  switch (store.kind) {
    case 'memory':
      return createInMemoryProjectionStore();
    case 'sqlite': {
      const { createSqliteProjectionStore } = await import('@thidua/store-sqlite');
      return createSqliteProjectionStore({ database: store.path });
    }
    case 'postgres': {
      const { createPostgresProjectionStore } = await import('@thidua/store-postgres');
      return createPostgresProjectionStore(postgresConnection(store.connectionString));
    }
    case 'esdb':
      // parseProjectionsUrl refuses esdb, so this is a programming error.
      throw new Error('EventStoreDB cannot hold projection documents');
  }
}

/**
 * The PostgreSQL store's options from a URL. A `schema` query parameter
 * (`postgres://host/db?schema=thidua_test`) names the schema holding the
 * store's tables (default `thidua`); it is taken out of the URL, since it is
 * not a libpq parameter.
 */
export function postgresConnection(connectionString: string): { connectionString: string; schema?: string } {
  const url = new URL(connectionString);
  const schema = url.searchParams.get('schema');
  if (schema === null) return { connectionString };
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema };
}
