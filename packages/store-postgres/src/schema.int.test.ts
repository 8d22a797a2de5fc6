import { adminPool, describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-target';
import { createPostgresEventStore } from './postgres-event-store';
import { createPostgresProjectionStore } from './postgres-projection-store';
import { ensureSchema, SCHEMA_VERSION } from './schema';

describePostgres('schema', () => {
  const schemas = testSchemas('schema');
  const admin = adminPool(2);

  const versions = async (schema: string) =>
    (await admin.query<{ version: number }>(`SELECT version FROM "${schema}".schema_version ORDER BY version`)).rows.map((r) => r.version);

  it('is created once when several stores start at the same time on a fresh schema', async () => {
    // Repeated on fresh schemas: without the migration lock the racing CREATEs collide on most rounds.
    for (let round = 0; round < 4; round += 1) {
      const schema = schemas.next();
      const stores = [0, 1, 2].map(() => createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 }));
      const projections = [0, 1].map(() => createPostgresProjectionStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 }));
      try {
        const results = await Promise.all([...stores.map((s) => s.headPosition()), ...projections.map((p) => p.getState('x'))]);
        expect(results).toEqual([null, null, null, null, null]);
        expect(await versions(schema)).toEqual([1, 2, 3]);
        await stores[0]!.appendToStream('s-1', [{ type: 'Created', data: {} }]);
        expect(await stores[1]!.headPosition()).toBe(1n);
      } finally {
        await Promise.all([...stores, ...projections].map((s) => s.close()));
      }
    }
  });

  it('upgrades an older schema on first use, keeping its events', async () => {
    const schema = schemas.next();
    await ensureSchema(admin, schema, 1);
    expect(await versions(schema)).toEqual([1]);
    await admin.query(`SELECT * FROM "${schema}".append_events($1::jsonb, NULL)`, [
      JSON.stringify([
        { streamId: 'old-1', expected: null, events: [{ id: 'e-1', type: 'Old', schemaVersion: 1, data: { n: 1 }, metadata: { prevHash: null, hash: 'h' } }] },
      ]),
    ]);
    const projections = createPostgresProjectionStore({ connectionString: TEST_DATABASE_URL, schema });
    const store = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema });
    try {
      await projections.commit('p', { version: 1, expectedCheckpoint: null, checkpoint: 1n, changes: new Map([['k', { ok: true }]]) });
      expect(await versions(schema)).toEqual([1, 2, 3]);
      expect(SCHEMA_VERSION).toBe(3);
      expect(await projections.getDocument('p', 'k')).toEqual({ ok: true });
      const [old] = await store.readAllPage({ maxCount: 10, raw: true });
      expect(old).toMatchObject({ id: 'e-1', streamId: 'old-1', revision: 0n, position: 1n, data: { n: 1 } });
    } finally {
      await Promise.all([store.close(), projections.close()]);
    }
  });

  it('refuses a schema written by a newer version of the package', async () => {
    const schema = schemas.next();
    await ensureSchema(admin, schema);
    await admin.query(`INSERT INTO "${schema}".schema_version (version, description) VALUES ($1, 'from the future')`, [SCHEMA_VERSION + 1]);
    const store = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema });
    try {
      await expect(store.headPosition()).rejects.toMatchObject({ code: 'validation_failed' });
    } finally {
      await store.close();
    }
  });

  it('keeps deployments in different schemas of one database apart', async () => {
    const [a, b] = [schemas.next(), schemas.next()];
    const storeA = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema: a });
    const storeB = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema: b });
    try {
      await storeA.appendToStream('bloc-1', [{ type: 'InA', data: {} }]);
      await storeB.appendToStream('bloc-1', [{ type: 'InB', data: {} }, { type: 'InB', data: {} }]);
      expect((await storeA.readAllPage({ maxCount: 10 })).map((e) => [e.type, e.position])).toEqual([['InA', 1n]]);
      expect((await storeB.readAllPage({ maxCount: 10 })).map((e) => [e.type, e.position])).toEqual([
        ['InB', 1n],
        ['InB', 2n],
      ]);
    } finally {
      await Promise.all([storeA.close(), storeB.close()]);
    }
  });

  it('validates the schema name and the connection options', () => {
    expect(() => createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema: 'bad-name; DROP' })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
    expect(() => createPostgresEventStore({ schema: 'ok' })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => createPostgresProjectionStore({ connectionString: TEST_DATABASE_URL, pool: admin })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
  });
});
