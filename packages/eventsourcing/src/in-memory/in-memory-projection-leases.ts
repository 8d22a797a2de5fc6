import type { LeaseHolder, ProjectionLeases } from '../projections/projection-leases';

/** Leases within one process: for tests and single-process tools. */
export function createInMemoryProjectionLeases(clock: () => number = Date.now): ProjectionLeases {
  const leases = new Map<string, LeaseHolder>();
  return {
    async tryAcquire(projection, owner, ttlMs) {
      const now = clock();
      const current = leases.get(projection);
      if (current && current.owner !== owner && current.expiresAt > now) return false;
      leases.set(projection, { owner, expiresAt: now + ttlMs });
      return true;
    },
    async release(projection, owner) {
      if (leases.get(projection)?.owner === owner) leases.delete(projection);
    },
    async holder(projection) {
      const current = leases.get(projection);
      return current && current.expiresAt > clock() ? { ...current } : null;
    },
  };
}
