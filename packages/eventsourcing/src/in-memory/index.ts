export { createInMemoryEventStore, type InMemoryEventStoreOptions } from './in-memory-event-store';
export { createInMemoryProjectionStore } from './in-memory-projection-store';
export { createInMemoryProjectionLeases } from './in-memory-projection-leases';
