import {
  ConcurrencyError,
  NotFoundError,
  ValidationError,
  type CommitBatch,
  type ProjectionState,
  type ProjectionStore,
} from '@thidua/eventsourcing';
import type { QueryArrayConfig } from 'pg';
import { guarded } from './postgres-errors';
import { retryTransient } from './retry-transient';
import { lazySchema, openConnection, sqlTypes, statementName, type PostgresConnectionOptions } from './schema';

/** Options of {@link createPostgresProjectionStore}. */
export type PostgresProjectionStoreOptions = PostgresConnectionOptions;

/** Smallest string greater than every string that starts with `prefix`, in code point order (`COLLATE "C"`). */
function prefixUpperBound(prefix: string): string | null {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Skip the surrogate range: it holds no characters PostgreSQL text can store.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return null;
}

/** Checkpoints are `numeric` (up to 128 bits, for EventStoreDB positions) and arrive as decimal text. */
function toCheckpoint(value: string | null): bigint | null {
  return value === null ? null : BigInt(value);
}

/** Serialises a document as the in-memory store does (`JSON.stringify`), refusing what is not JSON. */
function toJson(projection: string, key: string, doc: unknown): string {
  const json = JSON.stringify(doc);
  if (json === undefined) {
    throw new ValidationError(`Projection ${projection}: document ${key} is not a JSON value`, [
      { path: key, message: 'documents must be JSON values' },
    ]);
  }
  return json;
}

/**
 * Projection documents (jsonb) and checkpoints in PostgreSQL. A batch's
 * documents and its checkpoint are written by one statement, so in one
 * transaction, with the `expectedCheckpoint` guard inside it: a crash leaves
 * either the whole batch or none of it.
 *
 * @example
 * const projections = createPostgresProjectionStore({ pool, schema: 'thidua' });
 * const runner = createProjectionRunner({ eventStore, projectionStore: projections, projection: standings });
 */
export function createPostgresProjectionStore(options: PostgresProjectionStoreOptions): ProjectionStore {
  const connection = openConnection(options);
  const { pool, q, schema } = connection;
  const ready = lazySchema(connection);
  let closed = false;
  const name = (operation: string) => statementName(schema, operation);

  const query = async <Row extends unknown[]>(config: QueryArrayConfig): Promise<Row[]> => {
    if (closed) throw new Error(`PostgreSQL projection store (schema ${schema}) is closed`);
    return guarded(connection.label, async () => {
      await ready();
      const result = await pool.query<Row>({ ...config, types: sqlTypes, rowMode: 'array' });
      return result.rows;
    });
  };

  const commitQuery = (projection: string, batch: CommitBatch): QueryArrayConfig => {
    // Serialise everything before touching the database: one bad document and nothing is written.
    const upserts: string[] = [];
    const deletes: string[] = [];
    for (const [key, doc] of batch.changes) {
      if (doc === null) deletes.push(key);
      else upserts.push(`${JSON.stringify(key)}:${toJson(projection, key, doc)}`);
    }
    return {
      name: name('commit_projection'),
      text: `SELECT committed, actual_version, actual_checkpoint FROM ${q}.commit_projection($1, $2, $3, $4, $5::jsonb, $6::text[])`,
      values: [
        projection,
        batch.version,
        batch.expectedCheckpoint === null ? null : batch.expectedCheckpoint.toString(),
        batch.checkpoint.toString(),
        `{${upserts.join(',')}}`,
        deletes,
      ],
      rowMode: 'array',
    };
  };

  return {
    name: 'postgres',

    async getState(projection): Promise<ProjectionState | null> {
      const [row] = await query<[number, string | null]>({
        name: name('projection_state'),
        text: `SELECT version, checkpoint FROM ${q}.projections WHERE name = $1`,
        values: [projection],
        rowMode: 'array',
      });
      return row ? { version: row[0], checkpoint: toCheckpoint(row[1]) } : null;
    },

    async getDocuments(projection, keys) {
      const found = new Map<string, unknown>();
      if (keys.length === 0) return found;
      const rows = await query<[string, unknown]>({
        name: name('projection_docs'),
        text: `SELECT key, doc FROM ${q}.projection_documents WHERE projection = $1 AND key = ANY ($2::text[])`,
        values: [projection, [...keys]],
        rowMode: 'array',
      });
      for (const [key, doc] of rows) found.set(key, doc);
      return found;
    },

    async getDocument<T>(projection: string, key: string): Promise<T | undefined> {
      const [row] = await query<[T]>({
        name: name('projection_doc'),
        text: `SELECT doc FROM ${q}.projection_documents WHERE projection = $1 AND key = $2`,
        values: [projection, key],
        rowMode: 'array',
      });
      return row?.[0];
    },

    async listDocuments<T>(projection: string, listOptions: { prefix?: string } = {}) {
      const prefix = listOptions.prefix ?? '';
      const upper = prefixUpperBound(prefix);
      // A key range rather than LIKE, so the primary key serves the prefix whatever the plan cache chose.
      const rows = await query<[string, T]>(
        upper === null
          ? {
              name: name('projection_list'),
              text: `SELECT key, doc FROM ${q}.projection_documents WHERE projection = $1 AND key >= $2 ORDER BY key`,
              values: [projection, prefix],
              rowMode: 'array',
            }
          : {
              name: name('projection_list_range'),
              text: `SELECT key, doc FROM ${q}.projection_documents WHERE projection = $1 AND key >= $2 AND key < $3 ORDER BY key`,
              values: [projection, prefix, upper],
              rowMode: 'array',
            },
      );
      return rows.map(([key, doc]) => ({ key, doc }));
    },

    async commit(projection, batch) {
      const config = commitQuery(projection, batch);
      const [row] = await retryTransient(() => query<[boolean, number | null, string | null]>(config));
      if (!row) throw new Error(`commit_projection returned no row for ${projection}`);
      if (!row[0]) {
        throw new ConcurrencyError(`projection:${projection}`, batch.expectedCheckpoint ?? 'no_stream', toCheckpoint(row[2]));
      }
    },

    async reset(projection, version) {
      await query({
        name: name('reset_projection'),
        text: `SELECT ${q}.reset_projection($1, $2)`,
        values: [projection, version],
        rowMode: 'array',
      });
    },

    async promote(staging, target) {
      const [row] = await query<[boolean]>({
        name: name('promote_projection'),
        text: `SELECT ${q}.promote_projection($1, $2)`,
        values: [staging, target],
        rowMode: 'array',
      });
      if (!row?.[0]) throw new NotFoundError(`Nothing staged under ${staging}`, { projection: staging });
    },

    async drop(projection) {
      // One statement, so one transaction: documents and state go together.
      await query({
        name: name('drop_projection'),
        text: `WITH documents AS (DELETE FROM ${q}.projection_documents WHERE projection = $1) DELETE FROM ${q}.projections WHERE name = $1`,
        values: [projection],
        rowMode: 'array',
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      if (connection.ownsPool) await pool.end();
    },
  };
}
