import { adminPool, describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-target';
import { createPostgresEventStore } from './postgres-event-store';
import { createPostgresProjectionStore } from './postgres-projection-store';
import { ensureSchema, SCHEMA_VERSION } from './schema';
import { CorruptLogError } from '@thidua/eventsourcing';

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
        expect(await versions(schema)).toEqual([1, 2, 3, 4, 5]);
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
      expect(await versions(schema)).toEqual([1, 2, 3, 4, 5]);
      expect(SCHEMA_VERSION).toBe(5);
      expect(await projections.getDocument('p', 'k')).toEqual({ ok: true });
      const [old] = await store.readAllPage({ maxCount: 10, raw: true });
      expect(old).toMatchObject({ id: 'e-1', streamId: 'old-1', revision: 0n, position: 1n, data: { n: 1 } });
    } finally {
      await Promise.all([store.close(), projections.close()]);
    }
  });

  it('refuses to upgrade a log that holds one event id twice, naming both places, and leaves the schema as it was', async () => {
    const schema = schemas.next();
    await ensureSchema(admin, schema, 3);
    const event = { id: 'twice', type: 'Old', schemaVersion: 1, data: {}, metadata: { prevHash: null, hash: 'h' } };
    await admin.query(`SELECT * FROM "${schema}".append_events($1::jsonb, NULL)`, [
      JSON.stringify([
        { streamId: 'pledge-a', expected: null, events: [event] },
        { streamId: 'pledge-b', expected: null, events: [event] },
      ]),
    ]);
    const store = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema });
    try {
      const refusal = await store.headPosition().then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(CorruptLogError);
      expect(refusal).toMatchObject({ code: 'corrupt_log', streamId: 'pledge-b', revision: 0n });
      expect(String((refusal as Error).message)).toMatch(/event id twice is also at pledge-a@0.*cannot be upgraded to version 4 \(event ids unique in the whole store\).*nothing was changed/);
      expect(await versions(schema)).toEqual([1, 2, 3]);
      const index = await admin.query(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = 'events_event_id_key'`, [schema]);
      expect(index.rows).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('makes event ids unique in the whole store, refusing a second event with a taken id and writing nothing', async () => {
    const store = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema: schemas.next() });
    const id = '0f6c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f';
    try {
      await store.appendToStream('first', [{ id, type: 'Tested', data: {} }]);
      // Alone, and beside another append in one coalesced write: only the one with the taken id is refused.
      const [refused, beside] = await Promise.allSettled([
        store.appendToStream('second', [{ type: 'Tested', data: { n: 0 } }, { id, type: 'Tested', data: { n: 1 } }]),
        store.appendToStream('third', [{ type: 'Tested', data: {} }]),
      ]);
      expect(refused).toMatchObject({
        status: 'rejected',
        reason: { code: 'duplicate_event_id', eventId: id, streamId: 'second', existing: { streamId: 'first', revision: 0n } },
      });
      expect(beside.status).toBe('fulfilled');
      expect(await store.streamRevision('second')).toBeNull();
      expect(await store.headPosition()).toBe(2n);
    } finally {
      await store.close();
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
