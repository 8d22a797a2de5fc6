import {
  ValidationError,
  type CreateEventStoreOptions,
  type EventStore,
  type RecordedEvent,
  type StoreCapabilities,
  type SubscribeOptions,
  type Subscription,
} from '@thidua/eventsourcing';
import { loadEventStoreDbClient } from './client-values';
import { createEventStore, type EventStoreDriver } from '@thidua/eventsourcing/driver';
import { append } from './append';
import type { EventStoreDbClientLike } from './client';
import { toClientConnectionString } from './connection-string';
import type { DriverContext, ResubscribeOptions, RetryOptions } from './driver-context';
import { headPosition, readAllPage, readStreamPage, streamRevision } from './read';
import { subscribeToAll } from './subscribe';

/** Options shared by both ways of connecting. */
export interface EventStoreDbCommonOptions extends CreateEventStoreOptions {
  /**
   * Prefix put before every stream id on the server; `$all` reads,
   * subscriptions and the head position only see streams that carry it.
   * For sharing one server between tenants or test runs. Scans of `$all`
   * skip other namespaces on this side, so a dedicated database is faster.
   */
  namespace?: string;
  /** Retries of reads and appends that failed for a passing reason (deadline exceeded, node unavailable). */
  retry?: RetryOptions;
  /** Resubscription of a dropped catch-up subscription. */
  resubscribe?: ResubscribeOptions;
  /**
   * The server's `MaxAppendSize` in bytes, declared to callers as the
   * store's `maxAppendBytes` capability so that bulk writers (an import)
   * split their appends under it. Default 1 048 576, the server's default;
   * set it when the server is configured otherwise. An append the server
   * refuses for size is an `append_too_large` error either way.
   */
  maxAppendSize?: number;
}

/**
 * How to reach EventStoreDB: a connection string (the store creates the
 * client and disposes it on `close()`), or a client you made and keep
 * ownership of (`close()` leaves it open).
 */
export type EventStoreDbEventStoreOptions = EventStoreDbCommonOptions &
  (
    | {
        /**
         * Any connection string the client accepts, e.g. `esdb://localhost:2113?tls=false`,
         * `esdb://a:2113,b:2113,c:2113?nodePreference=leader`, `esdb+discover://cluster.example:2113`;
         * `kurrentdb://` and `kurrent://` are read as `esdb://`.
         */
        connectionString: string;
        client?: never;
      }
    | {
        /**
         * A client of either package: `EventStoreDBClient` of
         * `@eventstore/db-client` 6.x, or `KurrentDBClient` of
         * `@kurrent/kurrentdb-client` 1.x (the maintained one).
         */
        client: EventStoreDbClientLike;
        /** Dispose the client on `close()`, as for a client the store made itself. Default false: the client stays yours. */
        ownsClient?: boolean;
        connectionString?: never;
      }
  );

/**
 * Honest differences from the embedded stores: positions are the server's
 * sparse `(commit, prepare)` pairs; any number of processes and nodes write
 * at once; the log lives on the server.
 */
// No multiStreamAppend: the server has no transaction over several streams (the kernel refuses appendToStreams).
const BASE_CAPABILITIES: StoreCapabilities = { densePositions: false, concurrentWriters: true, durable: true };

/** The server's default `MaxAppendSize` (KurrentDB docs, "Configuration": `MAX APPEND SIZE … 1048576 (<DEFAULT>)`). */
export const DEFAULT_MAX_APPEND_SIZE = 1_048_576;

const DEFAULT_RETRY: Required<RetryOptions> = { maxRetries: 3, initialDelayMs: 50, maxDelayMs: 2_000 };
const DEFAULT_RESUBSCRIBE = { maxAttempts: 8, initialDelayMs: 100, maxDelayMs: 5_000 };

class EventStoreDbDriver implements EventStoreDriver {
  readonly name = 'eventstoredb';
  readonly capabilities: StoreCapabilities;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(
    private readonly context: DriverContext,
    private readonly ownsClient: boolean,
    maxAppendSize: number,
  ) {
    this.capabilities = { ...BASE_CAPABILITIES, maxAppendBytes: maxAppendSize };
  }

