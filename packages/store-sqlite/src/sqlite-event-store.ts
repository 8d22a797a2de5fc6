import type { CreateEventStoreOptions, EventStore, RecordedEvent, StoreBookkeeping, StoreCapabilities } from '@thidua/eventsourcing';
import { createEventStore, type AnchorFile, type EventStoreDriver, type SealRequest } from '@thidua/eventsourcing/driver';
import { EventAppender } from './append';
import { openSqliteConnection, type SqliteConnection, type SqliteConnectionOptions } from './connection';
import { EventReads } from './read';
import { asStoreError, guarded } from './sqlite-errors';
import { announceAppend, AppendNotifier } from './subscribe';

/** Options of {@link createSqliteEventStore}. */
export interface SqliteEventStoreOptions extends CreateEventStoreOptions, SqliteConnectionOptions {
  /** The store's clock, for `recordedAt`. */
  clock?: () => Date;
  /**
   * How often a subscribed store checks for appends made by other
   * connections or processes, in ms (default 100). Appends through the same
   * connection are announced at once.
   */
  changePollIntervalMs?: number;
}

const DEFAULT_CHANGE_POLL_MS = 100;

/**
 * The SQLite driver. better-sqlite3 is synchronous, so every call runs to
 * completion before another starts: appends from this process are
 * serialised by the event loop, and appends from other processes by
 * SQLite's write lock.
 */
/** Appends written in one transaction at most: bounds the time one commit holds the write lock. */
const MAX_APPENDS_PER_COMMIT = 256;

class SqliteEventStoreDriver implements EventStoreDriver {
  readonly name = 'sqlite';
  readonly capabilities: StoreCapabilities;
  private readonly appender: EventAppender;
  /** Appends waiting for the next group commit (see `enqueue`). */
  private pending: { requests: readonly SealRequest[]; resolve(recorded: RecordedEvent[][]): void; reject(error: unknown): void }[] = [];
  private readonly reads: EventReads;
  private readonly notifier: AppendNotifier;
  private closed = false;

  constructor(
    private readonly connection: SqliteConnection,
    clock: () => Date,
    changePollIntervalMs: number,
  ) {
    // One writer at a time (one write lock per file) and positions from the rowid: dense, committed in position
    // order. Event ids are unique through the thidua_events_id index (schema version 2).
    // Its own bookkeeping is the AUTOINCREMENT counter (the last position handed out); stream tips are derived
    // from the events, so there are none to compare. Anchors live in thidua_anchors (schema version 3).
    this.capabilities = {
      densePositions: true,
      concurrentWriters: false,
      durable: connection.durable,
      uniqueEventIds: true,
      bookkeeping: true,
      storedAnchors: true,
      multiStreamAppend: true,
    };
    this.appender = new EventAppender(connection.db, clock);
    this.reads = new EventReads(connection.db);
    this.notifier = new AppendNotifier(connection.db, () => this.reads.headPosition(), changePollIntervalMs);
  }

  async append(streamId: string, seal: Parameters<EventStoreDriver['append']>[1]): Promise<RecordedEvent[]> {
    return (await this.enqueue([{ streamId, seal }]))[0]!;
  }

  async appendMany(requests: readonly SealRequest[]): Promise<RecordedEvent[][]> {
    return this.enqueue(requests);
  }

