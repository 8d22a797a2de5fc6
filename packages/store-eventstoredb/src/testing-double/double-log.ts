/**
 * The log kept by the EventStoreDB test double (see `double-server.ts` for
 * what the double checks and what it cannot). It models what the adapter
 * depends on, as EventStoreDB documents it:
 *
 * - one transaction log; each event has a `(commit, prepare)` position,
 *   sparse (positions are byte offsets, so they jump by the record's size);
 *   a multi-event append is written as prepares followed by one commit
 *   record, so its events share the commit position and have increasing
 *   prepare positions, like events committed in a transaction;
 * - system events (`$`-types in `$`-streams) written by the server itself;
 * - expected-revision checks with the actual revision on failure, and
 *   idempotent appends: the same event ids at the same explicit expected
 *   revision succeed again without writing anything;
 * - under `any` (and `stream_exists`), only best-effort idempotency: the
 *   server looks the ids up in a bounded cache of recently committed events
 *   (lost on restart), not in the stream. KurrentDB docs, "HTTP API:
 *   Idempotence" (docs.kurrent.io/server/latest/http-api/introduction.html#idempotence):
 *   with an expected version "KurrentDB is 100% idempotent"; with any it
 *   "does its best … but cannot assure" it. What "its best" is follows the
 *   server's commit check (IndexWriter.CheckCommit): the first id found in
 *   the cache for this stream makes the append a no-op if all the others are
 *   there too, and a WrongExpectedVersion if not; a first id not in the cache
 *   (evicted, or the server restarted) writes the events again;
 * - soft-deleted and tombstoned streams, as "Deleting streams and events"
 *   in the KurrentDB docs (docs.kurrent.io/server/latest/features/streams.html)
 *   says: a soft delete sets the stream's `$tb` (truncate before) to
 *   Int64.MaxValue in its metadata stream: reads say StreamNotFound, `$all`
 *   still holds the events (until a scavenge, which the double never runs),
 *   and a later append (`no_stream` or `any`) continues after the old last
 *   revision, only the new events being readable (`$tb` moved to the first
 *   of them). A tombstone (hard delete) writes a `$streamDeleted` event:
 *   from then on every read and append of the stream is StreamDeleted.
 */
import { randomUUID } from 'node:crypto';

/** A position in the transaction log. */
export interface LogPosition {
  commit: bigint;
  prepare: bigint;
}

/** One event in the log. */
export interface LogRecord {
  streamName: string;
  revision: bigint;
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends `created`. */
  created: bigint;
  commit: bigint;
  prepare: bigint;
}

/** An event proposed by an append. */
export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export type ExpectedState = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

export type AppendOutcome =
  | { kind: 'success'; currentRevision: bigint; position: LogPosition; idempotent: boolean }
  | { kind: 'wrong_expected_version'; current: bigint | null; expected: ExpectedState }
  | { kind: 'stream_deleted' };

/** What a read of one stream finds. */
export type StreamRead =
  | { kind: 'found'; records: readonly LogRecord[]; truncateBefore: number }
  | { kind: 'not_found' }
  | { kind: 'deleted' };

/** `$tb` of a soft-deleted stream, and the revision of a tombstone: Int64.MaxValue, as the server writes them. */
export const DELETED_STREAM = 9_223_372_036_854_775_807n;

/** How the double's log keeps best-effort idempotency under `any`. */
export interface RecentIdsOptions {
  /**
   * Events the cache of recently committed ids holds (oldest forgotten
   * first). The server bounds it by memory; default 10 000.
   */
  capacity?: number;
}

/** Order of positions as the server compares them: commit first, then prepare. */
export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

const COMMIT_RECORD_SIZE = 41n;
/** The first records of a chunk (chunk header, epoch) sit before any event. */
const FIRST_EVENT_POSITION = 1_107n;

