import Database from 'better-sqlite3';
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
    expect(versions()).toEqual([SQLITE_SCHEMA_VERSION]);
    expect(tables()).toEqual(['thidua_events', 'thidua_projection_documents', 'thidua_projection_leases', 'thidua_projections', 'thidua_schema_version']);
    await createSqliteProjectionStore({ database: db }).close();
    await createSqliteEventStore({ database: db }).close();
    expect(versions()).toEqual([SQLITE_SCHEMA_VERSION]);
  });

  it('applies only the missing steps of an upgrade, in one transaction each run', () => {
    ensureSchema(db);
    const next = [
      ...SQLITE_MIGRATIONS,
      { version: 2, description: 'an extra table', sql: 'CREATE TABLE thidua_extra (x INTEGER);' },
      { version: 3, description: 'an extra index', sql: 'CREATE INDEX thidua_extra_x ON thidua_extra (x);' },
    ];
    ensureSchema(db, next);
    expect(versions()).toEqual([1, 2, 3]);
    expect(currentSchemaVersion(db)).toBe(3);
    ensureSchema(db, next);
    expect(versions()).toEqual([1, 2, 3]);
  });

  it('leaves the database as it was when an upgrade step fails', () => {
    ensureSchema(db);
    const broken = [
      ...SQLITE_MIGRATIONS,
      { version: 2, description: 'half good', sql: 'CREATE TABLE thidua_extra (x INTEGER); CREATE TABLE nonsense (' },
    ];
    expect(() => ensureSchema(db, broken)).toThrow();
    expect(versions()).toEqual([1]);
    expect(tables()).not.toContain('thidua_extra');
  });

  it('refuses a database written by a newer version rather than misreading it', () => {
    ensureSchema(db, [...SQLITE_MIGRATIONS, { version: 2, description: 'future', sql: 'CREATE TABLE thidua_future (x);' }]);
    expect(() => createSqliteEventStore({ database: db })).toThrow(/schema version 2.*knows up to 1/);
    expect(() => createSqliteProjectionStore({ database: db })).toThrow(/schema version 2/);
  });
});
