import { createHash } from 'node:crypto';
import { CorruptLogError, ValidationError } from '@thidua/eventsourcing';
import { Pool, type CustomTypesConfig, type PoolClient } from 'pg';
import { storeLabel } from './postgres-errors';

/** Where the store lives: a connection (or a host's pool) and a schema name. */
export interface PostgresConnectionOptions {
  /** `postgres://user@host:5432/db`. The store opens (and on `close()` ends) its own pool. */
  connectionString?: string;
  /** A pool owned by the host backend. The store borrows clients from it and never ends it. */
  pool?: Pool;
  /**
   * Schema holding every table of the store (default `thidua`), so several
   * deployments can share one database. Letters, digits and `_`, not starting
   * with a digit, at most 63 characters.
   */
  schema?: string;
  /** Size of the pool the store opens from `connectionString` (default 10). Ignored with `pool`. */
  maxConnections?: number;
}

/** The default schema name. */
export const DEFAULT_SCHEMA = 'thidua';

/** The schema version this code writes; a database at a higher version is refused. */
export const SCHEMA_VERSION = 5;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** The unique index on event ids; an append that breaks it is refused as a duplicate id. */
export const EVENT_ID_INDEX = 'events_event_id_key';

/** First key of the two-key advisory lock that serialises migrations ("th" in ASCII). */
const MIGRATION_LOCK_CLASS = 0x7468;

/** A resolved connection: the pool to use and whether this store owns it. */
export interface PostgresConnection {
  readonly pool: Pool;
  readonly ownsPool: boolean;
  readonly schema: string;
  /** The schema as a quoted SQL identifier, safe to splice into statements. */
  readonly q: string;
  /** The store as errors name it: server (without password) and schema. */
  readonly label: string;
}

const OID = { bool: 16, int2: 21, int4: 23, int8: 20, float4: 700, float8: 701, json: 114, jsonb: 3802 } as const;
const asString = (value: string): string => value;
const isTrue = (value: string): boolean => value === 't';

/**
 * How the store decodes result columns, passed with every query so the host's
 * global pg type parsers are neither relied on nor changed: int8 (positions,
 * revisions) becomes a JS bigint, json/jsonb is parsed, other numbers become
 * numbers, booleans booleans, anything else stays text.
 */
export const sqlTypes: CustomTypesConfig = {
  getTypeParser: (oid: number) => {
    switch (oid) {
      case OID.bool:
        return isTrue;
      case OID.int8:
        return BigInt;
      case OID.int2:
      case OID.int4:
      case OID.float4:
      case OID.float8:
        return Number;
      case OID.json:
      case OID.jsonb:
        return JSON.parse;
      default:
        return asString;
    }
  },
};

/** Validates the options and opens a pool when given a connection string. */
export function openConnection(options: PostgresConnectionOptions): PostgresConnection {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAME.test(schema)) {
    throw new ValidationError(`Invalid PostgreSQL schema name ${JSON.stringify(schema)}`, [
      { path: 'schema', message: 'letters, digits and _, not starting with a digit, at most 63 characters' },
    ]);
  }
  if ((options.pool === undefined) === (options.connectionString === undefined)) {
    throw new ValidationError('Give exactly one of connectionString or pool', [
      { path: 'connectionString', message: 'exactly one of connectionString and pool is required' },
    ]);
  }
  const q = quoteIdent(schema);
  const label = storeLabel(options.connectionString, schema);
  if (options.pool) return { pool: options.pool, ownsPool: false, schema, q, label };
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    application_name: 'thidua',
  });
  // An idle client that loses its connection is dropped by the pool; without a
  // listener Node would turn that event into an uncaught exception.
  pool.on('error', () => undefined);
  return { pool, ownsPool: true, schema, q, label };
}