  async append(streamId: string, seal: Parameters<EventStoreDriver['append']>[1]): Promise<RecordedEvent[]> {
    this.assertOpen();
    return append(this.context, streamId, seal);
  }

  async readStreamPage(streamId: string, options: Parameters<EventStoreDriver['readStreamPage']>[1]): Promise<RecordedEvent[]> {
    this.assertOpen();
    return readStreamPage(this.context, streamId, options);
  }

  async readAllPage(options: Parameters<EventStoreDriver['readAllPage']>[0]): Promise<RecordedEvent[]> {
    this.assertOpen();
    return readAllPage(this.context, options);
  }

  async streamRevision(streamId: string): Promise<bigint | null> {
    this.assertOpen();
    return streamRevision(this.context, streamId);
  }

  async headPosition(): Promise<bigint | null> {
    this.assertOpen();
    return headPosition(this.context);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    this.assertOpen();
    const subscription = subscribeToAll(this.context, options);
    this.subscriptions.add(subscription);
    void subscription.done.catch(() => undefined).finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Stop our subscriptions first: disposing the client cancels their calls silently, leaving `done` pending.
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    if (this.ownsClient) await this.context.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('EventStoreDB event store is closed');
  }
}

/**
 * The kernel `EventStore` over EventStoreDB / KurrentDB through an official
 * gRPC client (`@eventstore/db-client` 6.x, or `@kurrent/kurrentdb-client`
 * 1.x passed as `client`): optimistic concurrency on the
 * server's expected revision, the per-stream hash chain in event metadata,
 * `$all` without system events, and a native catch-up subscription that
 * resubscribes after a drop.
 *
 * @example
 * const store = createEventStoreDbEventStore({
 *   connectionString: 'esdb://localhost:2113?tls=false',
 *   registry,
 * });
 * await store.appendToStream('bloc-TN01', [{ type: 'BlocEstablished', data }], { expectedRevision: 'no_stream' });
 * await store.close(); // disposes the client it created
 */
export function createEventStoreDbEventStore(options: EventStoreDbEventStoreOptions): EventStore {
  const namespace = options.namespace ?? '';
  if (namespace.startsWith('$') || /\s/.test(namespace)) {
    throw new ValidationError(`Invalid namespace ${JSON.stringify(namespace)}`, [
      { path: 'namespace', message: 'must not start with $ or contain whitespace' },
    ]);
  }
  const maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
  if (!Number.isSafeInteger(maxAppendSize) || maxAppendSize <= 0) {
    throw new ValidationError(`Invalid maxAppendSize ${String(maxAppendSize)}`, [{ path: 'maxAppendSize', message: 'must be a positive integer' }]);
  }
  let client: EventStoreDbClientLike;
  let ownsClient: boolean;
  if (options.client) {
    client = options.client;
    ownsClient = options.ownsClient ?? false;
  } else if (typeof options.connectionString === 'string') {
    client = loadEventStoreDbClient().EventStoreDBClient.connectionString(toClientConnectionString(options.connectionString));
    ownsClient = true;
  } else {
    throw new ValidationError('Either connectionString or client is required', [
      { path: 'connectionString', message: 'required when no client is given' },
    ]);
  }
  const context: DriverContext = {
    client,
    namespace,
    retry: { ...DEFAULT_RETRY, ...definedOnly(options.retry) },
    resubscribe: { ...DEFAULT_RESUBSCRIBE, ...definedOnly(options.resubscribe) },
    server: { sendsCaughtUp: false },
  };
  const storeOptions: CreateEventStoreOptions = {};
  if (options.registry) storeOptions.registry = options.registry;
  if (options.pageSize !== undefined) storeOptions.pageSize = options.pageSize;
  if (options.wrapDriver) storeOptions.wrapDriver = options.wrapDriver;
  if (options.telemetry !== undefined) storeOptions.telemetry = options.telemetry;
  return createEventStore(new EventStoreDbDriver(context, ownsClient, maxAppendSize), storeOptions);
}

/** Drops `undefined` members so they do not override defaults when spread. */
function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
