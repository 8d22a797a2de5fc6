import { Pool } from 'pg';
import { adminPool, describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-target';
import { createPostgresProjectionLeases } from './postgres-projection-leases';
import { createPostgresProjectionStore } from './postgres-projection-store';
import { ensureSchema, SCHEMA_VERSION } from './schema';

/*
 * What the shared lease contract cannot see: the lease lives on the
 * database's clock, its row records who took it when, and it arrives as a
 * recorded migration on existing schemas.
 */
describePostgres('PostgreSQL projection leases', () => {
  const schemas = testSchemas('leases');
  const admin = adminPool(2);

  /** The server's clock in ms (numeric arrives as text). */
  const dbNow = async () => Number((await admin.query<{ ms: string }>('SELECT extract(epoch FROM clock_timestamp()) * 1000 AS ms')).rows[0]!.ms);
  const row = async (schema: string, projection: string) =>
    (
      await admin.query<{ owner: string; acquired: string; renewed: string; expires: string }>(
        `SELECT owner, extract(epoch FROM acquired_at) * 1000 AS acquired, extract(epoch FROM renewed_at) * 1000 AS renewed,
                extract(epoch FROM expires_at) * 1000 AS expires
         FROM "${schema}".projection_leases WHERE projection = $1`,
        [projection],
      )
    ).rows.map((r) => ({ owner: r.owner, acquired: Number(r.acquired), renewed: Number(r.renewed), expires: Number(r.expires) }))[0];

  it('sets the expiry from the database clock, and records when the owner took and last renewed the lease', async () => {
    const schema = schemas.next();
    const leases = createPostgresProjectionLeases({ connectionString: TEST_DATABASE_URL, schema });
    try {
      const before = await dbNow();
      expect(await leases.tryAcquire('standings', 'replica-a', 30_000)).toBe(true);
      const after = await dbNow();
      const holder = await leases.holder('standings');
      // Whatever this process's clock says: the expiry is the server's time of the upsert plus the ttl.
      expect(holder?.expiresAt).toBeGreaterThanOrEqual(Math.floor(before + 30_000));
      expect(holder?.expiresAt).toBeLessThanOrEqual(after + 30_000);
      const taken = (await row(schema, 'standings'))!;
      expect(taken.owner).toBe('replica-a');
      expect(taken.renewed).toBe(taken.acquired);

      expect(await leases.tryAcquire('standings', 'replica-a', 30_000)).toBe(true);
      const renewed = (await row(schema, 'standings'))!;
      expect(renewed.acquired).toBe(taken.acquired);
      expect(renewed.renewed).toBeGreaterThan(taken.renewed);
      expect(renewed.expires).toBeGreaterThan(taken.expires);
    } finally {
      await leases.close();
    }
  });

  it('is taken over only once expired on the database clock, and the takeover is recorded as a new acquisition', async () => {
    const schema = schemas.next();
    const [a, b] = [0, 1].map(() => createPostgresProjectionLeases({ connectionString: TEST_DATABASE_URL, schema }));
    try {
      expect(await a!.tryAcquire('audit-trail', 'replica-a', 150)).toBe(true);
      const first = (await row(schema, 'audit-trail'))!;
      while (!(await b!.tryAcquire('audit-trail', 'replica-b', 30_000))) await new Promise((resolve) => setTimeout(resolve, 10));
      const second = (await row(schema, 'audit-trail'))!;
      expect(second.owner).toBe('replica-b');
      expect(second.acquired).toBeGreaterThanOrEqual(first.expires);
      expect(await a!.tryAcquire('audit-trail', 'replica-a', 150)).toBe(false);
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  it('refuses a ttl that is not a positive number of ms', async () => {
    const leases = createPostgresProjectionLeases({ connectionString: TEST_DATABASE_URL, schema: schemas.next() });
    try {
      for (const ttl of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(leases.tryAcquire('p', 'a', ttl)).rejects.toMatchObject({ code: 'validation_failed' });
      }
    } finally {
      await leases.close();
    }
  });

  it('borrows a host pool without ending it, and refuses use after close', async () => {
    const schema = schemas.next();
    const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    try {
      const leases = createPostgresProjectionLeases({ pool, schema });
      expect(await leases.tryAcquire('p', 'a', 30_000)).toBe(true);
      await leases.close();
      await expect(leases.holder('p')).rejects.toThrow(/closed/);
      expect((await pool.query<{ owner: string }>(`SELECT owner FROM "${schema}".projection_leases`)).rows).toEqual([{ owner: 'a' }]);
    } finally {
      await pool.end();
    }
  });

  it('arrives as migration 3 on a schema written by the previous version, keeping its projections', async () => {
    const schema = schemas.next();
    await ensureSchema(admin, schema, 2);
    const projections = createPostgresProjectionStore({ pool: admin, schema });
    await admin.query(`SELECT "${schema}".commit_projection('standings', 1, NULL, 7, '{"bloc:kt":{"ok":true}}'::jsonb, '{}')`);
    const leases = createPostgresProjectionLeases({ connectionString: TEST_DATABASE_URL, schema });
    try {
      expect(await leases.tryAcquire('standings', 'replica-a', 30_000)).toBe(true);
      const versions = await admin.query<{ version: number; description: string }>(
        `SELECT version, description FROM "${schema}".schema_version ORDER BY version`,
      );
      // Every later step too: the upgrade runs to the current version.
      expect(versions.rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      expect(versions.rows[2]!.description).toMatch(/lease/);
      expect(await projections.getState('standings')).toEqual({ version: 1, checkpoint: 7n });
      expect(await projections.getDocument('standings', 'bloc:kt')).toEqual({ ok: true });
    } finally {
      await Promise.all([leases.close(), projections.close()]);
    }
  });
});
