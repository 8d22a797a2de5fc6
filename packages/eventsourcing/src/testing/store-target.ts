import type { EventStoreDriver } from '../driver/event-store-driver';
import type { EventStore } from '../event-store/event-store';
import type { ProjectionStore } from '../projections/projection';
import type { ProjectionLeases } from '../projections/projection-leases';
import type { EventRegistry } from '../registry/event-registry';
import type { EventStoreFactory } from './event-store-contract';
import type { ProjectionLeasesFactory } from './projection-leases-contract';
import type { ProjectionStoreFactory } from './projection-store-contract';

/**
 * Where one backing store lives, in a form that can be handed to a child
 * process (it travels as JSON): a file path, or a connection string and a
 * schema.
 */
export type StoreLocation = Readonly<Record<string, string>>;

/** The writes a process can be frozen inside: an event append, or a projection batch commit. */
export type FreezableWrite = 'append' | 'projection-commit';

/**
 * Freezes the process inside one write, as a crash test needs it: once
 * `armed()` is true, the next write of kind `write` stops after it has
 * written (its rows are in, its locks held) and before it commits. Then
 * `frozen()` is called, and the write stays open until `released()` is
 * true (it then commits) or the process is killed. At most once per handle.
 *
 * `armed` and `released` may be called from inside a synchronous database
 * call (SQLite's), while the event loop cannot run: read a counter or a flag
 * file, never wait for a message.
 */
export interface FreezeOptions {
  write: FreezableWrite;
  armed(): boolean;
  frozen(): void;
  released(): boolean;
}

/** Options of {@link StoreTarget.open}. */
export interface OpenStoreOptions {
  registry?: EventRegistry;
  /** Passed on to the event store (`CreateEventStoreOptions.wrapDriver`): how the suites inject faults such as a lost reply. */
  wrapDriver?: (driver: EventStoreDriver) => EventStoreDriver;
  /** A label for these handles, shown by the database where it can (PostgreSQL's `application_name`). */
  name?: string;
  freeze?: FreezeOptions;
  /**
   * How long these handles' writers wait for a lock another writer holds
   * before failing with a transient `store_unavailable`, in ms. Stores whose
   * writers never queue behind one store-wide lock may ignore it.
   */
  lockWaitMs?: number;
}

/** The three stores thidua keeps in one backing store, opened together. */
export interface StoreHandles {
  readonly eventStore: EventStore;
  readonly projectionStore: ProjectionStore;
  readonly leases: ProjectionLeases;
  /** Closes all three (and anything the target opened for them). */
  close(): Promise<void>;
}

/**
 * How the shared suites reach a store adapter from any process: each store
 * package describes itself once, in a module that exports its target as
 * `storeTarget`, and the durability and replica suites open it in child
 * processes by loading that module. The conformance suites get their
 * factories from the same description ({@link storeTargetFactories}).
 *
 * @example
 * export const storeTarget: StoreTarget = {
 *   module: __filename,
 *   create: () => ({ path: join(mkdtempSync(join(tmpdir(), 'db-')), 'store.db') }),
 *   open: (location, options) => openMyStores(location['path']!, options),
 *   remove: async (location) => rmSync(dirname(location['path']!), { recursive: true, force: true }),
 * };
 */
export interface StoreTarget {
  /** Absolute path of the module that exports this target as `storeTarget`. */
  readonly module: string;
  /**
   * A location for a fresh, empty store. Nothing needs to exist yet: the
   * first handle opened there creates the store, so that several processes
   * can be made to create it together.
   */
  create(): StoreLocation;
  /** Opens handles on the store at `location`, in this process. */
  open(location: StoreLocation, options?: OpenStoreOptions): StoreHandles;
  /** Deletes the store at `location` (called once every handle is closed). */
  remove(location: StoreLocation): Promise<void>;
}

/**
 * {@link StoreHandles} over three stores: `close()` closes them all (leases
 * that have a `close`), then runs `release` (a connection or pool the target
 * opened for them), whatever failed before.
 */
export function storeHandles(
  stores: { eventStore: EventStore; projectionStore: ProjectionStore; leases: ProjectionLeases & { close?(): Promise<void> } },
  release: () => void | Promise<void> = () => undefined,
): StoreHandles {
  const { eventStore, projectionStore, leases } = stores;
  return {
    eventStore,
    projectionStore,
    leases,
    async close() {
      try {
        await Promise.all([eventStore.close(), projectionStore.close(), leases.close?.()]);
      } finally {
        await release();
      }
    },
  };
}

/** Loads the {@link StoreTarget} a module exports as `storeTarget` (how a child process finds it). */
export function loadStoreTarget(module: string): StoreTarget {
  // A dynamic require: the module is the store package's, named at run time; this package cannot import it.
  const loaded = require(module) as { storeTarget?: StoreTarget };
  if (!loaded.storeTarget) throw new Error(`${module} exports no storeTarget`);
  return loaded.storeTarget;
}

/**
 * The factories of the conformance suites, over a target: every store they
 * build lives in its own fresh location, removed when the store is closed.
 *
 * @example
 * const factories = storeTargetFactories(storeTarget);
 * describeEventStoreContract('sqlite', factories.eventStore);
 * describeProjectionStoreContract('sqlite', factories.projectionStore);
 * describeProjectionLeasesContract('sqlite', factories.leases);
 */
export function storeTargetFactories(target: StoreTarget): {
  eventStore: EventStoreFactory;
  projectionStore: ProjectionStoreFactory;
  leases: ProjectionLeasesFactory;
} {
  /** Opens handles on a fresh location and returns `pick(handles)` whose `close()` also closes the rest and removes the location. */
  async function fresh<T extends object>(pick: (handles: StoreHandles) => T, options: OpenStoreOptions = {}): Promise<T> {
    const location = target.create();
    let handles: StoreHandles;
    try {
      handles = target.open(location, options);
    } catch (error) {
      await target.remove(location);
      throw error;
    }
    const picked = pick(handles);
    // A wrapper rather than a copy: the port's methods may rely on `this`.
    return new Proxy(picked, {
      get(object, property, receiver) {
        if (property !== 'close') return Reflect.get(object, property, receiver) as unknown;
        return async () => {
          try {
            await handles.close();
          } finally {
            await target.remove(location);
          }
        };
      },
    });
  }

  return {
    eventStore: (options) =>
      fresh((handles) => handles.eventStore, {
        ...(options.registry ? { registry: options.registry } : {}),
        ...(options.wrapDriver ? { wrapDriver: options.wrapDriver } : {}),
      }),
    projectionStore: () => fresh((handles) => handles.projectionStore),
    async leases() {
      const location = target.create();
      const opened: StoreHandles[] = [];
      return {
        // Each handle its own connection, as separate processes would hold them.
        async open() {
          const handles = target.open(location);
          opened.push(handles);
          return handles.leases;
        },
        async close() {
          try {
            await Promise.all(opened.map((handles) => handles.close()));
          } finally {
            await target.remove(location);
          }
        },
      };
    },
  };
}
