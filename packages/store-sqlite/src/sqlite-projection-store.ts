import type Database from 'better-sqlite3';
import {
  ConcurrencyError,
  ValidationError,
  type CommitBatch,
  type ProjectionState,
  type ProjectionStore,
} from '@thidua/eventsourcing';
import { openSqliteConnection, type SqliteConnectionOptions } from './connection';
import { guarded } from './sqlite-errors';
import { prefixRangeEnd } from './read';

/** Options of {@link createSqliteProjectionStore}. */
export type SqliteProjectionStoreOptions = SqliteConnectionOptions;

type StateRow = [version: bigint, checkpoint: string | null];
type DocRow = [key: string, doc: string];

/**
 * Projection documents and checkpoints in SQLite. A batch's documents and
 * its checkpoint are written in one `BEGIN IMMEDIATE` transaction, with the
 * `expectedCheckpoint` guard read inside it: a crash leaves the previous
 * batch or this one, never half of it, and two runners of one projection
 * cannot both commit on the same checkpoint.
 *
 * @example
 * const projections = createSqliteProjectionStore({ database: 'sqlite:./thidua.db' });
 * const runner = createProjectionRunner({ eventStore, projectionStore: projections, projection: standings });
 */
export function createSqliteProjectionStore(options: SqliteProjectionStoreOptions): ProjectionStore {
  const connection = openSqliteConnection(options);
  const { db } = connection;
  let statements: ReturnType<typeof prepare>;
  try {
    statements = prepare(db);
  } catch (error) {
    connection.release();
    throw error;
  }
  const { state, documents, document, listAll, listRange, upsertDoc, deleteDoc, deleteAll, upsertState, moveDocs, deleteState } =
    statements;
  let closed = false;
  const assertOpen = () => {
    if (closed) throw new Error('SQLite projection store is closed');
  };
  const readState = (projection: string): ProjectionState | null => {
    const row = state.get(projection);
    return row ? { version: Number(row[0]), checkpoint: row[1] === null ? null : BigInt(row[1]) } : null;
  };

  const commitBatch = db.transaction((projection: string, batch: CommitBatch, serialized: [string, string | null][]) => {
    const found = readState(projection) ?? { version: batch.version, checkpoint: null };
    if (found.checkpoint !== batch.expectedCheckpoint || found.version !== batch.version) {
      throw new ConcurrencyError(`projection:${projection}`, batch.expectedCheckpoint ?? 'no_stream', found.checkpoint);
    }
    for (const [key, doc] of serialized) {
      if (doc === null) deleteDoc.run(projection, key);
      else upsertDoc.run(projection, key, doc);
    }
    upsertState.run(projection, batch.version, batch.checkpoint.toString(), new Date().toISOString());
  });

  const resetProjection = db.transaction((projection: string, version: number) => {
    deleteAll.run(projection);
    upsertState.run(projection, version, null, new Date().toISOString());
  });

  const promoteStaging = db.transaction((staging: string, target: string) => {
    const staged = readState(staging);
    if (!staged) throw new Error(`Nothing staged under ${staging}`);
    deleteAll.run(target);
    moveDocs.run(target, staging);
    upsertState.run(target, staged.version, staged.checkpoint?.toString() ?? null, new Date().toISOString());
    deleteState.run(staging);
  });

  const dropProjection = db.transaction((projection: string) => {
    deleteAll.run(projection);
    deleteState.run(projection);
  });

  // Every call of the store's own: a file that cannot serve (locked past the busy timeout, unreadable) becomes store_unavailable.
  const run = <T>(call: () => T): T => guarded(connection.label, call);

  return {
    name: 'sqlite',
    async getState(projection) {
      assertOpen();
      return run(() => readState(projection));
    },
    async getDocuments(projection, keys) {
      assertOpen();
      const result = new Map<string, unknown>();
      if (keys.length === 0) return result;
      if (keys.length === 1) {
        // A live runner prefetches one event at a time: skip the JSON array for the common single key.
        const key = keys[0]!;
        const doc = run(() => document.get(projection, key));
        if (doc !== undefined) result.set(key, JSON.parse(doc));
        return result;
      }
      // One statement for any number of keys: they travel as one JSON array.
      for (const [key, doc] of run(() => documents.all(projection, JSON.stringify(keys)))) result.set(key, JSON.parse(doc));
      return result;
    },
    async getDocument<T>(projection: string, key: string) {
      assertOpen();
      const doc = run(() => document.get(projection, key));
      return doc === undefined ? undefined : (JSON.parse(doc) as T);
    },
    async listDocuments<T>(projection: string, listOptions: { prefix?: string } = {}) {
      assertOpen();
      const prefix = listOptions.prefix ?? '';
      const rows = run(() => (prefix === '' ? listAll.all(projection) : listRange.all(projection, prefix, prefixRangeEnd(prefix))));
      return rows.map(([key, doc]) => ({ key, doc: JSON.parse(doc) as T }));
    },
    async commit(projection, batch) {
      assertOpen();
      // Serialise before the transaction: a document that is not JSON fails the batch before anything is written.
      const serialized = [...batch.changes].map(([key, doc]): [string, string | null] => [key, doc === null ? null : toJson(projection, key, doc)]);
      run(() => commitBatch.immediate(projection, batch, serialized));
    },
    async reset(projection, version) {
      assertOpen();
      run(() => resetProjection.immediate(projection, version));
    },
    async drop(projection) {
      assertOpen();
      run(() => dropProjection.immediate(projection));
    },
    async promote(staging, target) {
      assertOpen();
      // One transaction: readers (other connections included) see the old documents or the new ones, never a mix.
      run(() => promoteStaging.immediate(staging, target));
    },
    async close() {
      if (closed) return;
      closed = true;
      connection.release();
    },
  };
}

