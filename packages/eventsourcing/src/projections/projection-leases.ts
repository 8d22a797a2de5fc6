/** Who holds a projection's lease, and until when (ms since epoch, on the lease store's clock). */
export interface LeaseHolder {
  owner: string;
  expiresAt: number;
}

/**
 * Leases make a projection run in exactly one process at a time. A holder
 * renews before `ttlMs` runs out; when it dies, the lease expires and another
 * process takes over from the stored checkpoint. Leases are a liveness tool:
 * safety (no event applied twice) comes from the checkpoint guard of
 * `ProjectionStore.commit`, which refuses a batch built on a stale checkpoint
 * even if two processes briefly believe they hold the lease.
 */
export interface ProjectionLeases {
  /** Takes the lease, or renews it when `owner` already holds it. False when another owner holds an unexpired lease. */
  tryAcquire(projection: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` holds it. */
  release(projection: string, owner: string): Promise<void>;
  holder(projection: string): Promise<LeaseHolder | null>;
}
