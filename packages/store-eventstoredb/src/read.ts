import type { AllStreamResolvedEvent, Position, ReadPosition, ResolvedEvent } from '@eventstore/db-client';
import { BACKWARDS, END, FORWARDS, START } from './client-values';
import {
  CorruptLogError,
  StreamDeletedError,
  type Direction,
  type EventMetadata,
  type ReadAllFilter,
  type RecordedEvent,
} from '@thidua/eventsourcing';
import type { StreamTip } from '@thidua/eventsourcing/driver';
import { isClientError } from './client';
import { isVisible, streamIdOf, streamNameOf, type DriverContext } from './driver-context';
import { encodePosition, isKnownPosition, readAllStart } from './position';
import { withRetry } from './retry';

/**
 * Metadata key that carries the kernel's `schemaVersion`. EventStoreDB has no
 * field for it; it is stripped on read so that the metadata the kernel hashed
 * is exactly the metadata it reads back.
 */
export const SCHEMA_VERSION_KEY = '$schemaVersion';

/** Events fetched per round trip when `$all` is filtered on the client side. */
const SCAN_CHUNK = 512;

/** The client's view of a recorded event, as read from a stream or from `$all`. */
type ClientEvent = NonNullable<ResolvedEvent['event']>;

/**
 * Turns an event read through the client into the kernel envelope. An event
 * this adapter could not have written (binary payload, no hash, bad schema
 * version, no `$all` position) is a `corrupt_log` error naming its stream and
 * revision, never a half-filled envelope.
 */
export function toRecordedEvent(context: DriverContext, event: ClientEvent): RecordedEvent {
  const streamId = streamIdOf(context, event.streamId) ?? event.streamId;
  const corrupt = (reason: string) => new CorruptLogError(streamId, event.revision, reason, { eventId: event.id, type: event.type });
  if (!event.isJson) throw corrupt('payload is not JSON');
  const stored = event.metadata;
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored) || stored instanceof Uint8Array) {
    throw corrupt('metadata is not a JSON object');
  }
  const { [SCHEMA_VERSION_KEY]: schemaVersion, ...metadata } = stored as Record<string, unknown>;
  if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw corrupt(`metadata.${SCHEMA_VERSION_KEY} is not a positive integer`);
  }
  if (typeof metadata['hash'] !== 'string' || !(metadata['prevHash'] === null || typeof metadata['prevHash'] === 'string')) {
    throw corrupt('metadata carries no hash chain (prevHash/hash)');
  }
  if (!isKnownPosition(event.position)) {
    // Servers before 22.6 do not report $all positions on stream reads; the kernel needs them.
    throw new Error(
      `EventStoreDB did not report the $all position of ${streamId}@${event.revision}: ` +
        'use EventStoreDB 22.10 or later (or KurrentDB), and events not written in explicit transactions',
    );
  }
  return {
    id: event.id,
    streamId,
    revision: event.revision,
    position: encodePosition(event.position),
    type: event.type,
    schemaVersion,
    data: event.data,
    metadata: metadata as EventMetadata,
    recordedAt: event.created.toISOString(),
  };
}

/**
 * Reads a stream's events through the client; a missing stream reads as
 * empty (the client reports it as `StreamNotFoundError`), and so does a
 * soft-deleted one, as the server answers it. A tombstoned stream is the
 * kernel's `StreamDeletedError`: the server refuses every read of it
 * (KurrentDB docs, "Deleting streams and events", Hard delete: "Any attempt
 * to append or read a hard-deleted stream, the response is a StreamDeleted").
 */
async function readClientStream(
  context: DriverContext,
  streamName: string,
  options: { fromRevision: bigint | typeof START | typeof END; maxCount: number; direction: Direction },
): Promise<ClientEvent[]> {
  return withRetry(context, async () => {
    const events: ClientEvent[] = [];
    try {
      const read = context.client.readStream(streamName, {
        fromRevision: options.fromRevision,
        maxCount: options.maxCount,
        direction: options.direction === 'forwards' ? FORWARDS : BACKWARDS,
      });
      for await (const resolved of read) if (resolved.event) events.push(resolved.event);
    } catch (error) {
      if (isClientError(error, 'stream-not-found')) return [];
      if (isClientError(error, 'stream-deleted', 'stream-tombstoned')) {
        throw new StreamDeletedError(streamIdOf(context, streamName) ?? streamName, { cause: error });
      }
      throw error;
    }
    return events;
  });
}

