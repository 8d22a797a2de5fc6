import type Database from 'better-sqlite3';
import { CorruptLogError } from '@thidua/eventsourcing';
import { sqliteErrorCode } from './sqlite-errors';

/** One step of the schema's history. Steps are append-only: a released step is never edited. */
export interface SqliteMigration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/**
 * Every table thidua keeps in SQLite. The event store and the projection
 * store share one list, so a file holding both is always at one version.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'events, projection checkpoints, documents and leases',
    sql: `
      -- position is the rowid: dense while nothing is deleted, and AUTOINCREMENT guarantees a position is
      -- never handed out twice even if rows were removed by hand (consumers' checkpoints stay meaningful).
      CREATE TABLE thidua_events (
        position       INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_id      TEXT    NOT NULL,
        revision       INTEGER NOT NULL CHECK (revision >= 0),
        id             TEXT    NOT NULL,
        type           TEXT    NOT NULL,
        schema_version INTEGER NOT NULL,
        data           TEXT    NOT NULL,
        metadata       TEXT    NOT NULL,
        recorded_at    TEXT    NOT NULL,
        -- The last line of defence against two writers taking one revision; it also serves readStream.
        CONSTRAINT thidua_events_stream_revision UNIQUE (stream_id, revision)
      );
      -- Type-filtered reads walk this index in position order (see read.ts).
      CREATE INDEX thidua_events_type_position ON thidua_events (type, position);

      -- checkpoint is a decimal string: a projection may follow a store whose positions exceed 64 bits
      -- (EventStoreDB packs commit and prepare positions into 128), and TEXT never rounds.
      CREATE TABLE thidua_projections (
        name       TEXT    PRIMARY KEY,
        version    INTEGER NOT NULL,
        checkpoint TEXT    CHECK (checkpoint GLOB '[0-9]*'),
        updated_at TEXT    NOT NULL
      );
      CREATE TABLE thidua_projection_documents (
        projection TEXT NOT NULL,
        key        TEXT NOT NULL,
        doc        TEXT NOT NULL,
        PRIMARY KEY (projection, key)
      ) WITHOUT ROWID;

      -- expires_at is ms since the epoch on the clock of the machine holding the file.
      CREATE TABLE thidua_projection_leases (
        projection TEXT    PRIMARY KEY,
        owner      TEXT    NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'event ids unique in the whole store',
    // Also what findIdenticalAppend and the duplicate-id refusal look ids up by.
    sql: `CREATE UNIQUE INDEX thidua_events_id ON thidua_events (id);`,
  },
  {
    version: 3,
    description: 'anchors: log heads taken for the audit',
    sql: `
      -- One row per anchor, in its file form (JSON text): the audit parses and checks it, and its signature
      -- covers the fields, not this row. Copies kept outside the file are what make anchors worth having.
      CREATE TABLE thidua_anchors (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        anchor      TEXT    NOT NULL,
        recorded_at TEXT    NOT NULL
      );
    `,
  },
];

/** The schema version this code writes and reads. */
export const SQLITE_SCHEMA_VERSION: number = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]!.version;

const CREATE_VERSION_TABLE = `
  CREATE TABLE IF NOT EXISTS thidua_schema_version (
    version     INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at  TEXT NOT NULL
  )`;

/** The schema version recorded in the database, or 0 for a database thidua never touched. */
export function currentSchemaVersion(db: Database.Database): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'thidua_schema_version'")
    .pluck()
    .get();
  if (table === undefined) return 0;
  const version = db.prepare('SELECT MAX(version) FROM thidua_schema_version').pluck().safeIntegers(false).get();
  return typeof version === 'number' ? version : 0;
}

/**
 * Creates or upgrades the schema. Cheap when it is current (one read, no
 * lock). Otherwise the missing steps run in one `BEGIN IMMEDIATE`
 * transaction: a second process opening the same file waits on the write
 * lock (busy timeout), then finds the work done. A database written by a
 * newer thidua is refused rather than misread.
 */
export function ensureSchema(db: Database.Database, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): void {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const refuseNewer = (found: number) => {
    if (found > latest) {
      throw new Error(
        `SQLite database ${db.name} has thidua schema version ${found}; this version of @thidua/store-sqlite knows up to ${latest}. Upgrade the package.`,
      );
    }
  };
  const seen = currentSchemaVersion(db);
  refuseNewer(seen);
  if (seen === latest) return;

  const upgrade = db.transaction(() => {
    db.exec(CREATE_VERSION_TABLE);
    const found = currentSchemaVersion(db);
    refuseNewer(found);
    const record = db.prepare('INSERT INTO thidua_schema_version (version, description, applied_at) VALUES (?, ?, ?)');
    for (const migration of migrations) {
      if (migration.version <= found) continue;
      try {
        db.exec(migration.sql);
      } catch (error) {
        throw refusalOf(db, migration, error);
      }
      record.run(migration.version, migration.description, new Date().toISOString());
    }
  });
  upgrade.immediate();
}

/**
 * Why a step could not run, as a typed error where the data is the reason:
 * a log written before event ids had to be unique may hold one id twice, and
 * then the unique index cannot be built. The whole upgrade is rolled back, so
 * the file stays readable by the version that wrote it.
 */
function refusalOf(db: Database.Database, migration: SqliteMigration, error: unknown): unknown {
  if (sqliteErrorCode(error) !== 'SQLITE_CONSTRAINT_UNIQUE' || !migration.sql.includes('thidua_events_id')) return error;
  const id = db.prepare('SELECT id FROM thidua_events GROUP BY id HAVING count(*) > 1 LIMIT 1').pluck().get() as string | undefined;
  if (id === undefined) return error;
  const places = db
    .prepare<[string], [string, bigint]>('SELECT stream_id, revision FROM thidua_events WHERE id = ? ORDER BY position')
    .raw(true)
    .safeIntegers(true)
    .all(id);
  const [first, second] = places;
  return new CorruptLogError(
    second?.[0] ?? '?',
    second?.[1] ?? null,
    `event id ${id} is also at ${first?.[0]}@${first?.[1]}. Event ids must be unique in the store, so ${db.name} cannot be upgraded to schema version ${migration.version} (${migration.description}) until every copy but one is removed or given another id (thidua export, fix the lines, import into a new store); nothing was changed`,
    { eventId: id, places: places.map(([streamId, revision]) => ({ streamId, revision })), migration: migration.version },
    { cause: error },
  );
}
