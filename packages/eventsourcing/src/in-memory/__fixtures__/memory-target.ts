import { storeHandles, type StoreTarget } from '../../testing';
import { createInMemoryEventStore, createInMemoryProjectionLeases, createInMemoryProjectionStore } from '..';

/**
 * The in-memory stores as a store target. Memory dies with its handles, so
 * every opening is a new, empty store whatever the location says: what the
 * process suites check of a store that is not durable.
 */
export const storeTarget: StoreTarget = {
  module: __filename,
  create: () => ({}),
  open(_location, options = {}) {
    const eventStore = createInMemoryEventStore({
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.wrapDriver ? { wrapDriver: options.wrapDriver } : {}),
    });
    return storeHandles({ eventStore, projectionStore: createInMemoryProjectionStore(), leases: createInMemoryProjectionLeases() });
  },
  remove: async () => undefined,
};
