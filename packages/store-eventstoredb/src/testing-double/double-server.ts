/**
 * An in-process, wire-compatible test double of the EventStoreDB gRPC
 * services the official Node client calls, built from the service
 * definitions the client package ships (`generated/*_grpc_pb.js`) and served
 * with `@grpc/grpc-js` on 127.0.0.1, on a random port. TEST CODE ONLY: it is
 * not exported by the package and not published.
 *
 * What it checks: the adapter against the wire contract, through the REAL
 * client — the messages the adapter makes the client send (expected revisions,
 * event ids, metadata, start positions, filters) and how it handles what a
 * server answers, as EventStoreDB documents it:
 * - `Streams.Read` of a stream (missing stream → `StreamNotFound`), of `$all`
 *   (inclusive start forwards, exclusive backwards) and catch-up
 *   subscriptions to `$all` (confirmation, exclusive start position,
 *   server-side stream-name / event-type filters with checkpoints, CaughtUp,
 *   then live events); reads and subscriptions may only start at a commit
 *   position the log holds, like the server, so a made-up position fails;
 * - `Streams.BatchAppend` (what the client uses when `ServerFeatures` lists
 *   it) and, with `legacyAppend`, `Streams.Append` with `ServerFeatures`
 *   unimplemented (servers before 21.10): `WrongExpectedVersion` with the
 *   actual revision, idempotent retries of the same ids at an explicit
 *   expected revision;
 * - the server's `MaxAppendSize` (1 MiB by default, `maxAppendSize`): an
 *   oversized append is refused with MaximumAppendSizeExceeded, nothing
 *   written (KurrentDB docs, "Configuration", MaxAppendSize; the size as the
 *   server's Event.SizeOnDisk counts it);
 * - `Streams.Delete` (soft delete) and `Streams.Tombstone` (hard delete), and
 *   what reads and appends do after them, and best-effort dedupe of recent ids
 *   under `any` (see `double-log.ts` for both, with their sources);
 * - `Gossip.Read`, so cluster connection strings (several hosts,
 *   `esdb+discover://`) resolve to this node as the leader;
 * - sparse positions where a multi-event append shares one commit position,
 *   and system events of its own in `$all` (see `double-log.ts`);
 * - faults on request: drop live subscriptions, refuse the next ones, fail
 *   the reply of an append after (or before) committing it.
 *
 * What it cannot check: the server's own guarantees — durability, the real
 * on-disk position layout (modern servers report commit = prepare for gRPC
 * appends), clustering and leader elections, ACLs and TLS, server-side
 * projections, persistent subscriptions, scavenging, `$maxAge`/`$maxCount`
 * truncation, `MaxAppendEventSize`, filtered-read performance, or how and
 * when a real server drops subscriptions. Those need the conformance suite against
 * a real server (`THIDUA_ESDB_URL`).
 */
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { GossipService } from '@eventstore/db-client/generated/gossip_grpc_pb';
import * as gossip from '@eventstore/db-client/generated/gossip_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import * as features from '@eventstore/db-client/generated/serverfeatures_pb';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import * as statusPb from '@eventstore/db-client/generated/status_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import * as streams from '@eventstore/db-client/generated/streams_pb';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtoEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { DoubleLog, type AppendOutcome, type ExpectedState, type LogPosition, type LogRecord, type ProposedEvent } from './double-log';

/** How the double behaves. */
export interface EventStoreDbDoubleOptions {
  /** Behave like a server before 21.10: no ServerFeatures, so the client appends with `Streams.Append`. Default false. */
  legacyAppend?: boolean;
  /** Send CaughtUp after the catch-up part of a subscription (servers from 23.10). Default true. */
  caughtUpMessages?: boolean;
  /** Write a `$metadata` system event after every n-th append (0: never). Default 3. */
  systemEventEvery?: number;
  /** The server's clock (ms since the epoch), for `created`. */
  clock?: () => number;
  /**
   * Recognise a retried append (same ids at the same explicit expected
   * revision) and answer success without writing. Default true; false plays a
   * server that no longer recognises it, so the retry fails with
   * WrongExpectedVersion.
   */
  idempotentAppends?: boolean;
  /**
   * The server's `MaxAppendSize` in bytes: an append whose events' size
   * (data + metadata bytes + twice the type's length, each) exceeds it is
   * refused with MaximumAppendSizeExceeded. Default 1 048 576, as the server's.
   */
  maxAppendSize?: number;
  /** Events the recent-ids cache (best-effort idempotency under `any`) holds; default 10 000. */
  recentIdsCapacity?: number;
}