  /**
   * Appends wait for the end of the current turn of the event loop and are
   * then written together: one transaction, one disk flush, each append in
   * its own savepoint, so each is still all or nothing and a refused one
   * fails alone. Concurrent commands of one process then share a flush
   * instead of queueing for one each; a lone append costs one turn more.
   */
  private enqueue(requests: readonly SealRequest[]): Promise<RecordedEvent[][]> {
    this.assertOpen();
    this.refuseHostTransaction();
    return new Promise<RecordedEvent[][]>((resolve, reject) => {
      this.pending.push({ requests, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Writes every waiting append (see `enqueue`), at most {@link MAX_APPENDS_PER_COMMIT} per transaction. */
  private flush(): void {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_APPENDS_PER_COMMIT);
      try {
        if (this.closed) throw new Error('SQLite event store is closed');
        this.refuseHostTransaction();
        if (batch.length === 1) {
          const only = batch[0]!;
          only.resolve(guarded(this.connection.label, () => this.appender.appendMany(only.requests)));
        } else {
          const outcomes = guarded(this.connection.label, () => this.appender.appendGroup(batch.map((append) => append.requests)));
          batch.forEach((append, index) => {
            const outcome = outcomes[index]!;
            if (outcome.recorded) append.resolve(outcome.recorded);
            else append.reject(asStoreError(outcome.error, this.connection.label));
          });
        }
        announceAppend(this.connection.db);
      } catch (error) {
        for (const append of batch) append.reject(error);
      }
    }
  }

  private refuseHostTransaction(): void {
    if (this.connection.db.inTransaction) {
      // It would become a savepoint of the host's transaction: a rollback would withdraw events that subscribers
      // on this connection may already have seen, and their positions would then be reused by other events.
      throw new Error('SQLite event store: cannot append while the connection is inside a transaction its host opened');
    }
  }

  async readStreamPage(streamId: string, options: Parameters<EventStoreDriver['readStreamPage']>[1]): Promise<RecordedEvent[]> {
    this.assertOpen();
    return guarded(this.connection.label, () => this.reads.streamPage(streamId, options));
  }

  async readAllPage(options: Parameters<EventStoreDriver['readAllPage']>[0]): Promise<RecordedEvent[]> {
    this.assertOpen();
    return guarded(this.connection.label, () => this.reads.allPage(options));
  }

  async streamRevision(streamId: string): Promise<bigint | null> {
    this.assertOpen();
    return guarded(this.connection.label, () => this.reads.streamRevision(streamId));
  }

  async headPosition(): Promise<bigint | null> {
    this.assertOpen();
    return guarded(this.connection.label, () => this.reads.headPosition());
  }

  async bookkeeping(): Promise<StoreBookkeeping> {
    this.assertOpen();
    return guarded(this.connection.label, () => ({ head: this.reads.recordedHead(), tips: null }));
  }

  async recordAnchor(anchor: AnchorFile): Promise<void> {
    this.assertOpen();
    guarded(this.connection.label, () => {
      this.connection.db.prepare('INSERT INTO thidua_anchors (anchor, recorded_at) VALUES (?, ?)').run(JSON.stringify(anchor), new Date().toISOString());
    });
  }

  async readAnchors(): Promise<unknown[]> {
    this.assertOpen();
    return guarded(this.connection.label, () =>
      this.connection.db
        .prepare<[], string>('SELECT anchor FROM thidua_anchors ORDER BY seq')
        .pluck()
        .all()
        .map((text) => JSON.parse(text) as unknown),
    );
  }

  onAppended(listener: () => void): () => void {
    if (this.closed) return () => undefined;
    return this.notifier.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are written before the connection goes.
    this.flush();
    this.closed = true;
    this.notifier.close();
    this.connection.release();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('SQLite event store is closed');
  }
}

/**
 * A durable event store in one SQLite file (better-sqlite3): the embedded
 * default of thidua. The schema is created or upgraded on first use; the
 * file is in WAL mode with `synchronous = FULL` unless told otherwise.
 *
 * @example
 * const store = createSqliteEventStore({ database: 'sqlite:./thidua.db', registry });
 * await store.appendToStream('bloc-tn-kt', [{ type: 'BlocEstablished', data: { … } }], { expectedRevision: 'no_stream' });
 *
 * @example Embedded in a host that owns its connection (the store never closes it):
 * const db = new Database('./app.db');
 * const store = createSqliteEventStore({ database: db });
 */
export function createSqliteEventStore(options: SqliteEventStoreOptions): EventStore {
  const connection = openSqliteConnection(options);
  try {
    const driver = new SqliteEventStoreDriver(
      connection,
      options.clock ?? (() => new Date()),
      options.changePollIntervalMs ?? DEFAULT_CHANGE_POLL_MS,
    );
    return createEventStore(driver, options);
  } catch (error) {
    connection.release();
    throw error;
  }
}