/** One page of a stream, as the kernel driver reads it. */
export async function readStreamPage(
  context: DriverContext,
  streamId: string,
  options: { fromRevision: bigint | undefined; maxCount: number; direction: Direction },
): Promise<RecordedEvent[]> {
  if (options.maxCount <= 0) return [];
  const fromRevision = options.fromRevision ?? (options.direction === 'forwards' ? START : END);
  const events = await readClientStream(context, streamNameOf(context, streamId), { ...options, fromRevision });
  return events.map((event) => toRecordedEvent(context, event));
}

/** The stream's last event as `seal` needs it: revision and hash, both `null` for a missing stream. */
export async function readTip(context: DriverContext, streamId: string): Promise<StreamTip> {
  const [last] = await readClientStream(context, streamNameOf(context, streamId), {
    fromRevision: END,
    maxCount: 1,
    direction: 'backwards',
  });
  if (!last) return { revision: null, hash: null };
  return { revision: last.revision, hash: toRecordedEvent(context, last).metadata.hash };
}

/** Last revision of a stream, or `null` when it does not exist. */
export async function streamRevision(context: DriverContext, streamId: string): Promise<bigint | null> {
  const [last] = await readClientStream(context, streamNameOf(context, streamId), {
    fromRevision: END,
    maxCount: 1,
    direction: 'backwards',
  });
  return last?.revision ?? null;
}

/** One read of `$all` through the client, every event included (system ones too). */
async function readClientAll(
  context: DriverContext,
  options: { fromPosition: ReadPosition; maxCount: number; direction: Direction },
): Promise<ClientEvent[]> {
  return withRetry(context, async () => {
    const events: ClientEvent[] = [];
    const read = context.client.readAll({
      fromPosition: options.fromPosition,
      maxCount: options.maxCount,
      direction: options.direction === 'forwards' ? FORWARDS : BACKWARDS,
    });
    for await (const resolved of read as AsyncIterable<AllStreamResolvedEvent>) if (resolved.event) events.push(resolved.event);
    return events;
  });
}

/**
 * `$all` from `fromPosition` (inclusive), ascending, without system events
 * and events outside the namespace, filtered by the caller's filter. The 6.x
 * client offers no server-side filter on reads, so filtering happens here:
 * the scan goes on, chunk by chunk, until `maxCount` events passed or the log
 * ends. Chunks continue from the last event read (a real position, which the
 * server accepts) and drop what they already saw.
 */
export async function readAllPage(
  context: DriverContext,
  options: { fromPosition: bigint | undefined; maxCount: number; filter: ReadAllFilter | undefined },
): Promise<RecordedEvent[]> {
  const page: RecordedEvent[] = [];
  if (options.maxCount <= 0) return page;
  const floor = options.fromPosition ?? 0n;
  let start: ReadPosition = readAllStart(options.fromPosition);
  let seen: bigint | null = null;
  for (;;) {
    const chunkSize = Math.max(options.maxCount - page.length + 1, SCAN_CHUNK);
    const chunk = await readClientAll(context, { fromPosition: start, maxCount: chunkSize, direction: 'forwards' });
    let last: Position | null = null;
    for (const event of chunk) {
      if (!isKnownPosition(event.position)) continue;
      const position = encodePosition(event.position);
      last = event.position;
      if (position < floor || (seen !== null && position <= seen)) continue;
      seen = position;
      if (!isVisible(context, event, options.filter)) continue;
      page.push(toRecordedEvent(context, event));
      if (page.length === options.maxCount) return page;
    }
    if (chunk.length < chunkSize || last === null) return page;
    start = last;
  }
}

/**
 * Position of the last event callers can see (system events and other
 * namespaces skipped) that passes `filter`, scanning `$all` backwards;
 * `null` when there is none.
 */
export async function lastVisiblePosition(context: DriverContext, filter: ReadAllFilter | undefined): Promise<bigint | null> {
  let start: ReadPosition = END;
  let below: bigint | null = null;
  for (;;) {
    const chunk = await readClientAll(context, { fromPosition: start, maxCount: SCAN_CHUNK, direction: 'backwards' });
    let last: Position | null = null;
    for (const event of chunk) {
      if (!isKnownPosition(event.position)) continue;
      const position = encodePosition(event.position);
      last = event.position;
      // Backwards reads may or may not include the start position itself: skip what was seen.
      if (below !== null && position >= below) continue;
      below = position;
      if (isVisible(context, event, filter)) return position;
    }
    if (chunk.length < SCAN_CHUNK || last === null) return null;
    start = last;
  }
}

/** Position of the last event callers can see, or `null` when there is none. */
export function headPosition(context: DriverContext): Promise<bigint | null> {
  return lastVisiblePosition(context, undefined);
}