/** Double-quotes an identifier (already validated, so only the quoting is needed). */
export function quoteIdent(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** Short, stable digest of a schema name, for statement and channel names limited to 63 bytes. */
function digest(schema: string): string {
  return createHash('sha1').update(schema).digest('hex').slice(0, 12);
}

/**
 * Name of a prepared statement for `operation` in `schema`. Named statements
 * are parsed once per connection; the schema digest keeps two stores with
 * different schemas on one pool from claiming the same name for different SQL.
 */
export function statementName(schema: string, operation: string): string {
  return `thidua_${operation}_${digest(schema)}`;
}

/** The LISTEN/NOTIFY channel on which appends to `schema` are announced. */
export function appendChannel(schema: string): string {
  const readable = `thidua_appended_${schema}`;
  return readable.length <= 63 ? readable : `thidua_appended_${digest(schema)}`;
}

interface Migration {
  version: number;
  description: string;
  sql(q: string): string;
}

/**
 * Migrations, applied in order and recorded in `schema_version`. Never edit a
 * released one: add the next. Every object is schema-qualified, including
 * inside function bodies, so the host's `search_path` never matters.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'event log: streams, events, log head, append function',
    sql: (q) => `
      CREATE TABLE ${q}.streams (
        stream_id text COLLATE "C" PRIMARY KEY,
        revision bigint NOT NULL,
        hash text NOT NULL
      ) WITH (fillfactor = 80);

      CREATE TABLE ${q}.events (
        position bigint PRIMARY KEY,
        stream_id text COLLATE "C" NOT NULL,
        revision bigint NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL,
        CONSTRAINT events_stream_revision_key UNIQUE (stream_id, revision)
      );

      CREATE TABLE ${q}.log_head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        last_position bigint NOT NULL
      );
      INSERT INTO ${q}.log_head (singleton, last_position) VALUES (true, 0);

      -- One call writes one or more appends (several when concurrent appends
      -- of one process are coalesced into one transaction and one WAL flush).
      -- Each append is all-or-nothing: its per-stream step is a conditional
      -- update of its streams row (which also serialises writers of one
      -- stream); a refused one is answered with the actual tip and writes
      -- nothing. The global positions are taken last, for all accepted
      -- appends at once, from the one-row log_head, whose row lock is then
      -- held only until commit: positions are granted in commit order, so a
      -- reader never sees a position while an earlier one may still commit.
      -- Callers order the appends by stream id, so stream rows are always
      -- locked in one order and two calls cannot deadlock.
      CREATE FUNCTION ${q}.append_events(p_appends jsonb, p_channel text)
      RETURNS TABLE (item integer, appended boolean, actual_revision bigint, actual_hash text, first_position bigint, recorded_at_ms double precision)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_append record;
        v_events jsonb;
        v_count integer;
        v_expected bigint;
        v_last_hash text;
        -- Accepted appends: their item number, first revision - 1, offset in this call's positions, size, last hash.
        v_items integer[] := '{}';
        v_streams text[] := '{}';
        v_bases bigint[] := '{}';
        v_offsets bigint[] := '{}';
        v_counts integer[] := '{}';
        v_hashes text[] := '{}';
        v_total bigint := 0;
        v_last_position bigint;
        v_first bigint;
        v_at timestamptz;
      BEGIN
        FOR v_append IN
          SELECT a.value ->> 'streamId' AS stream_id, (a.value ->> 'expected')::bigint AS expected,
                 a.value -> 'events' AS events, a.ord::integer AS ord
          FROM jsonb_array_elements(p_appends) WITH ORDINALITY AS a(value, ord)
        LOOP
          v_events := v_append.events;
          v_count := jsonb_array_length(v_events);
          v_expected := v_append.expected;
          v_last_hash := v_events -> (v_count - 1) -> 'metadata' ->> 'hash';
          IF v_expected IS NULL THEN
            INSERT INTO ${q}.streams (stream_id, revision, hash) VALUES (v_append.stream_id, v_count - 1, v_last_hash)
            ON CONFLICT (stream_id) DO NOTHING;
          ELSE
            UPDATE ${q}.streams SET revision = v_expected + v_count, hash = v_last_hash
            WHERE stream_id = v_append.stream_id AND revision = v_expected
              AND hash = v_events -> 0 -> 'metadata' ->> 'prevHash';
          END IF;
          IF FOUND THEN
            v_items := v_items || v_append.ord;
            v_streams := v_streams || v_append.stream_id;
            v_bases := v_bases || coalesce(v_expected, -1);
            v_offsets := v_offsets || v_total;
            v_counts := v_counts || v_count;
            v_hashes := v_hashes || v_last_hash;
            v_total := v_total + v_count;
          ELSE
            item := v_append.ord;
            appended := false;
            actual_revision := NULL;
            actual_hash := NULL;
            first_position := NULL;
            recorded_at_ms := NULL;
            SELECT s.revision, s.hash INTO actual_revision, actual_hash
            FROM ${q}.streams s WHERE s.stream_id = v_append.stream_id;
            RETURN NEXT;
          END IF;
        END LOOP;
        IF v_total = 0 THEN
          RETURN;
        END IF;

        UPDATE ${q}.log_head SET last_position = last_position + v_total WHERE singleton
        RETURNING last_position INTO v_last_position;
        v_first := v_last_position - v_total + 1;
        -- Taken after the order lock: recordedAt never decreases along positions.
        v_at := date_trunc('milliseconds', clock_timestamp());
        INSERT INTO ${q}.events (position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at)
        SELECT v_first + acc.offset_in_call + e.ord - 1, acc.stream_id, acc.base + e.ord,
               e.value ->> 'id', e.value ->> 'type', (e.value ->> 'schemaVersion')::integer,
               e.value -> 'data', e.value -> 'metadata', v_at
        FROM unnest(v_items, v_streams, v_bases, v_offsets) AS acc(item, stream_id, base, offset_in_call)
        CROSS JOIN LATERAL jsonb_array_elements(p_appends -> (acc.item - 1) -> 'events') WITH ORDINALITY AS e(value, ord);
        IF p_channel IS NOT NULL THEN
          PERFORM pg_notify(p_channel, '');
        END IF;
        RETURN QUERY
          SELECT acc.item, true, acc.base + acc.size, acc.last_hash, v_first + acc.offset_in_call,
                 (extract(epoch FROM v_at) * 1000)::double precision
          FROM unnest(v_items, v_bases, v_offsets, v_counts, v_hashes) AS acc(item, base, offset_in_call, size, last_hash);
      END
      $fn$;
    `,
  },
  {
    version: 2,
    description: 'projections: state, documents, commit, reset and promote functions',
    sql: (q) => `
      CREATE TABLE ${q}.projections (
        name text COLLATE "C" PRIMARY KEY,
        version integer NOT NULL,
        -- numeric, not bigint: an EventStoreDB log's positions take 128 bits.
        checkpoint numeric(39, 0),
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );

      CREATE TABLE ${q}.projection_documents (
        projection text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        doc jsonb NOT NULL,
        PRIMARY KEY (projection, key)
      );

      -- Documents and checkpoint in one statement, so in one transaction; the
      -- guard (version and expected checkpoint) is the row lock on the
      -- projection's state row, taken before any document is touched.
      CREATE FUNCTION ${q}.commit_projection(p_name text, p_version integer, p_expected numeric, p_checkpoint numeric, p_upserts jsonb, p_deletes text[])
      RETURNS TABLE (committed boolean, actual_version integer, actual_checkpoint numeric)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        UPDATE ${q}.projections SET checkpoint = p_checkpoint, updated_at = clock_timestamp()
        WHERE name = p_name AND version = p_version AND checkpoint IS NOT DISTINCT FROM p_expected;
        IF NOT FOUND AND p_expected IS NULL THEN
          INSERT INTO ${q}.projections (name, version, checkpoint) VALUES (p_name, p_version, p_checkpoint)
          ON CONFLICT (name) DO NOTHING;
        END IF;
        IF NOT FOUND THEN
          RETURN QUERY SELECT false, p.version, p.checkpoint FROM ${q}.projections p WHERE p.name = p_name;
          IF NOT FOUND THEN
            RETURN QUERY SELECT false, NULL::integer, NULL::numeric;
          END IF;
          RETURN;
        END IF;
        IF cardinality(p_deletes) > 0 THEN
          DELETE FROM ${q}.projection_documents WHERE projection = p_name AND key = ANY (p_deletes);
        END IF;
        INSERT INTO ${q}.projection_documents (projection, key, doc)
        SELECT p_name, u.key, u.value FROM jsonb_each(p_upserts) AS u
        ON CONFLICT (projection, key) DO UPDATE SET doc = excluded.doc;
        RETURN QUERY SELECT true, p_version, p_checkpoint;
      END
      $fn$;

      -- The state row is locked first (the upsert), so a commit racing this
      -- reset either finishes before the documents are deleted or waits and
      -- then fails its guard.
      CREATE FUNCTION ${q}.reset_projection(p_name text, p_version integer)
      RETURNS void
      LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO ${q}.projections (name, version, checkpoint) VALUES (p_name, p_version, NULL)
        ON CONFLICT (name) DO UPDATE SET version = excluded.version, checkpoint = NULL, updated_at = clock_timestamp();
        DELETE FROM ${q}.projection_documents WHERE projection = p_name;
      END
      $fn$;

      -- Blue/green swap: the staging state row is locked, then the target's
      -- (by the upsert), so readers see the old documents or the new ones.
      CREATE FUNCTION ${q}.promote_projection(p_staging text, p_target text)
      RETURNS boolean
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_version integer;
        v_checkpoint numeric;
      BEGIN
        SELECT version, checkpoint INTO v_version, v_checkpoint
        FROM ${q}.projections WHERE name = p_staging FOR UPDATE;
        IF NOT FOUND THEN
          RETURN false;
        END IF;
        INSERT INTO ${q}.projections (name, version, checkpoint) VALUES (p_target, v_version, v_checkpoint)
        ON CONFLICT (name) DO UPDATE SET version = excluded.version, checkpoint = excluded.checkpoint, updated_at = clock_timestamp();
        DELETE FROM ${q}.projection_documents WHERE projection = p_target;
        UPDATE ${q}.projection_documents SET projection = p_target WHERE projection = p_staging;
        DELETE FROM ${q}.projections WHERE name = p_staging;
        RETURN true;
      END
      $fn$;
    `,
  },
  {
    version: 3,
    description: 'projection leases: one holder per projection, expiring on the database clock',
    sql: (q) => `
      -- One row per projection that was ever leased. Times are the server's
      -- (clock_timestamp()), so the clocks of the replicas never matter.
      -- acquired_at: when the current owner took it (kept across renewals);
      -- renewed_at: its last renewal; expires_at: when anyone may take it.
      CREATE TABLE ${q}.projection_leases (
        projection text COLLATE "C" PRIMARY KEY,
        owner text NOT NULL,
        acquired_at timestamptz NOT NULL,
        renewed_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 4,
    description: 'event ids unique in the whole store',
    // Built inside the upgrade's transaction (so not CONCURRENTLY): writers wait for it, once.
    sql: (q) => `CREATE UNIQUE INDEX ${EVENT_ID_INDEX} ON ${q}.events (event_id);`,
  },
  {
    version: 5,
    description: 'anchors: log heads taken for the audit',
    sql: (q) => `
      -- One row per anchor in its file form: the audit parses and checks it, and its signature covers the
      -- fields, not this row. Copies kept outside the database are what make anchors worth having.
      CREATE TABLE ${q}.anchors (
        seq bigserial PRIMARY KEY,
        anchor jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
    `,
  },
];

/** Version recorded in the schema, or 0 when the schema or its version table does not exist yet. */
async function installedVersion(runner: Pool | PoolClient, q: string): Promise<number> {
  try {
    const { rows } = await runner.query<{ v: number | null }>({ text: `SELECT max(version) AS v FROM ${q}.schema_version`, types: sqlTypes });
    return rows[0]?.v ?? 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // 3F000: no such schema; 42P01: no such table. Anything else is a real failure.
    if (code === '3F000' || code === '42P01') return 0;
    throw error;
  }
}

/**
 * Creates or upgrades the schema to {@link SCHEMA_VERSION} (or `upTo`, for
 * tests of the upgrade path). Safe when several processes start at once:
 * migrations run in one transaction under an advisory lock keyed by the schema
 * name, and each process re-reads the recorded version after taking it.
 */
export async function ensureSchema(pool: Pool, schema: string, upTo: number = SCHEMA_VERSION): Promise<void> {
  const q = quoteIdent(schema);
  const current = await installedVersion(pool, q);
  assertKnown(schema, current);
  if (current >= upTo) return;

  const client = await pool.connect();
  let broken: unknown;
  let failedAt: Migration | null = null;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${q}.schema_version (
         version integer PRIMARY KEY,
         description text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
       )`,
    );
    const locked = await installedVersion(client, q);
    assertKnown(schema, locked);
    for (const migration of MIGRATIONS) {
      if (migration.version <= locked || migration.version > upTo) continue;
      failedAt = migration;
      await client.query(migration.sql(q));
      failedAt = null;
      await client.query(`INSERT INTO ${q}.schema_version (version, description) VALUES ($1, $2)`, [
        migration.version,
        migration.description,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    broken = error;
    await client.query('ROLLBACK').catch(() => undefined);
  } finally {
    // A client whose rollback may have failed is not handed back to the pool.
    client.release(broken === undefined ? undefined : true);
  }
  if (broken !== undefined) throw failedAt ? await refusalOf(pool, schema, failedAt, broken) : broken;
}

/**
 * Why a step could not run, as a typed error where the data is the reason:
 * a log written before event ids had to be unique may hold one id twice, and
 * then the unique index cannot be built. The upgrade was rolled back whole,
 * so the schema stays readable by the version that wrote it.
 */
async function refusalOf(pool: Pool, schema: string, migration: Migration, error: unknown): Promise<unknown> {
  const { code } = error as { code?: unknown };
  if (code !== '23505' || !migration.sql('').includes(EVENT_ID_INDEX)) return error;
  const q = quoteIdent(schema);
  const { rows } = await pool.query<[string, string, bigint]>({
    text: `SELECT e.event_id, e.stream_id, e.revision FROM ${q}.events e
           WHERE e.event_id = (SELECT event_id FROM ${q}.events GROUP BY event_id HAVING count(*) > 1 LIMIT 1)
           ORDER BY e.position`,
    types: sqlTypes,
    rowMode: 'array',
  });
  const [first, second] = rows;
  if (!first || !second) return error;
  return new CorruptLogError(
    second[1],
    second[2],
    `event id ${first[0]} is also at ${first[1]}@${first[2]}. Event ids must be unique in the store, so PostgreSQL schema ${schema} cannot be upgraded to version ${migration.version} (${migration.description}) until every copy but one is removed or given another id (thidua export, fix the lines, import into a new store); nothing was changed`,
    { eventId: first[0], places: rows.map(([, streamId, revision]) => ({ streamId, revision })), migration: migration.version },
    { cause: error },
  );
}

function assertKnown(schema: string, version: number): void {
  if (version > SCHEMA_VERSION) {
    throw new ValidationError(
      `PostgreSQL schema ${schema} is at version ${version}; this @thidua/store-postgres knows up to ${SCHEMA_VERSION}. Upgrade the package.`,
      [{ path: 'schema', message: `schema version ${version} is newer than ${SCHEMA_VERSION}` }],
    );
  }
}

/**
 * Runs `ensureSchema` once per store, on first use. A failed attempt (server
 * down) is forgotten so the next call tries again.
 */
export function lazySchema(connection: PostgresConnection): () => Promise<void> {
  let ready: Promise<void> | null = null;
  return () => {
    ready ??= ensureSchema(connection.pool, connection.schema).catch((error: unknown) => {
      ready = null;
      throw error;
    });
    return ready;
  };
}
