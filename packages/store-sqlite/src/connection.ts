import Database from 'better-sqlite3';
import { ValidationError } from '@thidua/eventsourcing';
import { ensureSchema } from './schema';

/** How a SQLite store reaches its database. */
export interface SqliteConnectionOptions {
  /**
   * Where the store lives: `sqlite:<path>` (the CLI's `--store` form), a plain
   * file path, `:memory:` (or `sqlite::memory:`), or an open better-sqlite3
   * `Database` owned by the host. A host-owned database is used as it is
   * configured (journal mode, `synchronous`, busy timeout) and is never
   * closed by the store.
   */
  database: string | Database.Database;
  /**
   * `'full'` (default) syncs the WAL on every commit, so an acknowledged
   * append survives power loss. `'normal'` is faster but may lose the last
   * transactions on power loss or an OS crash (never on a process crash).
   * Only applied to connections the store opens itself.
   */
  synchronous?: 'full' | 'normal';
  /** How long a writer waits for another connection's write lock before failing with `SQLITE_BUSY`, in ms. Default 5 000. */
  busyTimeoutMs?: number;
}

/** A connection as a store holds it: whether it opened it decides whether it may close it. */
export interface SqliteConnection {
  readonly db: Database.Database;
  /** True when the store opened the connection (and so closes it). */
  readonly owned: boolean;
  /** False for an in-memory database, which dies with its connection. */
  readonly durable: boolean;
  /** Closes the connection if the store owns it; a host-owned one is left open. */
  release(): void;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/**
 * The file name behind a store location, read as the CLI reads `--store`:
 * `sqlite:<path>` (relative to the working directory unless absolute),
 * `sqlite://<path>` too (so `sqlite:///var/lib/thidua.db` is absolute), and
 * anything without the scheme as a path. `:memory:` stays an in-memory database.
 */
export function sqliteFilename(location: string): string {
  let filename = location;
  if (/^sqlite:/i.test(filename)) {
    filename = filename.slice('sqlite:'.length);
    if (filename.startsWith('//')) filename = filename.slice(2);
  }
  if (filename.trim().length === 0) {
    throw new ValidationError(`Invalid SQLite location ${JSON.stringify(location)}`, [
      { path: 'database', message: 'expected sqlite:<path>, a file path or :memory:' },
    ]);
  }
  return filename;
}

/**
 * Opens (or adopts) a connection and brings the schema up to date. A
 * connection the store opens is put in WAL mode, so readers in other
 * processes never wait for a writer, with `synchronous = FULL` by default.
 */
export function openSqliteConnection(options: SqliteConnectionOptions): SqliteConnection {
  if (typeof options.database !== 'string') {
    const db = options.database;
    if (!db.open) throw new Error('The SQLite database handed to the store is closed');
    ensureSchema(db);
    return { db, owned: false, durable: !db.memory, release: () => undefined };
  }

  const db = new Database(sqliteFilename(options.database), {
    timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
  });
  try {
    // journal_mode is persistent in the file; it cannot change inside a transaction, so it comes first.
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    ensureSchema(db);
  } catch (error) {
    db.close();
    throw error;
  }
  let released = false;
  return {
    db,
    owned: true,
    durable: !db.memory,
    release() {
      if (released) return;
      released = true;
      db.close();
    },
  };
}
