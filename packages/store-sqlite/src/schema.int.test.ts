import Database from 'better-sqlite3';
import { CorruptLogError } from '@thidua/eventsourcing';
import { currentSchemaVersion, ensureSchema, SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from './schema';
import { createSqliteEventStore, createSqliteProjectionStore } from '.';

describe('schema', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
  });
  afterEach(() => db.close());
  const versions = () => db.prepare('SELECT version FROM thidua_schema_version ORDER BY version').pluck().all();
  const tables = () =>
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'thidua%' ORDER BY name").pluck().all();

  it('is created on first use and recorded in thidua_schema_version', async () => {
    expect(currentSchemaVersion(db)).toBe(0);
    await createSqliteEventStore({ database: db }).close();
    expect(versions()).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
    expect(tables()).toEqual(['thidua_anchors', 'thidua_events', 'thidua_projection_documents', 'thidua_projection_leases', 'thidua_projections', 'thidua_schema_version']);
    await createSqliteProjectionStore({ database: db }).close();
    await createSqliteEventStore({ database: db }).close();
    expect(versions()).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
  });

  it('applies only the missing steps of an upgrade, in one transaction each run', () => {
    const [v1, ...later] = SQLITE_MIGRATIONS;
    ensureSchema(db, [v1!]);
    expect(versions()).toEqual([1]);
    const next = [
      ...SQLITE_MIGRATIONS,
      { version: SQLITE_SCHEMA_VERSION + 1, description: 'an extra table', sql: 'CREATE TABLE thidua_extra (x INTEGER);' },
      { version: SQLITE_SCHEMA_VERSION + 2, description: 'an extra index', sql: 'CREATE INDEX thidua_extra_x ON thidua_extra (x);' },
    ];
    ensureSchema(db, next);
    const all = [1, ...later.map((m) => m.version), SQLITE_SCHEMA_VERSION + 1, SQLITE_SCHEMA_VERSION + 2];
    expect(versions()).toEqual(all);
    expect(currentSchemaVersion(db)).toBe(SQLITE_SCHEMA_VERSION + 2);
    ensureSchema(db, next);
    expect(versions()).toEqual(all);
  });

  it('leaves the database as it was when an upgrade step fails', () => {
    ensureSchema(db);
    const broken = [
      ...SQLITE_MIGRATIONS,
      { version: SQLITE_SCHEMA_VERSION + 1, description: 'half good', sql: 'CREATE TABLE thidua_extra (x INTEGER); CREATE TABLE nonsense (' },
    ];
    expect(() => ensureSchema(db, broken)).toThrow();
    expect(versions()).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
    expect(tables()).not.toContain('thidua_extra');
  });

  it('refuses a database written by a newer version rather than misreading it', () => {
    const future = SQLITE_SCHEMA_VERSION + 1;
    ensureSchema(db, [...SQLITE_MIGRATIONS, { version: future, description: 'future', sql: 'CREATE TABLE thidua_future (x);' }]);
    expect(() => createSqliteEventStore({ database: db })).toThrow(new RegExp(`schema version ${future}.*knows up to ${SQLITE_SCHEMA_VERSION}`));
    expect(() => createSqliteProjectionStore({ database: db })).toThrow(new RegExp(`schema version ${future}`));
  });

  it('makes event ids unique in the whole store, refusing a second event with a taken id and writing nothing', async () => {
    const store = createSqliteEventStore({ database: db });
    const id = '0f6c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f';
    await store.appendToStream('first', [{ id, type: 'Tested', data: {} }]);
    await expect(store.appendToStream('second', [{ type: 'Tested', data: { n: 0 } }, { id, type: 'Tested', data: { n: 1 } }])).rejects.toMatchObject({
      code: 'duplicate_event_id',
      eventId: id,
      streamId: 'second',
      existing: { streamId: 'first', revision: 0n },
    });
    expect(await store.headPosition()).toBe(1n);
    expect(await store.streamRevision('second')).toBeNull();
    await store.close();
  });

  it('refuses to upgrade a log that holds one event id twice, naming both places, and leaves the file as it was', () => {
    ensureSchema(db, [SQLITE_MIGRATIONS[0]!]);
    const insert = db.prepare(
      "INSERT INTO thidua_events (stream_id, revision, id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, 'twice', 'Tested', 1, '{}', '{}', '2013-01-01T00:00:00.000Z')",
    );
    insert.run('pledge-a', 0);
    insert.run('pledge-b', 0);
    let refusal: unknown;
    try {
      createSqliteEventStore({ database: db });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(CorruptLogError);
    expect(refusal).toMatchObject({ code: 'corrupt_log', streamId: 'pledge-b', revision: 0n });
    expect(String((refusal as Error).message)).toMatch(/event id twice is also at pledge-a@0.*cannot be upgraded to schema version 2 \(event ids unique in the whole store\).*nothing was changed/);
    expect(versions()).toEqual([1]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'thidua_events_id'").all()).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM thidua_events').pluck().get()).toBe(2);
  });
});
