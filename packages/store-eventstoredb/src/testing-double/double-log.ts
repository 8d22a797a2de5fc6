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
 *   revision succeed again without writing anything.
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
  | { kind: 'wrong_expected_version'; current: bigint | null; expected: ExpectedState };

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

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly idempotent = true,
  ) {}

  /** Called after every write (the live part of subscriptions). */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(streamName: string, expected: ExpectedState, events: readonly ProposedEvent[]): AppendOutcome {
    const stream = this.streams.get(streamName) ?? [];
    const current = stream.length === 0 ? null : BigInt(stream.length - 1);
    const duplicate = this.idempotent ? this.duplicateOf(stream, expected, events) : null;
    if (duplicate) return duplicate;
    const ok =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === null) ||
      (expected.kind === 'stream_exists' && current !== null) ||
      (expected.kind === 'revision' && current === expected.revision);
    if (!ok) return { kind: 'wrong_expected_version', current, expected };
    if (events.length === 0) {
      return { kind: 'success', currentRevision: current ?? -1n, position: this.head() ?? { commit: 0n, prepare: 0n }, idempotent: false };
    }
    const written = this.write(streamName, events);
    const last = written[written.length - 1]!;
    return { kind: 'success', currentRevision: last.revision, position: { commit: last.commit, prepare: last.prepare }, idempotent: false };
  }

  /** Writes a system event the way the server does for its own bookkeeping (e.g. stream metadata). */
  writeSystemEvent(streamName: string, type: string, data: unknown): void {
    const json = new TextEncoder().encode(JSON.stringify(data));
    this.write(streamName, [{ id: randomUUID(), type, contentType: 'application/json', data: json, customMetadata: new Uint8Array() }]);
  }

  /** A stream's events, or `null` when the stream does not exist. */
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

  private write(streamName: string, events: readonly ProposedEvent[]): LogRecord[] {
    const stream = this.streams.get(streamName) ?? [];
    if (!this.streams.has(streamName)) this.streams.set(streamName, stream);
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
        revision: BigInt(stream.length + index),
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
    for (const listener of this.listeners) listener();
    return written;
  }
}
