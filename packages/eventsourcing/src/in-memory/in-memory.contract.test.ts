import { describeEventStoreContract, describeProjectionStoreContract } from '../testing';
import { createInMemoryEventStore, createInMemoryProjectionStore } from '.';

describeEventStoreContract('memory', async (options) => createInMemoryEventStore(options), { densePositions: true, concurrentWriters: false, durable: false });
describeProjectionStoreContract('memory', async () => createInMemoryProjectionStore());