/** How an append's reply fails (see {@link EventStoreDbDouble.failAppendReplies}). */
export interface AppendFault {
  /** `deadline-exceeded`: the reply is a timeout; `unavailable`: the call dies as if the node went away. */
  status: 'deadline-exceeded' | 'unavailable';
  /** Commit the events before failing the reply (the ambiguous case). Default true. */
  commit?: boolean;
}

/** What a subscription asked for, as the double received it. */
export interface SubscriptionRequest {
  from: 'start' | 'end' | LogPosition;
  filter: { on: 'stream' | 'type'; prefixes: string[]; regex: string } | null;
}

/** A running double: connection string, controls and what it saw. */
export interface EventStoreDbDouble {
  readonly port: number;
  /** `esdb://127.0.0.1:<port>?tls=false` */
  readonly connectionString: string;
  readonly log: DoubleLog;
  /** Subscription requests received, in order. */
  readonly subscriptionRequests: readonly SubscriptionRequest[];
  /** Append calls received (retries included), by stream name. */
  readonly appendCalls: ReadonlyMap<string, number>;
  /** Live subscriptions right now. */
  activeSubscriptions(): number;
  /** Open `BatchAppend` calls right now (the client keeps one open per channel until it is disposed). */
  openBatchAppendCalls(): number;
  /** Ends every live subscription with `code` (default UNAVAILABLE), as a node going away would. */
  dropSubscriptions(code?: grpc.status): void;
  /** Refuses the next `count` subscription requests with UNAVAILABLE. */
  refuseSubscriptions(count: number): void;
  /** Forgets the recently committed ids, as a restart of the server does (best-effort idempotency under `any`). */
  forgetRecentIds(): void;
  /** Fails the replies of the next `count` appends. */
  failAppendReplies(count: number, fault: AppendFault): void;
  close(): Promise<void>;
}

const STREAMS_SERVICE = 'event_store.client.streams.streams';

/**
 * The server's default `MaxAppendSize`: 1 048 576 bytes (KurrentDB docs,
 * "Configuration", the `MAX APPEND SIZE … 1048576 (<DEFAULT>)` line of the
 * options listing: docs.kurrent.io/server/latest/configuration/configuration.html).
 */
export const DEFAULT_MAX_APPEND_SIZE = 1_048_576;

/**
 * The size the server compares with `MaxAppendSize`: per event, data bytes +
 * metadata bytes + twice the type's length (UTF-16 code units, which
 * `string.length` counts too), summed over the append (the server's
 * `Event.SizeOnDisk`, checked in `Streams.Append` and `Streams.BatchAppend`).
 */
export function appendSizeOnServer(events: readonly ProposedEvent[]): number {
  return events.reduce((sum, event) => sum + event.data.length + event.customMetadata.length + event.type.length * 2, 0);
}
const utf8 = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

function streamIdentifier(name: string): shared.StreamIdentifier {
  return new shared.StreamIdentifier().setStreamName(new Uint8Array(Buffer.from(name, 'utf8')));
}

function uuidMessage(id: string, structured: boolean): shared.UUID {
  const uuid = new shared.UUID();
  if (!structured) return uuid.setString(id);
  const bytes = Buffer.from(id.replace(/-/g, ''), 'hex');
  return uuid.setStructured(
    new shared.UUID.Structured()
      .setMostSignificantBits(bytes.readBigInt64BE(0).toString())
      .setLeastSignificantBits(bytes.readBigInt64BE(8).toString()),
  );
}

