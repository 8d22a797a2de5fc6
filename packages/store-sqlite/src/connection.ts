import Database from 'better-sqlite3';
import { StoreUnavailableError, ValidationError } from '@thidua/eventsourcing';
import { ensureSchema } from './schema';
import { asStoreError, sqliteErrorCode } from './sqlite-errors';

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
  /** The store as errors name it: `sqlite:<file>`. */
  readonly label: string;
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
    const label = `sqlite:${db.name}`;
    try {
      ensureSchema(db);
    } catch (error) {
      throw asStoreError(error, label);
    }
    return { db, owned: false, durable: !db.memory, label, release: () => undefined };
  }

  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const filename = sqliteFilename(options.database);
  const label = `sqlite:${filename}`;
  let db: Database.Database;
  try {
    db = new Database(filename, { timeout: busyTimeoutMs });
  } catch (error) {
    // A missing folder (better-sqlite3 says so with a TypeError of its own) or a path that cannot be a file.
    const mapped = asStoreError(error, label);
    throw mapped === error ? new StoreUnavailableError(label, { transient: false, cause: error }) : mapped;
  }
  try {
    // journal_mode is persistent in the file; it cannot change inside a transaction, so it comes first.
    switchToWal(db, busyTimeoutMs);
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    ensureSchema(db);
  } catch (error) {
    db.close();
    throw asStoreError(error, label);
  }
  let released = false;
  return {
    db,
    owned: true,
    durable: !db.memory,
    label,
    release() {
      if (released) return;
      released = true;
      db.close();
    },
  };
}

/**
 * Puts the file in WAL mode. Processes that open a new file together may each
 * hold a read lock while asking for the exclusive lock the switch needs:
 * SQLite sees a deadlock and answers one of them `SQLITE_BUSY` at once,
 * without calling the busy handler. So we wait and try again ourselves,
 * within the busy timeout; by then another process has usually made the
 * switch, and the pragma finds WAL already set.
 */
function switchToWal(db: Database.Database, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, 50)) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (!sqliteErrorCode(error)?.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      // Opening is synchronous (as better-sqlite3 is): block this thread briefly, with jitter so the processes part.
      Atomics.wait(PAUSE, 0, 0, pauseMs + Math.random() * pauseMs);
    }
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
