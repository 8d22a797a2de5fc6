import type {
  CreateEventStoreOptions,
  Direction,
  EventStore,
  ReadAllFilter,
  RecordedEvent,
  SealedEvent,
  StoreBookkeeping,
  StoreCapabilities,
} from '@thidua/eventsourcing';
import { createEventStore, type AnchorFile, type EventStoreDriver, type SealRequest, type StreamTip } from '@thidua/eventsourcing/driver';
import { EventAppender } from './append';
import { RevisionBatcher } from './revision-batcher';
import { guarded } from './postgres-errors';
import { EventReader } from './read';
import { appendChannel, lazySchema, openConnection, sqlTypes, type PostgresConnection, type PostgresConnectionOptions } from './schema';
import { AppendNotifier } from './subscribe';

/** Options of {@link createPostgresEventStore}. */
export interface PostgresEventStoreOptions extends PostgresConnectionOptions, CreateEventStoreOptions {
  /**
   * Announce appends with NOTIFY and let subscriptions LISTEN (default true),
   * so live subscribers wake within milliseconds instead of at their poll
   * interval. While any of its subscriptions runs, the store holds one pool
   * connection for LISTEN.
   */
  notifications?: boolean;
}

/**
 * Dense positions: the log-order counter rolls back with a failed append, so
 * no position is ever skipped. Concurrent writers: any number of processes
 * may append at once. Durable: committed means on disk (as the server's
 * `synchronous_commit` defines it). Unique event ids: the events_event_id_key
 * index (schema version 4). Bookkeeping: the log_head row and one streams
 * row per stream, which the audit compares with the events. Anchors: the
 * anchors table (schema version 5).
 */
const CAPABILITIES: StoreCapabilities = {
  densePositions: true,
  concurrentWriters: true,
  durable: true,
  uniqueEventIds: true,
  bookkeeping: true,
  storedAnchors: true,
  multiStreamAppend: true,
};

class PostgresEventStoreDriver implements EventStoreDriver {
  readonly name = 'postgres';
  readonly capabilities = CAPABILITIES;
  readonly onAppended?: (listener: () => void) => () => void;
  private readonly ready: () => Promise<void>;
  private readonly reader: EventReader;
  private readonly appender: EventAppender;
  private readonly revisions: RevisionBatcher;
  private readonly notifier: AppendNotifier | null;
  private closed = false;

  constructor(
    private readonly connection: PostgresConnection,
    options: PostgresEventStoreOptions,
  ) {
    this.ready = lazySchema(connection);
    this.reader = new EventReader(connection);
    this.revisions = new RevisionBatcher(connection);
    const channel = options.notifications === false ? null : appendChannel(connection.schema);
    this.appender = new EventAppender(connection, this.reader, channel, options.retry);
    this.notifier = channel === null ? null : new AppendNotifier(connection, channel);
    if (this.notifier) {
      const notifier = this.notifier;
      this.onAppended = (listener) => notifier.subscribe(listener);
    }
  }

  async append(streamId: string, seal: (tip: StreamTip) => SealedEvent[]): Promise<RecordedEvent[]> {
    return this.guarded(async () => {
      await this.open();
      return this.appender.append(streamId, seal);
    });
  }

  async appendMany(requests: readonly SealRequest[]): Promise<RecordedEvent[][]> {
    return this.guarded(async () => {
      await this.open();
      return this.appender.appendMany(requests);
    });
  }

  async readStreamPage(
    streamId: string,
    options: { fromRevision: bigint | undefined; maxCount: number; direction: Direction },
  ): Promise<RecordedEvent[]> {
    const page = await this.guarded(async () => {
      await this.open();
      return this.reader.readStreamPage(streamId, options);
    });
    // A read that reached the stream's end has seen its tip: the next append can skip the tip read.
    const reachedEnd =
      options.direction === 'forwards' ? page.length < options.maxCount : options.fromRevision === undefined;
    const tip = options.direction === 'forwards' ? page[page.length - 1] : page[0];
    if (reachedEnd && tip) this.appender.rememberTip(streamId, { revision: tip.revision, hash: tip.metadata.hash });
    return page;
  }

