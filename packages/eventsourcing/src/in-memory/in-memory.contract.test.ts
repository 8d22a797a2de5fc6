import { describeStoreContracts } from '../testing';
import { storeTarget } from './__fixtures__/memory-target';
import { createInMemoryProjectionLeases } from '.';

describeStoreContracts('memory', storeTarget, {
  // One lease map for every handle: in memory, "another process" is the same object.
  leases: async () => {
    const leases = createInMemoryProjectionLeases();
    return { open: async () => leases, close: async () => undefined };
  },
});