function prepare(db: Database.Database) {
  return {
    state: db
      .prepare<[string], StateRow>('SELECT version, checkpoint FROM thidua_projections WHERE name = ?')
      .raw(true)
      .safeIntegers(true),
    documents: db
      .prepare<[string, string], DocRow>(
        'SELECT key, doc FROM thidua_projection_documents WHERE projection = ? AND key IN (SELECT value FROM json_each(?))',
      )
      .raw(true),
    document: db
      .prepare<[string, string], string>('SELECT doc FROM thidua_projection_documents WHERE projection = ? AND key = ?')
      .pluck(true),
    listAll: db
      .prepare<[string], DocRow>('SELECT key, doc FROM thidua_projection_documents WHERE projection = ? ORDER BY key')
      .raw(true),
    listRange: db
      .prepare<[string, string, string | Buffer], DocRow>(
        'SELECT key, doc FROM thidua_projection_documents WHERE projection = ? AND key >= ? AND key < ? ORDER BY key',
      )
      .raw(true),
    upsertDoc: db.prepare<[string, string, string]>(
      `INSERT INTO thidua_projection_documents (projection, key, doc) VALUES (?, ?, ?)
       ON CONFLICT (projection, key) DO UPDATE SET doc = excluded.doc`,
    ),
    deleteDoc: db.prepare<[string, string]>('DELETE FROM thidua_projection_documents WHERE projection = ? AND key = ?'),
    deleteAll: db.prepare<[string]>('DELETE FROM thidua_projection_documents WHERE projection = ?'),
    moveDocs: db.prepare<[string, string]>('UPDATE thidua_projection_documents SET projection = ? WHERE projection = ?'),
    deleteState: db.prepare<[string]>('DELETE FROM thidua_projections WHERE name = ?'),
    upsertState: db
      .prepare<[string, number, string | null, string]>(
        `INSERT INTO thidua_projections (name, version, checkpoint, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET version = excluded.version, checkpoint = excluded.checkpoint, updated_at = excluded.updated_at`,
      )
      .safeIntegers(true),
  };
}

function toJson(projection: string, key: string, doc: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(doc);
  } catch (error) {
    throw new ValidationError(`Projection ${projection}: document ${key} is not JSON`, [{ path: `changes.${key}`, message: describe(error) }], {
      cause: error,
    });
  }
  if (json === undefined) {
    throw new ValidationError(`Projection ${projection}: document ${key} is not JSON`, [
      { path: `changes.${key}`, message: `a ${typeof doc} cannot be stored` },
    ]);
  }
  return json;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
