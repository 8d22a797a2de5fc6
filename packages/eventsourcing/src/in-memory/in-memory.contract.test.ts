import {
  describeDurabilityContract,
  describeEventStoreContract,
  describeProjectionLeasesContract,
  describeProjectionStoreContract,
  describeReplicaContract,
  storeTargetFactories,
} from '../testing';
import { storeTarget } from './__fixtures__/memory-target';
import { createInMemoryProjectionLeases } from '.';

const factories = storeTargetFactories(storeTarget);
describeEventStoreContract('memory', factories.eventStore);
describeProjectionStoreContract('memory', factories.projectionStore);
describeProjectionLeasesContract('memory', async () => {
  // One lease map for every handle: in memory, "another process" is the same object.
  const leases = createInMemoryProjectionLeases();
  return { open: async () => leases, close: async () => undefined };
});
describeDurabilityContract('memory', storeTarget);
describeReplicaContract('memory', storeTarget);
