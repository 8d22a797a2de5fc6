import type { Pool, PoolClient } from 'pg';

/** Sleeps around a write, in ms: before it inside the transaction, and after it while its locks are held. */
export interface StretchDelays {
  beforeMs: number;
  holdMs: number;
}

/**
 * Test-only path of the writes: runs `write` inside an explicit transaction
 * stretched by server-side sleeps, so that tests can widen the windows in
 * which concurrent writers, readers and crashes meet. A failed transaction
 * is rolled back and its connection discarded.
 */
export async function inStretchedTransaction<T>(pool: Pool, delays: StretchDelays, write: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_sleep($1)', [delays.beforeMs / 1000]);
    const result = await write(client);
    await client.query('SELECT pg_sleep($1)', [delays.holdMs / 1000]);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failed = true;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release(failed ? true : undefined);
  }
}