function uuidString(uuid: shared.UUID | undefined): string {
  if (!uuid) return '';
  if (uuid.hasString()) return uuid.getString();
  const structured = uuid.getStructured();
  if (!structured) return '';
  const bytes = Buffer.alloc(16);
  bytes.writeBigInt64BE(BigInt(structured.getMostSignificantBits()), 0);
  bytes.writeBigInt64BE(BigInt(structured.getLeastSignificantBits()), 8);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function eventResponse(record: LogRecord, structuredIds: boolean): streams.ReadResp {
  const recorded = new streams.ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(record.id, structuredIds))
    .setStreamIdentifier(streamIdentifier(record.streamName))
    .setStreamRevision(record.revision.toString())
    .setPreparePosition(record.prepare.toString())
    .setCommitPosition(record.commit.toString())
    .setCustomMetadata(record.customMetadata)
    .setData(record.data);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', record.type);
  metadata.set('content-type', record.contentType);
  metadata.set('created', record.created.toString());
  const event = new streams.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(record.commit.toString());
  return new streams.ReadResp().setEvent(event);
}

function packed(message: { serializeBinary(): Uint8Array }, typeName: string): Any {
  const any = new Any();
  any.pack(message.serializeBinary(), typeName);
  return any;
}

/**
 * A CaughtUp message of the class registered under its global protobuf name.
 * Generated protobuf code registers its classes globally
 * (`proto.event_store.client…`), and a newer copy loaded later (the KurrentDB
 * client's, whose CaughtUp has more fields) replaces the serializers there,
 * which then fail on an instance of the older class the double imported.
 * The registered class always matches the registered serializer.
 */
function caughtUpMessage(): streams.ReadResp.CaughtUp {
  type Registered = { proto?: { event_store?: { client?: { streams?: { ReadResp?: { CaughtUp?: new () => streams.ReadResp.CaughtUp } } } } } };
  const registered = (globalThis as Registered).proto?.event_store?.client?.streams?.ReadResp?.CaughtUp;
  return registered ? new registered() : new streams.ReadResp.CaughtUp();
}

type Matcher = (record: LogRecord) => boolean;

/** What an append comes to: the log's outcome, or a refusal for size before the log saw it. */
type CommitOutcome = AppendOutcome | { kind: 'too_large'; size: number };

/** A gRPC error as the server's RpcExceptions build it: a status and the `exception` metadata the client maps to its typed errors. */
function rpcError(code: grpc.status, details: string, exception: Record<string, string>): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(exception)) metadata.set(key, value);
  return { code, details, metadata };
}

/** `StreamDeleted` as `RpcExceptions.StreamDeleted` raises it (reads, legacy appends, deletes). */
function streamDeletedError(streamName: string): Partial<grpc.StatusObject> {
  return rpcError(grpc.status.FAILED_PRECONDITION, `Event stream '${streamName}' is deleted.`, { exception: 'stream-deleted', 'stream-name': streamName });
}

/** The numbers the server writes for the expected-revision forms in `expected-version` metadata. */
function expectedVersionNumber(expected: ExpectedState): string {
  switch (expected.kind) {
    case 'any':
      return '-2';
    case 'no_stream':
      return '-1';
    case 'stream_exists':
      return '-4';
    case 'revision':
      return expected.revision.toString();
  }
}

function filterOf(options: streams.ReadReq.Options): { matcher: Matcher; request: SubscriptionRequest['filter']; every: number } {
  const filter = options.getFilter();
  if (!filter) return { matcher: () => true, request: null, every: 0 };
  const on = filter.hasStreamIdentifier() ? 'stream' : 'type';
  const expression = filter.hasStreamIdentifier() ? filter.getStreamIdentifier() : filter.getEventType();
  const prefixes = expression?.getPrefixList() ?? [];
  const regexText = expression?.getRegex() ?? '';
  const regex = regexText ? new RegExp(regexText) : null;
  const matcher: Matcher = (record) => {
    const subject = on === 'stream' ? record.streamName : record.type;
    if (prefixes.length > 0 && !prefixes.some((prefix) => subject.startsWith(prefix))) return false;
    return regex === null || regex.test(subject);
  };
  // The server sends a checkpoint every (window × multiplier) events searched; 32 is its default window.
  const window = filter.hasMax() ? filter.getMax() : 32;
  const every = Math.max(1, window) * Math.max(1, filter.getCheckpointintervalmultiplier());
  return { matcher, request: { on, prefixes, regex: regexText }, every };
}

async function send(call: grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>, message: streams.ReadResp): Promise<void> {
  if (call.cancelled || call.writableEnded) return;
  // Respect HTTP/2 flow control, as a server must when a reader is slow.
  if (call.write(message)) return;
  const abort = new AbortController();
  try {
    await Promise.race([once(call, 'drain', { signal: abort.signal }), once(call, 'close', { signal: abort.signal })]);
  } catch {
    // The call failed or closed while waiting: the caller sees `cancelled`/`writableEnded` next time.
  } finally {
    abort.abort();
  }
}