/** The double's transaction log, streams and positions; appends notify the live subscriptions. */
export class DoubleLog {
  readonly records: LogRecord[] = [];
  private readonly streams = new Map<string, LogRecord[]>();
  /** Commit positions the log holds: the only ones a read or subscription may start at. */
  private readonly commits = new Set<bigint>();
  private cursor = FIRST_EVENT_POSITION;
  private readonly listeners = new Set<() => void>();
  /** `$tb` per stream that has one (soft deleted, or re-used after a soft delete). */
  private readonly truncateBefore = new Map<string, bigint>();
  private readonly tombstoned = new Set<string>();
  /** Recently committed event ids, oldest first (a Map keeps insertion order). */
  private readonly recentIds = new Map<string, { streamName: string; revision: bigint }>();
  private readonly recentCapacity: number;

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly idempotent = true,
    recentIds: RecentIdsOptions = {},
  ) {
    this.recentCapacity = recentIds.capacity ?? 10_000;
  }

  /** Forgets the recently committed ids, as a server restart does. */
  forgetRecentIds(): void {
    this.recentIds.clear();
  }

  /** Called after every write (the live part of subscriptions). */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(streamName: string, expected: ExpectedState, events: readonly ProposedEvent[]): AppendOutcome {
    if (this.tombstoned.has(streamName)) return { kind: 'stream_deleted' };
    const stream = this.streams.get(streamName) ?? [];
    const current = stream.length === 0 ? null : BigInt(stream.length - 1);
    const softDeleted = this.truncateBefore.get(streamName) === DELETED_STREAM;
    if (expected.kind === 'stream_exists' && softDeleted) return { kind: 'wrong_expected_version', current, expected };
    if (this.idempotent) {
      const duplicate =
        expected.kind === 'any' || expected.kind === 'stream_exists'
          ? this.recentDuplicateOf(streamName, current, expected, events)
          : this.duplicateOf(stream, expected, events);
      if (duplicate) return duplicate;
    }
    if (!this.expectationHolds(expected, current, softDeleted)) return { kind: 'wrong_expected_version', current, expected };
    if (events.length === 0) {
      return { kind: 'success', currentRevision: current ?? -1n, position: this.head() ?? { commit: 0n, prepare: 0n }, idempotent: false };
    }
    const written = this.write(streamName, events);
    if (softDeleted) {
      // The server "undeletes" the stream: only the new events stay readable.
      this.setTruncateBefore(streamName, written[0]!.revision);
    }
    const last = written[written.length - 1]!;
    return { kind: 'success', currentRevision: last.revision, position: { commit: last.commit, prepare: last.prepare }, idempotent: false };
  }

  /**
   * A soft delete (`Streams.Delete`): `$tb` set to Int64.MaxValue in the
   * stream's metadata stream. The expected revision is checked as for an append.
   */
  softDelete(streamName: string, expected: ExpectedState): AppendOutcome {
    return this.delete(streamName, expected, () => this.setTruncateBefore(streamName, DELETED_STREAM));
  }

  /** A hard delete (`Streams.Tombstone`): a `$streamDeleted` event at revision Int64.MaxValue, for good. */
  tombstone(streamName: string, expected: ExpectedState): AppendOutcome {
    return this.delete(streamName, expected, () => {
      this.tombstoned.add(streamName);
      const event = { id: randomUUID(), type: '$streamDeleted', contentType: 'application/octet-stream', data: new Uint8Array(), customMetadata: new Uint8Array() };
      this.write(streamName, [event], DELETED_STREAM);
    });
  }

  /** What a read of a stream finds: its readable records (from `$tb` on), not found, or deleted for good. */
  read(streamName: string): StreamRead {
    if (this.tombstoned.has(streamName)) return { kind: 'deleted' };
    const records = this.streams.get(streamName);
    const floor = this.truncateBefore.get(streamName) ?? 0n;
    if (!records || BigInt(records.length) <= floor) return { kind: 'not_found' };
    return { kind: 'found', records, truncateBefore: Number(floor) };
  }

  private delete(streamName: string, expected: ExpectedState, apply: () => void): AppendOutcome {
    if (this.tombstoned.has(streamName)) return { kind: 'stream_deleted' };
    const stream = this.streams.get(streamName) ?? [];
    const current = stream.length === 0 ? null : BigInt(stream.length - 1);
    const softDeleted = this.truncateBefore.get(streamName) === DELETED_STREAM;
    if (!this.expectationHolds(expected, current, softDeleted)) return { kind: 'wrong_expected_version', current, expected };
    apply();
    const head = this.head() ?? { commit: 0n, prepare: 0n };
    return { kind: 'success', currentRevision: current ?? -1n, position: head, idempotent: false };
  }

  private expectationHolds(expected: ExpectedState, current: bigint | null, softDeleted: boolean): boolean {
    switch (expected.kind) {
      case 'any':
        return true;
      case 'no_stream':
        // A soft-deleted stream counts as gone for no_stream (the server's CheckCommit).
        return current === null || softDeleted;
      case 'stream_exists':
        return current !== null && !softDeleted;
      case 'revision':
        return current === expected.revision;
    }
  }

  /**
   * Writes the stream's metadata (a `$metadata` event in `$$<stream>`): `fields`, and the stream's
   * `$tb` when it has one, since each metadata event replaces the whole document (written with the
   * exact number: Int64.MaxValue does not survive JSON.stringify of a number).
   */
  writeStreamMetadata(streamName: string, fields: Record<string, unknown>): void {
    const tb = this.truncateBefore.get(streamName);
    const body = JSON.stringify(fields).slice(1, -1);
    const text = `{${[body, tb === undefined ? '' : `"$tb":${tb.toString()}`].filter((part) => part !== '').join(',')}}`;
    const json = new TextEncoder().encode(text);
    this.write(`$$${streamName}`, [{ id: randomUUID(), type: '$metadata', contentType: 'application/json', data: json, customMetadata: new Uint8Array() }]);
  }

  private setTruncateBefore(streamName: string, revision: bigint): void {
    this.truncateBefore.set(streamName, revision);
    this.writeStreamMetadata(streamName, {});
  }

  /** Writes a system event the way the server does for its own bookkeeping (e.g. stream metadata). */
  writeSystemEvent(streamName: string, type: string, data: unknown): void {
    const json = new TextEncoder().encode(JSON.stringify(data));
    this.write(streamName, [{ id: randomUUID(), type, contentType: 'application/json', data: json, customMetadata: new Uint8Array() }]);
  }

  /** A stream's events (deleted ones too), or `null` when the stream never had any. */
  stream(streamName: string): readonly LogRecord[] | null {
    return this.streams.get(streamName) ?? null;
  }

  head(): LogPosition | null {
    const last = this.records[this.records.length - 1];
    return last ? { commit: last.commit, prepare: last.prepare } : null;
  }

  /** True when a read or subscription may start at `position`: its commit part must be a commit record. */
  isValidStart(position: LogPosition): boolean {
    return position.commit === 0n || this.commits.has(position.commit);
  }

  /** Index of the first record at or after `position` (inclusive, forwards reads). */
  firstIndexAtOrAfter(position: LogPosition): number {
    return this.search((record) => comparePositions(record, position) >= 0);
  }

  /** Index of the first record strictly after `position` (exclusive, subscriptions). */
  firstIndexAfter(position: LogPosition): number {
    return this.search((record) => comparePositions(record, position) > 0);
  }

  private search(isAtOrPast: (record: LogRecord) => boolean): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (isAtOrPast(this.records[middle]!)) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  private duplicateOf(stream: readonly LogRecord[], expected: ExpectedState, events: readonly ProposedEvent[]): AppendOutcome | null {
    const from = expected.kind === 'no_stream' ? 0 : expected.kind === 'revision' ? Number(expected.revision) + 1 : null;
    if (from === null || events.length === 0 || stream.length < from + events.length) return null;
    for (let i = 0; i < events.length; i += 1) if (stream[from + i]!.id !== events[i]!.id) return null;
    const last = stream[from + events.length - 1]!;
    return { kind: 'success', currentRevision: last.revision, position: { commit: last.commit, prepare: last.prepare }, idempotent: true };
  }

  /**
   * Best effort under `any` / `stream_exists` (see the file's comment): only
   * the recent-ids cache is asked, never the stream.
   */
  private recentDuplicateOf(
    streamName: string,
    current: bigint | null,
    expected: ExpectedState,
    events: readonly ProposedEvent[],
  ): AppendOutcome | null {
    const first = events[0] === undefined ? undefined : this.recentIds.get(events[0].id);
    if (!first || first.streamName !== streamName) return null;
    let last = first;
    for (const event of events.slice(1)) {
      const found = this.recentIds.get(event.id);
      // Part of the append is there, part is not: the server answers WrongExpectedVersion.
      if (!found || found.streamName !== streamName) return { kind: 'wrong_expected_version', current, expected };
      last = found;
    }
    const record = this.streams.get(streamName)?.[Number(last.revision)];
    if (!record) return null;
    return { kind: 'success', currentRevision: last.revision, position: { commit: record.commit, prepare: record.prepare }, idempotent: true };
  }

  private remember(record: LogRecord): void {
    if (this.recentCapacity <= 0 || record.streamName.startsWith('$')) return;
    this.recentIds.delete(record.id);
    this.recentIds.set(record.id, { streamName: record.streamName, revision: record.revision });
    while (this.recentIds.size > this.recentCapacity) {
      const oldest = this.recentIds.keys().next();
      if (oldest.done === true) break;
      this.recentIds.delete(oldest.value);
    }
  }

  /** Writes events at the stream's next revisions, or one event at `fixedRevision` outside the stream's list (a tombstone). */
  private write(streamName: string, events: readonly ProposedEvent[], fixedRevision?: bigint): LogRecord[] {
    const stream = fixedRevision === undefined ? (this.streams.get(streamName) ?? []) : [];
    if (fixedRevision === undefined && !this.streams.has(streamName)) this.streams.set(streamName, stream);
    const created = BigInt(this.clock()) * 10_000n;
    const prepares = events.map((event) => {
      const prepare = this.cursor;
      const size = 88n + BigInt(streamName.length + event.type.length + event.data.length + event.customMetadata.length);
      this.cursor += size + (8n - (size % 8n));
      return prepare;
    });
    // One event: an implicitly committed prepare (commit = prepare). More: prepares, then a commit record.
    let commit = prepares[0]!;
    if (events.length > 1) {
      commit = this.cursor;
      this.cursor += COMMIT_RECORD_SIZE + (8n - (COMMIT_RECORD_SIZE % 8n));
    }
    this.commits.add(commit);
    const written = events.map(
      (event, index): LogRecord => ({
        streamName,
        revision: fixedRevision ?? BigInt(stream.length + index),
        id: event.id,
        type: event.type,
        contentType: event.contentType,
        data: event.data,
        customMetadata: event.customMetadata,
        created,
        commit,
        prepare: prepares[index]!,
      }),
    );
    stream.push(...written);
    this.records.push(...written);
    for (const record of written) this.remember(record);
    for (const listener of this.listeners) listener();
    return written;
  }
}
