import type { EventStore } from '../event-store/event-store';
import type { ProjectionStore } from './projection';
import type { LeaseHolder, ProjectionLeases } from './projection-leases';

/** How far one projection is behind the log, as read by {@link getProjectionLag}. */
export interface ProjectionLag {
  projection: string;
  /** The version stored with the checkpoint (null: the projection never committed). */
  version: number | null;
  /** Position of the last event applied (null: none yet). */
  checkpoint: bigint | null;
  /**
   * `head − checkpoint` (the head when nothing is applied yet; 0 once caught
   * up). On stores with dense positions (memory, SQLite, PostgreSQL) it is
   * the number of events still to apply; on EventStoreDB it is a distance in
   * log bytes, only good for "zero or not" and trends.
   */
  behind: bigint;
  /** The checkpoint has reached the head read at the start of the call. */
  caughtUp: boolean;
  /** Who runs it: present when `leases` was given, null when no unexpired lease is held. */
  holder?: LeaseHolder | null;
}

/** What {@link getProjectionLag} returns. */
export interface ProjectionLagReport {
  /** The log's head position when the report was taken (null: empty log). */
  head: bigint | null;
  projections: ProjectionLag[];
}

/** Options of {@link getProjectionLag}. */
export interface ProjectionLagOptions {
  eventStore: EventStore;
  projectionStore: ProjectionStore;
  /** The projections to report on, by name, in the order wanted. */
  names: readonly string[];
  /** The lease store the runners use, to report each projection's holder too. */
  leases?: ProjectionLeases;
}

/**
 * Each projection's checkpoint against the log's head, read from the shared
 * stores, so any replica (or a monitoring job) sees the same answer whichever
 * process runs the projections. The head is read first: a checkpoint that
 * moved past it in the meantime counts as caught up, never as negative lag.
 *
 * @example
 * const { head, projections } = await getProjectionLag({ eventStore, projectionStore, names: ['standings'], leases });
 * for (const p of projections) metrics.gauge('thidua_projection_behind', Number(p.behind), { projection: p.projection });
 */
export async function getProjectionLag(options: ProjectionLagOptions): Promise<ProjectionLagReport> {
  const { eventStore, projectionStore, leases } = options;
  const head = await eventStore.headPosition();
  const projections = await Promise.all(
    options.names.map(async (projection): Promise<ProjectionLag> => {
      const [state, holder] = await Promise.all([projectionStore.getState(projection), leases?.holder(projection)]);
      const checkpoint = state?.checkpoint ?? null;
      const behind = head === null ? 0n : checkpoint === null ? head : head > checkpoint ? head - checkpoint : 0n;
      return {
        projection,
        version: state?.version ?? null,
        checkpoint,
        behind,
        caughtUp: head === null || (checkpoint !== null && checkpoint >= head),
        ...(leases ? { holder: holder ?? null } : {}),
      };
    }),
  );
  return { head, projections };
}
