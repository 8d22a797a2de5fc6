import type { AppendExpectedRevision, CurrentRevision, JSONEventData, JSONType } from '@eventstore/db-client';
import { ANY, NO_STREAM, STREAM_EXISTS } from './client-values';
import {
  AppendTooLargeError,
  ConcurrencyError,
  StreamDeletedError,
  ValidationError,
  type ExpectedRevision,
  type RecordedEvent,
  type SealedEvent,
} from '@thidua/eventsourcing';
import type { StreamTip } from '@thidua/eventsourcing/driver';
import { isClientError } from './client';
import { streamNameOf, type DriverContext } from './driver-context';
import { readStreamPage, readTip, SCHEMA_VERSION_KEY, streamRevision } from './read';
import { toClientError, withRetry } from './retry';

/** The kernel's expected-revision forms as the client spells them. */
export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

/** The client's expected-revision forms in the kernel's spelling. */
export function fromClientExpectedRevision(expected: AppendExpectedRevision): ExpectedRevision {
  switch (expected) {
    case ANY:
      return 'any';
    case NO_STREAM:
      return 'no_stream';
    case STREAM_EXISTS:
      return 'stream_exists';
    default:
      return expected;
  }
}

/** A stream's current revision as the client reports it (`'no_stream'`) in the kernel's spelling (`null`). */
export function fromClientCurrentRevision(current: CurrentRevision): bigint | null {
  return current === NO_STREAM ? null : current;
}

/**
 * What a client's WrongExpectedVersion error says: `expectedVersion` /
 * `actualVersion` in the EventStoreDB client, `expectedState` / `actualState`
 * in the KurrentDB client.
 */
export interface ClientWrongExpectedVersion {
  expectedVersion?: AppendExpectedRevision;
  actualVersion?: CurrentRevision;
  expectedState?: AppendExpectedRevision;
  actualState?: CurrentRevision;
}

/** `WrongExpectedVersion` from the server as the kernel's typed conflict, with the actual revision. */
export function toConcurrencyError(streamId: string, error: ClientWrongExpectedVersion): ConcurrencyError {
  const expected = error.expectedVersion ?? error.expectedState ?? ANY;
  const actual = error.actualVersion ?? error.actualState ?? NO_STREAM;
  return new ConcurrencyError(streamId, fromClientExpectedRevision(expected), fromClientCurrentRevision(actual));
}

/** A sealed kernel event as the client's JSON event; `schemaVersion` travels in the metadata. */
export function toEventData(streamId: string, event: SealedEvent): JSONEventData {
  if (event.type.startsWith('$')) {
    throw new ValidationError(`Event type ${JSON.stringify(event.type)} is reserved for EventStoreDB system events`, [
      { path: 'type', message: 'must not start with $' },
    ]);
  }
  if (Object.prototype.hasOwnProperty.call(event.metadata, SCHEMA_VERSION_KEY)) {
    throw new ValidationError(`Metadata key ${SCHEMA_VERSION_KEY} is reserved by the EventStoreDB store (${streamId})`, [
      { path: `metadata.${SCHEMA_VERSION_KEY}`, message: 'reserved' },
    ]);
  }
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    // The kernel checked the payload is JSON (it hashed its canonical JSON); the client only stringifies it.
    data: event.data as JSONType,
    metadata: { ...event.metadata, [SCHEMA_VERSION_KEY]: event.schemaVersion },
  };
}

/**
 * The size of an append as the server compares it with its `MaxAppendSize`:
 * per event, data + metadata bytes (the client sends both as UTF-8 JSON) +
 * twice the type's length (the server's `Event.SizeOnDisk`, KurrentDB source,
 * src/KurrentDB.Core/Data/Event.cs).
 */
export function appendSizeOnServer(events: readonly JSONEventData[]): number {
  return events.reduce(
    (sum, event) =>
      sum + Buffer.byteLength(JSON.stringify(event.data), 'utf8') + Buffer.byteLength(JSON.stringify(event.metadata ?? {}), 'utf8') + event.type.length * 2,
    0,
  );
}

/**
 * Refusals of the server that say something about the request, in the
 * kernel's words: too large (MaximumAppendSizeExceeded, KurrentDB docs,
 * "Configuration": MaxAppendSize, 1 MiB by default) and a tombstoned stream
 * (StreamDeleted, KurrentDB docs, "Deleting streams and events"). Nothing was
 * appended in either case. `null` for anything else.
 */
