import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  createInMemoryEventStore,
  createInMemoryProjectionStore,
  NotFoundError,
  StoreUnavailableError,
  type EventStore,
  type ProjectionStore,
} from '@thidua/eventsourcing';
import { thiduaRegistry } from '@thidua/domain';
import { asStoreFailure } from './store-failure';
import { openEventStoreDbClient } from './eventstoredb-client';
import { loadStorePackage } from './store-package';
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
 * PostgreSQL user never loads the native SQLite addon. A store that cannot
 * be reached is a `store_unavailable` error naming it without its password.
 */
export async function openStores(options: StoreOptions, mode: OpenMode = {}): Promise<OpenedStores> {
  const store = parseStoreUrl(options.store);
  const description = displayStoreUrl(store);
  const projectionsUrl = projectionsUrlFor(store, options.projections);
  if (mode.readOnly && store.kind === 'sqlite' && !existsSync(store.path)) {
    throw new NotFoundError(
      `No SQLite store at ${store.path}: nothing has been written there yet (check --store, or run thidua demo / exec / import first)`,
      { path: store.path },
    );
  }
  const eventStore = await named(description, () => openEventStore(store, description));
  let projectionStore: Promise<ProjectionStore> | null = null;
  return {
    eventStore,
    store,
    description,
    projectionStore() {
      projectionStore ??= named(displayStoreUrl(projectionsUrl), () => openProjectionStore(projectionsUrl, displayStoreUrl(projectionsUrl)));
      return projectionStore;
    },
    async close() {
      const opened = projectionStore;
      projectionStore = null;
      const results = await Promise.allSettled([eventStore.close(), opened?.then((p) => p.close())]);
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw asStoreFailure(failed.reason, description) ?? failed.reason;
    },
  };
}

/** How {@link withStores} treats a store it creates. */
export interface WithStoresMode extends OpenMode {
  /**
   * The command may create an SQLite file (exec, import): when it did, and
   * the store still holds no event when the work ends (refused, failed or
   * given nothing), the file is removed again, so a refused import leaves no
   * empty database behind.
   */
  removeIfLeftEmpty?: boolean;
}

/**
 * Opens stores, runs `work`, and closes them whatever happens. When `work`
 * fails, that failure is what the caller sees, not a later one from closing;
 * a raw driver failure is turned into a `store_unavailable` error naming the
 * store.
 */
export async function withStores<T>(
  options: StoreOptions,
  work: (stores: OpenedStores) => Promise<T>,
  mode: WithStoresMode = {},
): Promise<T> {
  const url = parseStoreUrl(options.store);
  const created = mode.removeIfLeftEmpty === true && url.kind === 'sqlite' && !existsSync(url.path);
  const stores = await openStores(options, mode);
  let result: T;
  try {
    result = await work(stores);
  } catch (error) {
    const empty = created && (await isEmpty(stores.eventStore));
    await stores.close().catch(() => undefined);
    if (empty && url.kind === 'sqlite') await removeSqliteDatabase(url.path);
    throw asStoreFailure(error, stores.description) ?? error;
  }
  const empty = created && (await isEmpty(stores.eventStore));
  await stores.close();
  if (empty && url.kind === 'sqlite') await removeSqliteDatabase(url.path);
  return result;
}

async function isEmpty(eventStore: EventStore): Promise<boolean> {
  return (await eventStore.headPosition().catch(() => null)) === null;
}

/** Deletes an SQLite database and the write-ahead log and shared-memory files that go with it. */
export async function removeSqliteDatabase(path: string): Promise<void> {
  await Promise.all([path, `${path}-wal`, `${path}-shm`].map((file) => rm(file, { force: true })));
}

/** Runs `open`, turning a raw driver failure into a `store_unavailable` error that names `store`. */
async function named<T>(store: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    throw asStoreFailure(error, store) ?? error;
  }
}

/** better-sqlite3 creates a missing file, but not a missing directory: say so plainly. */
function checkSqliteDirectory(path: string, description: string): void {
  const directory = dirname(resolve(path));
  if (!existsSync(directory)) {
    throw new StoreUnavailableError(description, { transient: false, message: `the directory ${directory} does not exist` });
  }
}

async function openEventStore(store: StoreUrl, description: string): Promise<EventStore> {
  switch (store.kind) {
    case 'memory':
      return createInMemoryEventStore({ registry: thiduaRegistry });
    case 'sqlite': {
      checkSqliteDirectory(store.path, description);
      const { createSqliteEventStore } = await loadStorePackage('@thidua/store-sqlite', () => import('@thidua/store-sqlite'), description);
      return createSqliteEventStore({ database: store.path, registry: thiduaRegistry });
    }
    case 'postgres': {
      const { createPostgresEventStore } = await loadStorePackage('@thidua/store-postgres', () => import('@thidua/store-postgres'), description);
      const eventStore = createPostgresEventStore({ ...postgresConnection(store.connectionString), registry: thiduaRegistry });
      // A pool connects lazily: ask once now, so an unreachable server is reported before any work starts.
      await eventStore.headPosition().catch(async (error: unknown) => {
        await eventStore.close().catch(() => undefined);
        throw error;
      });
      return eventStore;
    }
    case 'esdb': {
      const { createEventStoreDbEventStore } = await loadStorePackage(
        '@thidua/store-eventstoredb',
        () => import('@thidua/store-eventstoredb'),
        description,
      );
      // The client the URL prefers (KurrentDB's for kurrentdb://, EventStoreDB's for esdb://), or the other one.
      const { client } = await openEventStoreDbClient(store.connectionString, description);
      return createEventStoreDbEventStore({ client, ownsClient: true, registry: thiduaRegistry });
    }
  }
}

async function openProjectionStore(store: StoreUrl, description: string): Promise<ProjectionStore> {
  switch (store.kind) {
    case 'memory':
      return createInMemoryProjectionStore();
    case 'sqlite': {
      checkSqliteDirectory(store.path, description);
      const { createSqliteProjectionStore } = await loadStorePackage('@thidua/store-sqlite', () => import('@thidua/store-sqlite'), description);
      return createSqliteProjectionStore({ database: store.path });
    }
    case 'postgres': {
      const { createPostgresProjectionStore } = await loadStorePackage('@thidua/store-postgres', () => import('@thidua/store-postgres'), description);
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