  async readAllPage(options: {
    fromPosition: bigint | undefined;
    maxCount: number;
    filter: ReadAllFilter | undefined;
  }): Promise<RecordedEvent[]> {
    return this.guarded(async () => {
      await this.open();
      return this.reader.readAllPage(options);
    });
  }

  async streamRevision(streamId: string): Promise<bigint | null> {
    return this.guarded(async () => {
      await this.open();
      return this.revisions.revision(streamId);
    });
  }

  async headPosition(): Promise<bigint | null> {
    return this.guarded(async () => {
      await this.open();
      return this.reader.headPosition();
    });
  }

  async bookkeeping(): Promise<StoreBookkeeping> {
    return this.guarded(async () => {
      await this.open();
      // One statement, so the head and the stream rows come from one snapshot.
      const { rows } = await this.connection.pool.query<{ head: bigint; tips: [string, string, string][] }>({
        text: `SELECT (SELECT last_position FROM ${this.connection.q}.log_head) AS head,
                      coalesce((SELECT json_agg(json_build_array(stream_id, revision::text, hash) ORDER BY stream_id)
                                FROM ${this.connection.q}.streams), '[]'::json) AS tips`,
        types: sqlTypes,
      });
      const row = rows[0];
      const head = row?.head ?? 0n;
      return {
        head: head === 0n ? null : head,
        tips: (row?.tips ?? []).map(([streamId, revision, hash]) => ({ streamId, revision: BigInt(revision), hash })),
      };
    });
  }

  async recordAnchor(anchor: AnchorFile): Promise<void> {
    return this.guarded(async () => {
      await this.open();
      await this.connection.pool.query({ text: `INSERT INTO ${this.connection.q}.anchors (anchor) VALUES ($1)`, values: [JSON.stringify(anchor)] });
    });
  }

  async readAnchors(): Promise<unknown[]> {
    return this.guarded(async () => {
      await this.open();
      const { rows } = await this.connection.pool.query<{ anchor: unknown }>({
        text: `SELECT anchor FROM ${this.connection.q}.anchors ORDER BY seq`,
        types: sqlTypes,
      });
      return rows.map((row) => row.anchor);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reader.close();
    await this.notifier?.close();
    if (this.connection.ownsPool) await this.connection.pool.end();
  }

  /** A server that cannot be reached, or went away, surfaces as the kernel's `store_unavailable`. */
  private guarded<T>(call: () => Promise<T>): Promise<T> {
    return guarded(this.connection.label, call);
  }

  private async open(): Promise<void> {
    if (this.closed) throw new Error(`PostgreSQL event store (schema ${this.connection.schema}) is closed`);
    await this.ready();
  }
}

/**
 * An event store in PostgreSQL: atomic multi-event appends, optimistic
 * concurrency, per-stream hash chains and a gap-free, dense global order that
 * catch-up readers can follow without ever skipping or repeating an event.
 * Tables are created or upgraded on first use, in `options.schema`.
 *
 * @example
 * const store = createPostgresEventStore({ connectionString: 'postgres://postgres@127.0.0.1:5432/app', registry });
 * // or, inside a backend that already has a pool:
 * const shared = createPostgresEventStore({ pool, schema: 'thidua_tayninh' });
 */
export function createPostgresEventStore(options: PostgresEventStoreOptions): EventStore {
  const connection = openConnection(options);
  const storeOptions: CreateEventStoreOptions = {};
  if (options.registry) storeOptions.registry = options.registry;
  if (options.pageSize !== undefined) storeOptions.pageSize = options.pageSize;
  if (options.wrapDriver) storeOptions.wrapDriver = options.wrapDriver;
  if (options.retry) storeOptions.retry = options.retry;
  if (options.telemetry !== undefined) storeOptions.telemetry = options.telemetry;
  return createEventStore(new PostgresEventStoreDriver(connection, options), storeOptions);
}