function fail(call: { emit(event: 'error', error: grpc.ServerErrorResponse): boolean }, code: grpc.status, details: string): void {
  call.emit('error', Object.assign(new Error(details), { code, details }));
}

/** Starts the double on 127.0.0.1 and a random free port. Close it after the tests. */
export async function startEventStoreDbDouble(options: EventStoreDbDoubleOptions = {}): Promise<EventStoreDbDouble> {
  const legacyAppend = options.legacyAppend ?? false;
  const caughtUpMessages = options.caughtUpMessages ?? true;
  const systemEventEvery = options.systemEventEvery ?? 3;
  const maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
  const log = new DoubleLog(
    options.clock,
    options.idempotentAppends ?? true,
    options.recentIdsCapacity === undefined ? {} : { capacity: options.recentIdsCapacity },
  );
  const server = new grpc.Server();
  const subscriptionRequests: SubscriptionRequest[] = [];
  const appendCalls = new Map<string, number>();
  const liveSubscriptions = new Set<{ drop(code: grpc.status): void }>();
  const appendFaults: AppendFault[] = [];
  const batchCalls = new Set<unknown>();
  let refusals = 0;
  let appends = 0;
  let port = 0;

  // What a freshly started server has written for itself before anyone connects.
  log.writeSystemEvent('$settings', '$settings', { $userStreamAcl: { $r: '$all' } });
  log.writeSystemEvent('$users', '$User', { loginName: 'admin' });

  function expectedOf(options: streams.AppendReq.Options | streams.BatchAppendReq.Options): ExpectedState {
    if (options.hasNoStream()) return { kind: 'no_stream' };
    if (options.hasStreamExists()) return { kind: 'stream_exists' };
    if (options.hasAny()) return { kind: 'any' };
    const revision = options instanceof streams.AppendReq.Options ? options.getRevision() : options.getStreamPosition();
    return { kind: 'revision', revision: BigInt(revision) };
  }

  function proposed(message: streams.AppendReq.ProposedMessage | streams.BatchAppendReq.ProposedMessage): ProposedEvent {
    const metadata = message.getMetadataMap();
    return {
      id: uuidString(message.getId()),
      type: metadata.get('type') ?? '',
      contentType: metadata.get('content-type') ?? 'application/octet-stream',
      data: message.getData_asU8(),
      customMetadata: message.getCustomMetadata_asU8(),
    };
  }

  /** Commits (unless a fault says otherwise) and says how the reply must go. */
  function commit(streamName: string, expected: ExpectedState, events: ProposedEvent[]): { fault: AppendFault | null; outcome: CommitOutcome | null } {
    appendCalls.set(streamName, (appendCalls.get(streamName) ?? 0) + 1);
    // The server refuses an oversized append while reading it, before any write or expected-revision check.
    const size = appendSizeOnServer(events);
    if (size > maxAppendSize) return { fault: null, outcome: { kind: 'too_large', size } };
    const fault = appendFaults.shift();
    if (fault && fault.commit === false) return { fault, outcome: null };
    const outcome = log.append(streamName, expected, events);
    if (outcome.kind === 'success' && !outcome.idempotent && !streamName.startsWith('$')) {
      appends += 1;
      if (systemEventEvery > 0 && appends % systemEventEvery === 0) {
        log.writeStreamMetadata(streamName, { $maxCount: 1_000_000 });
      }
    }
    return { fault: fault ?? null, outcome };
  }

  function wrongExpectedVersion(current: bigint | null, expected: ExpectedState): shared.WrongExpectedVersion {
    const details = new shared.WrongExpectedVersion();
    if (current === null) details.setCurrentNoStream(new ProtoEmpty());
    else details.setCurrentStreamRevision(current.toString());
    if (expected.kind === 'revision') details.setExpectedStreamPosition(expected.revision.toString());
    else if (expected.kind === 'no_stream') details.setExpectedNoStream(new ProtoEmpty());
    else if (expected.kind === 'stream_exists') details.setExpectedStreamExists(new ProtoEmpty());
    else details.setExpectedAny(new ProtoEmpty());
    return details;
  }

  function batchAppend(call: grpc.ServerDuplexStream<streams.BatchAppendReq, streams.BatchAppendResp>): void {
    const pending = new Map<string, { options: streams.BatchAppendReq.Options; events: ProposedEvent[] }>();
    batchCalls.add(call);
    const forget = () => batchCalls.delete(call);
    call.on('cancelled', forget);
    call.on('close', forget);
    call.on('error', forget);
    call.on('end', () => {
      forget();
      call.end();
    });
    call.on('data', (request: streams.BatchAppendReq) => {
      const correlationId = uuidString(request.getCorrelationId());
      let batch = pending.get(correlationId);
      if (!batch) {
        const options = request.getOptions();
        if (!options) return fail(call, grpc.status.INVALID_ARGUMENT, 'first batch message carries no options');
        batch = { options, events: [] };
        pending.set(correlationId, batch);
      }
      batch.events.push(...request.getProposedMessagesList().map(proposed));
      if (!request.getIsFinal()) return;
      pending.delete(correlationId);
      const identifier = batch.options.getStreamIdentifier();
      const streamName = utf8(identifier?.getStreamName_asU8() ?? new Uint8Array());
      const expected = expectedOf(batch.options);
      const { fault, outcome } = commit(streamName, expected, batch.events);
      const response = new streams.BatchAppendResp()
        .setCorrelationId(uuidMessage(correlationId, false))
        .setStreamIdentifier(streamIdentifier(streamName));
      if (expected.kind === 'revision') response.setStreamPosition(expected.revision.toString());
      else if (expected.kind === 'no_stream') response.setNoStream(new ProtoEmpty());
      else if (expected.kind === 'stream_exists') response.setStreamExists(new ProtoEmpty());
      else response.setAny(new ProtoEmpty());
      if (fault?.status === 'unavailable') {
        forget();
        return fail(call, grpc.status.UNAVAILABLE, 'test double: node went away');
      }
      if (fault) {
        const status = new statusPb.Status()
          .setCode(Code.DEADLINE_EXCEEDED)
          .setMessage('Timeout')
          .setDetails(packed(new shared.Timeout(), 'event_store.client.Timeout'));
        call.write(response.setError(status));
        return;
      }
      if (!outcome) return;
      if (outcome.kind === 'too_large') {
        // Status.MaximumAppendSizeExceeded of the server's BatchAppend: InvalidArgument, the limit in the details.
        const status = new statusPb.Status()
          .setCode(Code.INVALID_ARGUMENT)
          .setMessage('MaximumAppendSizeExceeded')
          .setDetails(packed(new shared.MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize), 'event_store.client.MaximumAppendSizeExceeded'));
        call.write(response.setError(status));
        return;
      }
      if (outcome.kind === 'stream_deleted') {
        // Status.StreamDeleted of the server's BatchAppend: NotFound, the stream in the details.
        const status = new statusPb.Status()
          .setCode(Code.NOT_FOUND)
          .setMessage('StreamDeleted')
          .setDetails(packed(new shared.StreamDeleted().setStreamIdentifier(streamIdentifier(streamName)), 'event_store.client.StreamDeleted'));
        call.write(response.setError(status));
        return;
      }
      if (outcome.kind === 'wrong_expected_version') {
        const status = new statusPb.Status()
          .setCode(Code.FAILED_PRECONDITION)
          .setMessage('WrongExpectedVersion')
          .setDetails(packed(wrongExpectedVersion(outcome.current, outcome.expected), 'event_store.client.WrongExpectedVersion'));
        call.write(response.setError(status));
        return;
      }
      const position = new shared.AllStreamPosition()
        .setCommitPosition(outcome.position.commit.toString())
        .setPreparePosition(outcome.position.prepare.toString());
      call.write(response.setSuccess(new streams.BatchAppendResp.Success().setCurrentRevision(outcome.currentRevision.toString()).setPosition(position)));
    });
  }

  function append(
    call: grpc.ServerReadableStream<streams.AppendReq, streams.AppendResp>,
    callback: grpc.sendUnaryData<streams.AppendResp>,
  ): void {
    let options: streams.AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    call.on('data', (request: streams.AppendReq) => {
      if (request.hasOptions()) options = request.getOptions();
      const message = request.getProposedMessage();
      if (message) events.push(proposed(message));
    });
    call.on('end', () => {
      if (!options) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'no options' });
      const streamName = utf8(options.getStreamIdentifier()?.getStreamName_asU8() ?? new Uint8Array());
      const expected = expectedOf(options);
      const { fault, outcome } = commit(streamName, expected, events);
      if (fault) {
        const code = fault.status === 'unavailable' ? grpc.status.UNAVAILABLE : grpc.status.DEADLINE_EXCEEDED;
        return callback({ code, details: `test double: ${fault.status}` });
      }
      if (!outcome) return;
      if (outcome.kind === 'too_large') {
        // RpcExceptions.MaxAppendSizeExceeded: InvalidArgument with the limit in the metadata.
        return callback(
          rpcError(grpc.status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
            exception: 'maximum-append-size-exceeded',
            'maximum-append-size': String(maxAppendSize),
          }),
        );
      }
      if (outcome.kind === 'stream_deleted') return callback(streamDeletedError(streamName));
      const response = new streams.AppendResp();
      if (outcome.kind === 'wrong_expected_version') {
        const details = new streams.AppendResp.WrongExpectedVersion();
        if (outcome.current === null) details.setCurrentNoStream(new shared.Empty());
        else details.setCurrentRevision(outcome.current.toString());
        const wanted = outcome.expected;
        if (wanted.kind === 'revision') details.setExpectedRevision(wanted.revision.toString());
        else if (wanted.kind === 'no_stream') details.setExpectedNoStream(new shared.Empty());
        else if (wanted.kind === 'stream_exists') details.setExpectedStreamExists(new shared.Empty());
        else details.setExpectedAny(new shared.Empty());
        return callback(null, response.setWrongExpectedVersion(details));
      }
      const position = new streams.AppendResp.Position()
        .setCommitPosition(outcome.position.commit.toString())
        .setPreparePosition(outcome.position.prepare.toString());
      callback(null, response.setSuccess(new streams.AppendResp.Success().setCurrentRevision(outcome.currentRevision.toString()).setPosition(position)));
    });
  }

  async function readStream(call: grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>, options: streams.ReadReq.Options) {
    const streamOptions = options.getStream()!;
    const identifier = streamOptions.getStreamIdentifier();
    const streamName = utf8(identifier?.getStreamName_asU8() ?? new Uint8Array());
    const found = log.read(streamName);
    if (found.kind === 'deleted') return call.emit('error', Object.assign(new Error('StreamDeleted'), streamDeletedError(streamName)));
    if (found.kind === 'not_found') {
      await send(call, new streams.ReadResp().setStreamNotFound(new streams.ReadResp.StreamNotFound().setStreamIdentifier(identifier)));
      return call.end();
    }
    const { records, truncateBefore: floor } = found;
    const count = Number(BigInt(options.getCount() || '0'));
    const structured = options.getUuidOption()?.hasStructured() ?? false;
    const backwards = options.getReadDirection() === streams.ReadReq.Options.ReadDirection.BACKWARDS;
    const last = records.length - 1;
    let index: number;
    if (streamOptions.hasStart()) index = floor;
    else if (streamOptions.hasEnd()) index = backwards ? last : records.length;
    // Backwards from past the end starts at the last event, as the server does.
    else index = backwards ? Math.min(Number(BigInt(streamOptions.getRevision())), last) : Number(BigInt(streamOptions.getRevision()));
    // Events before $tb are not readable: a forward read starts at it, a backward one stops there.
    if (!backwards) index = Math.max(index, floor);
    for (let sent = 0; sent < count && index >= floor && index < records.length && !call.cancelled; sent += 1) {
      await send(call, eventResponse(records[index]!, structured));
      index += backwards ? -1 : 1;
    }
    call.end();
  }

  function startPositionOf(allOptions: streams.ReadReq.Options.AllOptions): SubscriptionRequest['from'] {
    if (allOptions.hasStart()) return 'start';
    if (allOptions.hasEnd()) return 'end';
    const position = allOptions.getPosition()!;
    return { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) };
  }

  async function readAll(call: grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>, options: streams.ReadReq.Options) {
    const from = startPositionOf(options.getAll()!);
    if (typeof from === 'object' && !log.isValidStart(from)) return fail(call, grpc.status.OUT_OF_RANGE, 'Invalid position');
    const count = Number(BigInt(options.getCount() || '0'));
    const structured = options.getUuidOption()?.hasStructured() ?? false;
    const { matcher } = filterOf(options);
    const records = log.records;
    if (options.getReadDirection() === streams.ReadReq.Options.ReadDirection.BACKWARDS) {
      // Backwards from a position: the events before it.
      let index = from === 'end' ? records.length - 1 : from === 'start' ? -1 : log.firstIndexAtOrAfter(from) - 1;
      for (let sent = 0; sent < count && index >= 0 && !call.cancelled; index -= 1) {
        if (!matcher(records[index]!)) continue;
        await send(call, eventResponse(records[index]!, structured));
        sent += 1;
      }
    } else {
      let index = from === 'start' ? 0 : from === 'end' ? records.length : log.firstIndexAtOrAfter(from);
      for (let sent = 0; sent < count && index < records.length && !call.cancelled; index += 1) {
        if (!matcher(records[index]!)) continue;
        await send(call, eventResponse(records[index]!, structured));
        sent += 1;
      }
    }
    call.end();
  }

  async function subscribeToAll(call: grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>, options: streams.ReadReq.Options) {
    const from = startPositionOf(options.getAll()!);
    const { matcher, request, every } = filterOf(options);
    subscriptionRequests.push({ from, filter: request });
    if (refusals > 0) {
      refusals -= 1;
      return fail(call, grpc.status.UNAVAILABLE, 'test double: subscription refused');
    }
    if (typeof from === 'object' && !log.isValidStart(from)) return fail(call, grpc.status.OUT_OF_RANGE, 'Invalid position');
    const structured = options.getUuidOption()?.hasStructured() ?? false;
    // Subscription start positions are exclusive.
    let index = from === 'start' ? 0 : from === 'end' ? log.records.length : log.firstIndexAfter(from);
    let searched = 0;
    let caughtUp = false;
    let pumping = false;
    let again = false;
    let closed = false;
    const subscription = {
      drop(code: grpc.status) {
        stop();
        fail(call, code, 'test double: subscription dropped');
      },
    };
    const unlisten = log.onAppend(() => void pump());
    const stop = () => {
      closed = true;
      unlisten();
      liveSubscriptions.delete(subscription);
    };
    liveSubscriptions.add(subscription);
    call.on('cancelled', stop);
    call.on('close', stop);

    async function pump(): Promise<void> {
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          while (!closed && index < log.records.length) {
            const record = log.records[index]!;
            index += 1;
            if (matcher(record)) await send(call, eventResponse(record, structured));
            searched += 1;
            if (every > 0 && searched % every === 0) {
              await send(call, new streams.ReadResp().setCheckpoint(
                new streams.ReadResp.Checkpoint().setCommitPosition(record.commit.toString()).setPreparePosition(record.prepare.toString()),
              ));
            }
          }
          if (!closed && !caughtUp) {
            caughtUp = true;
            if (caughtUpMessages) await send(call, new streams.ReadResp().setCaughtUp(caughtUpMessage()));
          }
        } while (again && !closed);
      } finally {
        pumping = false;
      }
    }

    await send(call, new streams.ReadResp().setConfirmation(new streams.ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
    await pump();
  }

  const read: grpc.handleServerStreamingCall<streams.ReadReq, streams.ReadResp> = (call) => {
    const options = call.request.getOptions();
    const handled = !options
      ? Promise.resolve(fail(call, grpc.status.INVALID_ARGUMENT, 'no options'))
      : options.hasStream()
        ? options.hasSubscription()
          ? Promise.resolve(fail(call, grpc.status.UNIMPLEMENTED, 'stream subscriptions are not part of the double'))
          : readStream(call, options)
        : options.hasSubscription()
          ? subscribeToAll(call, options)
          : readAll(call, options);
    handled.catch((error: unknown) => fail(call, grpc.status.INTERNAL, String(error)));
  };


  function deleteExpected(options: streams.DeleteReq.Options | streams.TombstoneReq.Options): ExpectedState {
    if (options.hasNoStream()) return { kind: 'no_stream' };
    if (options.hasStreamExists()) return { kind: 'stream_exists' };
    if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
    return { kind: 'any' };
  }

  /** `Streams.Delete` (soft) and `Streams.Tombstone` (hard), answered as the server's Streams.Delete.cs does. */
  function deletion<Resp extends streams.DeleteResp | streams.TombstoneResp>(
    hard: boolean,
    respond: (position: LogPosition) => Resp,
  ) {
    return (call: grpc.ServerUnaryCall<streams.DeleteReq | streams.TombstoneReq, Resp>, callback: grpc.sendUnaryData<Resp>) => {
      const options = call.request.getOptions();
      if (!options) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'no options' });
      const streamName = utf8(options.getStreamIdentifier()?.getStreamName_asU8() ?? new Uint8Array());
      const expected = deleteExpected(options);
      const outcome = hard ? log.tombstone(streamName, expected) : log.softDelete(streamName, expected);
      if (outcome.kind === 'stream_deleted') return callback(streamDeletedError(streamName));
      if (outcome.kind === 'wrong_expected_version') {
        return callback(
          rpcError(grpc.status.FAILED_PRECONDITION, 'WrongExpectedVersion', {
            exception: 'wrong-expected-version',
            'stream-name': streamName,
            'expected-version': expectedVersionNumber(expected),
            ...(outcome.current === null ? {} : { 'actual-version': outcome.current.toString() }),
          }),
        );
      }
      callback(null, respond(outcome.position));
    };
  }

  server.addService(StreamsService, {
    read,
    append,
    batchAppend,
    delete: deletion(false, (p) =>
      new streams.DeleteResp().setPosition(new streams.DeleteResp.Position().setCommitPosition(p.commit.toString()).setPreparePosition(p.prepare.toString())),
    ),
    tombstone: deletion(true, (p) =>
      new streams.TombstoneResp().setPosition(
        new streams.TombstoneResp.Position().setCommitPosition(p.commit.toString()).setPreparePosition(p.prepare.toString()),
      ),
    ),
  });
  server.addService(ServerFeaturesService, {
    getSupportedMethods(_call: grpc.ServerUnaryCall<shared.Empty, features.SupportedMethods>, callback: grpc.sendUnaryData<features.SupportedMethods>) {
      // Servers before 21.10 have no ServerFeatures service; the client then uses Streams.Append.
      if (legacyAppend) return callback({ code: grpc.status.UNIMPLEMENTED, details: 'unknown service' });
      const method = (name: string, ...list: string[]) =>
        new features.SupportedMethod().setServiceName(STREAMS_SERVICE).setMethodName(name).setFeaturesList(list);
      callback(
        null,
        new features.SupportedMethods()
          .setEventStoreServerVersion('24.10.0-double')
          .setMethodsList([method('read', 'position', 'events'), method('append'), method('batchappend'), method('delete'), method('tombstone')]),
      );
    },
  });
  server.addService(GossipService, {
    read(_call: grpc.ServerUnaryCall<shared.Empty, gossip.ClusterInfo>, callback: grpc.sendUnaryData<gossip.ClusterInfo>) {
      const member = new gossip.MemberInfo()
        .setInstanceId(uuidMessage('00000000-0000-4000-8000-000000000001', false))
        .setTimeStamp(String(Date.now()))
        .setState(gossip.MemberInfo.VNodeState.LEADER)
        .setIsAlive(true)
        .setHttpEndPoint(new gossip.EndPoint().setAddress('127.0.0.1').setPort(port));
      callback(null, new gossip.ClusterInfo().setMembersList([member]));
    },
  });

  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );

  return {
    port,
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    log,
    subscriptionRequests,
    appendCalls,
    activeSubscriptions: () => liveSubscriptions.size,
    openBatchAppendCalls: () => batchCalls.size,
    dropSubscriptions(code = grpc.status.UNAVAILABLE) {
      for (const subscription of [...liveSubscriptions]) subscription.drop(code);
    },
    refuseSubscriptions(count) {
      refusals += count;
    },
    forgetRecentIds() {
      log.forgetRecentIds();
    },
    failAppendReplies(count, fault) {
      for (let i = 0; i < count; i += 1) appendFaults.push(fault);
    },
    async close() {
      for (const subscription of [...liveSubscriptions]) subscription.drop(grpc.status.UNAVAILABLE);
      server.forceShutdown();
    },
  };
}
