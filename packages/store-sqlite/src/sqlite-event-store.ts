import type { CreateEventStoreOptions, EventStore, RecordedEvent, StoreCapabilities } from '@thidua/eventsourcing';
import { createEventStore, type EventStoreDriver, type SealRequest } from '@thidua/eventsourcing/driver';
import { EventAppender } from './append';
import { openSqliteConnection, type SqliteConnection, type SqliteConnectionOptions } from './connection';
import { EventReads } from './read';
import { guarded } from './sqlite-errors';
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
class SqliteEventStoreDriver implements EventStoreDriver {
  readonly name = 'sqlite';
  readonly capabilities: StoreCapabilities;
  private readonly appender: EventAppender;
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
    this.capabilities = { densePositions: true, concurrentWriters: false, durable: connection.durable, uniqueEventIds: true, multiStreamAppend: true };
    this.appender = new EventAppender(connection.db, clock);
    this.reads = new EventReads(connection.db);
    this.notifier = new AppendNotifier(connection.db, () => this.reads.headPosition(), changePollIntervalMs);
  }

  async append(streamId: string, seal: Parameters<EventStoreDriver['append']>[1]): Promise<RecordedEvent[]> {
    this.assertOpen();
    if (this.connection.db.inTransaction) {
      // It would become a savepoint of the host's transaction: a rollback would withdraw events that subscribers
      // on this connection may already have seen, and their positions would then be reused by other events.
      throw new Error('SQLite event store: cannot append while the connection is inside a transaction its host opened');
    }
    const recorded = guarded(this.connection.label, () => this.appender.append(streamId, seal));
    announceAppend(this.connection.db);
    return recorded;
  }

  async appendMany(requests: readonly SealRequest[]): Promise<RecordedEvent[][]> {
    this.assertOpen();
    if (this.connection.db.inTransaction) {
      throw new Error('SQLite event store: cannot append while the connection is inside a transaction its host opened');
    }
    const recorded = guarded(this.connection.label, () => this.appender.appendMany(requests));
    announceAppend(this.connection.db);
    return recorded;
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

  onAppended(listener: () => void): () => void {
    if (this.closed) return () => undefined;
    return this.notifier.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
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
