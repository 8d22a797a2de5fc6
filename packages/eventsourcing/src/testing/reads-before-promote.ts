import type { ProjectionStore } from '../projections/projection';

/**
 * Wraps a projection store so `promote` first waits for the reads a test
 * started while the rebuild ran. Without it, a read started at the last
 * progress report may reach a pooled database after the swap, and a
 * blue/green test would fail by chance rather than for a real leak.
 */
export function readsBeforePromote(store: ProjectionStore, reads: readonly Promise<unknown>[]): ProjectionStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'promote') {
        return async (staging: string, live: string) => {
          await Promise.allSettled(reads);
          return target.promote(staging, live);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
