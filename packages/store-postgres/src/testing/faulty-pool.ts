import { Pool, type PoolClient, type PoolConfig, type QueryConfig, type QueryResult } from 'pg';

/** A statement as the store sends it. */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * What to do to one statement:
 * - `stretch`: run it inside an explicit transaction with server-side sleeps,
 *   `beforeMs` before it and `holdMs` after it (its locks held) before
 *   `COMMIT`, to widen the windows in which concurrent writers and readers meet;
 * - `hold`: run it inside an explicit transaction and keep that open after it
 *   answered (its rows written, its locks held), calling `held()`, until
 *   `until()` resolves; then commit. A process killed meanwhile never commits;
 * - `lose-reply`: run it (it commits), then drop the connection and fail as
 *   if the reply had been lost on the way back: the caller cannot tell that
 *   it committed.
 */
export type StatementFault =
  | { kind: 'stretch'; beforeMs: number; holdMs: number }
  | { kind: 'hold'; held?(): void; until(): Promise<void> }
  | { kind: 'lose-reply' };

/** Chooses a fault for each statement the pool is asked to run (`undefined`: run it as it is). */
export type FaultPlan = (statement: Statement) => StatementFault | undefined;

/** The error pg raises when the server's connection goes away in the middle of a query. */
const LOST_REPLY = 'Connection terminated unexpectedly';

/**
 * A `pg.Pool` that injects faults into chosen statements, for tests of code
 * that runs on PostgreSQL: give it to a store as its `pool`, and the store
 * runs unchanged, with no test hook of its own. The store does not own a
 * pool it is given: end this one yourself.
 *
 * @example
 * // Lose the reply of the first append that carries two coalesced appends.
 * let lost = false;
 * const pool = createFaultyPool({ connectionString }, (statement) =>
 *   !lost && isAppendStatement(statement) && appendsIn(statement) === 2 ? ((lost = true), { kind: 'lose-reply' }) : undefined,
 * );
 * const store = createPostgresEventStore({ pool, schema });
 */
export function createFaultyPool(config: PoolConfig, plan: FaultPlan): Pool {
  return new FaultyPool(config, plan);
}

/** True for the statement of an event append (one or several coalesced appends). */
export const isAppendStatement = (statement: Statement): boolean => statement.text.includes('.append_events(');
/** True for the statement of a projection batch commit. */
export const isProjectionCommitStatement = (statement: Statement): boolean => statement.text.includes('.commit_projection(');
/** How many appends one append statement carries: more than one when the store coalesced concurrent appends. */
export const appendsIn = (statement: Statement): number => (JSON.parse(String(statement.values[0])) as unknown[]).length;

class FaultyPool extends Pool {
  constructor(
    config: PoolConfig,
    private readonly plan: FaultPlan,
  ) {
    super(config);
    // An idle client that loses its connection must not become an uncaught error in the test.
    this.on('error', () => undefined);
  }

  // `any`: pg's query has a dozen overloads (callbacks, arrays, streams), and restating them would add
  // nothing. The store only uses the promise form with a config or text and values, which is all that is
  // inspected here; anything else passes through as it is.
  override query(...args: any[]): any {
    const [first, second] = args as [unknown, unknown];
    const config: QueryConfig | undefined =
      typeof first === 'string' && typeof second !== 'function'
        ? { text: first, values: Array.isArray(second) ? second : [] }
        : typeof first === 'object' && first !== null && typeof (first as QueryConfig).text === 'string' && typeof second !== 'function'
          ? (first as QueryConfig)
          : undefined;
    const fault = config ? this.plan({ text: config.text, values: config.values ?? [] }) : undefined;
    // `any` again: the arguments go back to pg exactly as they came.
    if (!config || !fault) return super.query(...(args as [any]));
    return this.withFault(config, fault);
  }

  private async withFault(config: QueryConfig, fault: StatementFault): Promise<QueryResult> {
    const client: PoolClient = await this.connect();
    let broken = false;
    try {
      if (fault.kind === 'lose-reply') {
        await client.query(config);
        broken = true;
        throw new Error(LOST_REPLY);
      }
      await client.query('BEGIN');
      try {
        if (fault.kind === 'stretch') await client.query('SELECT pg_sleep($1)', [fault.beforeMs / 1000]);
        const result = await client.query(config);
        if (fault.kind === 'stretch') await client.query('SELECT pg_sleep($1)', [fault.holdMs / 1000]);
        else {
          fault.held?.();
          await fault.until();
        }
        await client.query('COMMIT');
        return result;
      } catch (error) {
        broken = true;
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      // A connection whose reply was dropped, or whose transaction failed, is not handed back to the pool.
      client.release(broken || undefined);
    }
  }
}
