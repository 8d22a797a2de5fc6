/**
 * The in-memory store (`createInMemoryEventStore`) with the in-memory
 * projection store: the kernel's own costs, with no I/O to hide them.
 */
import { createInMemoryEventStore, createInMemoryProjectionStore } from '@thidua/eventsourcing';
import { thiduaRegistry } from '@thidua/domain';
import { atLeast, atMost, between } from '../report';
import { openStore, type StoreUnderTest, type SuiteSizes } from './store-under-test';

/** Sizes of the issue: S = 2000, E = 50 (100 000 events); 200 × 500 against 10 000 × 10. */
export const MEMORY_SIZES: SuiteSizes = {
  campaign: { streams: 2_000, eventsPerStream: 50 },
  single: { streams: 2_000, eventsPerStream: 50 },
  scaling: [
    { streams: 200, eventsPerStream: 500 },
    { streams: 10_000, eventsPerStream: 10 },
  ],
  rehydrate: 10_000,
  commands: { pledges: 200, rounds: 10 },
  writers: 1,
};

/** Tiny sizes for the smoke test (`--quick`). */
export const QUICK_SIZES: SuiteSizes = {
  campaign: { streams: 12, eventsPerStream: 5 },
  single: { streams: 12, eventsPerStream: 5 },
  scaling: [
    { streams: 2, eventsPerStream: 20 },
    { streams: 20, eventsPerStream: 2 },
  ],
  rehydrate: 50,
  commands: { pledges: 4, rounds: 2 },
  writers: 1,
};

/** The in-memory suite. */
export function memorySuite(options: { quick: boolean }): StoreUnderTest {
  return {
    name: 'memory',
    sizes: options.quick ? QUICK_SIZES : MEMORY_SIZES,
    inProcess: true,
    note: 'createInMemoryEventStore with thiduaRegistry, in-memory projection store',
    targets: {
      'append-single': atLeast(100_000, 'events/s'),
      'append-batched': atLeast(200_000, 'events/s'),
      'scaling-ratio': between(0.8, 1.25),
      rehydrate: atMost(0.5, 'ms'),
      'read-stream': atMost(0.5, 'ms'),
      'rebuild-standings': atLeast(2_000_000, 'events/s'),
    },
    async open() {
      return openStore(createInMemoryEventStore({ registry: thiduaRegistry }), createInMemoryProjectionStore());
    },
  };
}