function toKernelRefusal(streamId: string, events: readonly JSONEventData[], error: unknown): Error | null {
  if (isClientError(error, 'maximum-append-size-exceeded')) {
    const limit = (error as { maxAppendSize?: unknown }).maxAppendSize;
    return new AppendTooLargeError(streamId, appendSizeOnServer(events), typeof limit === 'number' ? limit : Number.NaN, { cause: error });
  }
  if (isClientError(error, 'stream-deleted', 'stream-tombstoned')) return new StreamDeletedError(streamId, { cause: error });
  return null;
}

/**
 * A stream the tip read found missing may have been soft-deleted: the server
 * then says StreamNotFound, yet takes a `no_stream` append and writes it
 * after the old last revision (KurrentDB docs, "Deleting streams and
 * events", Soft delete and TruncateBefore: "Appending to the stream later
 * adds events starting from the last stream revision before deletion,
 * incremented by one"). The kernel's events would then not be at the
 * revisions their hash chain was sealed for, so such a stream is refused.
 * Soft delete leaves its mark in the stream's metadata (`$tb`, truncate
 * before), which is what is read here; only new streams pay this read.
 */
async function assertNotSoftDeleted(context: DriverContext, streamId: string, streamName: string): Promise<void> {
  const { metadata } = await withRetry(context, () => context.client.getStreamMetadata(streamName));
  if (metadata?.truncateBefore !== undefined) throw new StreamDeletedError(streamId, { soft: true });
}

/**
 * The driver's append: read the tip (the stream's last event, backwards, 1),
 * let the kernel `seal` against it, then append with that exact revision as
 * the expected one (`no_stream` for a new stream). A writer that got in
 * between surfaces as `WrongExpectedVersion`, mapped to `ConcurrencyError`
 * with the actual revision. Events are read back from the stream afterwards,
 * because the kernel returns each event's `$all` position and `recordedAt`,
 * and only the server knows them.
 */
export async function append(
  context: DriverContext,
  streamId: string,
  seal: (tip: StreamTip) => SealedEvent[],
): Promise<RecordedEvent[]> {
  const streamName = streamNameOf(context, streamId);
  if (streamName.startsWith('$')) {
    throw new ValidationError(`Stream ${JSON.stringify(streamId)} would be an EventStoreDB system stream`, [
      { path: 'streamId', message: 'must not start with $' },
    ]);
  }
  const tip = await readTip(context, streamId);
  if (tip.revision === null) await assertNotSoftDeleted(context, streamId, streamName);
  const sealed = seal(tip);
  const events = sealed.map((event) => toEventData(streamId, event));
  const expected: ExpectedRevision = tip.revision ?? 'no_stream';
  const first = (tip.revision ?? -1n) + 1n;

  const writtenByUs = async (): Promise<RecordedEvent[] | null> => {
    const found = await readStreamPage(context, streamId, { fromRevision: first, maxCount: sealed.length, direction: 'forwards' });
    return found.length === sealed.length && found.every((event, i) => event.id === sealed[i]?.id) ? found : null;
  };

  // The outcome of a transient failure is unknown (the reply was lost, the node went away, the leader
  // changed). Trying again is safe: same event ids at the same explicit expected revision, so the server
  // either writes them once or recognises them (and if it answers WrongExpectedVersion, we check by id).
  const earlier = await withRetry(context, async (attempt): Promise<RecordedEvent[] | null> => {
    try {
      const state = toClientExpectedRevision(expected);
      const result = await context.client.appendToStream(streamName, events, { expectedRevision: state, streamState: state });
      // Only a client built with throwOnAppendFailure: false reports a conflict this way.
      if (!result.success) throw new ConcurrencyError(streamId, expected, await streamRevision(context, streamId));
      return null;
    } catch (thrown) {
      const error = toClientError(thrown);
      const refusal = toKernelRefusal(streamId, events, error);
      if (refusal) throw refusal;
      const conflict = isClientError(error, 'wrong-expected-version') ? toConcurrencyError(streamId, error as ClientWrongExpectedVersion) : error;
      if (!(conflict instanceof ConcurrencyError)) throw error;
      // An earlier try (only transient failures are tried again) may have committed and the server not
      // recognised the retry: check by id.
      const ours = attempt > 1 ? await writtenByUs() : null;
      if (ours) return ours;
      throw conflict;
    }
  });
  if (earlier) return earlier;

  const recorded = await writtenByUs();
  if (recorded) return recorded;
  // The events are not where the server said it put them: someone deleted or truncated the stream meanwhile.
  throw new ConcurrencyError(streamId, expected, await streamRevision(context, streamId));
}
