import { getProjectionLag, isThiduaError, type EventStore, type ProjectionLeases, type ProjectionStore } from '@thidua/eventsourcing';
import { INTERNAL_PROBLEM_CODE } from '@thidua/eventsourcing/problem-details';

/** One projection as `/healthz` reports it. */
export interface ProjectionHealth {
  projection: string;
  /** `leader`: this replica holds the projection's lease and applies the log; `follower`: another one does, or none right now. */
  role: 'leader' | 'follower';
  /** The owner of the lease (this replica's `owner`, another's), or null while no one holds it. */
  holder: string | null;
  /** Position of the last event applied, as a decimal string (null: none yet). */
  checkpoint: string | null;
  /** Events still to apply (`head − checkpoint`), as a decimal string. */
  behind: string;
  caughtUp: boolean;
}

/**
 * What `/healthz` answers. `status`:
 * - `ok`: every projection runs here or in another replica;
 * - `degraded`: the stores did not answer the health check; the runners
 *   keep trying (they outlive outages), so restarting would not help;
 * - `stopped` (503): a projection stopped for good (a projection bug on an
 *   event of the log), in this replica; its read model no longer moves.
 */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'stopped';
  /** This replica's lease owner name. */
  owner: string;
  /** The log's head, as a decimal string (null: empty log; absent when degraded). */
  head?: string | null;
  projections?: ProjectionHealth[];
  /**
   * When stopped: the projection that stopped here first (null when the
   * error does not name one) and the code of what stopped it; never its
   * message, which may quote data of the log.
   */
  stopped?: { projection: string | null; code: string };
  /** When degraded: the code of what the check met (`store_unavailable`, …). */
  code?: string;
}

/** What the health check reads. */
export interface HealthSources {
  eventStore: EventStore;
  projectionStore: ProjectionStore;
  leases: ProjectionLeases;
  owner: string;
  projections: readonly string[];
  /** The error that stopped a runner of this replica, or null while they all run. */
  failure(): unknown;
}

/**
 * The health of the projections, read from the shared stores (checkpoints,
 * lease holders), so every replica gives the same picture of who leads and
 * how far behind each read model is, plus what only this replica knows:
 * whether one of its runners stopped. 503 only then.
 */
export async function projectionHealth(sources: HealthSources): Promise<{ status: 200 | 503; report: HealthReport }> {
  const failure = sources.failure();
  const stopped = failure === null ? undefined : stoppedBy(failure);
  const base = { owner: sources.owner, ...(stopped ? { stopped } : {}) };
  let lag: Awaited<ReturnType<typeof getProjectionLag>>;
  try {
    lag = await getProjectionLag({ eventStore: sources.eventStore, projectionStore: sources.projectionStore, leases: sources.leases, names: sources.projections });
  } catch (error) {
    const code = isThiduaError(error) ? error.code : INTERNAL_PROBLEM_CODE;
    return stopped ? { status: 503, report: { status: 'stopped', ...base, code } } : { status: 200, report: { status: 'degraded', ...base, code } };
  }
  const projections = lag.projections.map(
    (p): ProjectionHealth => ({
      projection: p.projection,
      role: p.holder?.owner === sources.owner ? 'leader' : 'follower',
      holder: p.holder?.owner ?? null,
      checkpoint: p.checkpoint === null ? null : p.checkpoint.toString(),
      behind: p.behind.toString(),
      caughtUp: p.caughtUp,
    }),
  );
  const report: HealthReport = { status: stopped ? 'stopped' : 'ok', ...base, head: lag.head === null ? null : lag.head.toString(), projections };
  return { status: stopped ? 503 : 200, report };
}

function stoppedBy(error: unknown): { projection: string | null; code: string } {
  if (!isThiduaError(error)) return { projection: null, code: INTERNAL_PROBLEM_CODE };
  const projection = (error.details as { projection?: unknown }).projection;
  return { projection: typeof projection === 'string' ? projection : null, code: error.code };
}
