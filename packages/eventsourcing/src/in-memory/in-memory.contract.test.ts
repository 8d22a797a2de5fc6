import { describeEventStoreContract, describeProjectionLeasesContract, describeProjectionStoreContract } from '../testing';
import { createInMemoryEventStore, createInMemoryProjectionLeases, createInMemoryProjectionStore } from '.';

describeEventStoreContract('memory', async (options) => createInMemoryEventStore(options), { densePositions: true, concurrentWriters: false, durable: false, keepsValidatedPayloads: true, uniqueEventIds: true });
describeProjectionStoreContract('memory', async () => createInMemoryProjectionStore());
describeProjectionLeasesContract('memory', async () => {
  const leases = createInMemoryProjectionLeases();
  return { open: async () => leases, close: async () => undefined };
});
