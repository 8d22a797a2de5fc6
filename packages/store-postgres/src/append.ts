import {
  ConcurrencyError,
  DuplicateEventIdError,
  ValidationError,
  isThiduaError,
  type RecordedEvent,
  type RetryPolicy,
  type SealedEvent,
} from '@thidua/eventsourcing';
import type { SealRequest, StreamTip } from '@thidua/eventsourcing/driver';
import type { QueryArrayConfig } from 'pg';
import type { EventReader } from './read';
import { retryTransient } from './retry-transient';
import { EVENT_ID_INDEX, sqlTypes, statementName, type PostgresConnection } from './schema';

/** `[item, appended, actual_revision, actual_hash, first_position, recorded_at_ms]`, item counting from 1. */
type AppendRow = [number, boolean, bigint | null, string | null, bigint | null, number | null];

/** What the server did with one append. */
type Outcome =
  | { appended: true; firstPosition: bigint; recordedAtMs: number }
  | { appended: false; tip: StreamTip };

/** One append waiting for its turn in a write. */
interface PendingWrite {
  streamId: string;
  expected: bigint | null;
  /** The sealed events as a JSON array, serialised once. */
  events: string;
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
}

/** Streams whose tip this process remembers; a wrong guess only costs a retry. */
const TIP_CACHE_SIZE = 10_000;
/** Bounds of one coalesced write. */
const MAX_APPENDS_PER_WRITE = 256;
const MAX_CHARS_PER_WRITE = 4_000_000;

/**
 * Appends with one round-trip in the common case, and one transaction for
 * all the appends this process has waiting.
 *
 * - The stream's tip (revision and hash, needed to seal the batch) comes from
 *   a small cache of tips this process has seen; `append_events` writes only
 *   if the tip is still that one and otherwise answers with the actual tip,
 *   so a stale guess costs one more call and never a wrong write.
 * - The global order lock is held until commit, WAL flush included, so
 *   concurrent transactions cannot share a flush. Instead, appends that
 *   arrive while a write is in flight wait and then go together in the next
 *   write: one transaction, one flush, each append still all-or-nothing. If
 *   that write fails as a whole (a payload jsonb refuses), each of its
 *   appends is retried alone so that only the bad one fails.
 */
export class EventAppender {
  private readonly tips = new Map<string, StreamTip>();
  private readonly appendSql: string;
  private readonly appendName: string;
  private readonly turns = new Map<string, Promise<void>>();
  private pending: PendingWrite[] = [];
  private writing = false;

  constructor(
    private readonly connection: PostgresConnection,
    private readonly reader: EventReader,
    private readonly channel: string | null,
    private readonly retry: Partial<RetryPolicy> | undefined,
  ) {
    this.appendSql = `SELECT item, appended, actual_revision, actual_hash, first_position, recorded_at_ms FROM ${connection.q}.append_events($1::jsonb, $2)`;
    this.appendName = statementName(connection.schema, 'append');
  }

  /** Records a tip seen in the database (after an append or a read that reached the stream's end). */
  rememberTip(streamId: string, tip: StreamTip): void {
    if (tip.revision === null) return;
    this.tips.delete(streamId);
    this.tips.set(streamId, tip);
    if (this.tips.size > TIP_CACHE_SIZE) {
      const oldest = this.tips.keys().next().value;
      if (oldest !== undefined) this.tips.delete(oldest);
    }
  }

  /**
   * Appends of this process to one stream take turns: the next one seals
   * against the tip the previous one left (known without asking), instead of
   * all sealing against the same tip and losing races to each other.
   */
  append(streamId: string, seal: (tip: StreamTip) => SealedEvent[]): Promise<RecordedEvent[]> {
    const previous = this.turns.get(streamId);
    const result = previous ? previous.then(() => this.appendNow(streamId, seal)) : this.appendNow(streamId, seal);
    const turn = result.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(streamId, turn);
    void turn.then(() => {
      if (this.turns.get(streamId) === turn) this.turns.delete(streamId);
    });
    return result;
  }

  /**
   * Several streams in one transaction of its own: the stream rows of the
   * call are locked first, in stream-id order (the order coalesced writes
   * lock them in, so the two cannot deadlock), which makes the tips read
   * exact; each request is sealed on its tip (or the tip an earlier request
   * of the call left), and one `append_events` writes them all in request
   * order, positions included. Anything refused rolls the whole call back.
   */
  appendMany(requests: readonly SealRequest[]): Promise<RecordedEvent[][]> {
    return retryTransient(() => this.appendManyOnce(requests), this.retry);
  }

  private async appendManyOnce(requests: readonly SealRequest[]): Promise<RecordedEvent[][]> {
    const q = this.connection.q;
    const client = await this.connection.pool.connect();
    let sealedAll: SealedEvent[][] = [];
    const expectations: (bigint | null)[] = [];
    try {
      await client.query('BEGIN');
      const streams = [...new Set(requests.map((request) => request.streamId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const locked = await client.query<[string, bigint, string]>({
        text: `SELECT stream_id, revision, hash FROM ${q}.streams WHERE stream_id = ANY ($1::text[]) ORDER BY stream_id FOR UPDATE`,
        values: [streams],
        types: sqlTypes,
        rowMode: 'array',
      });
      const tips = new Map<string, StreamTip>(locked.rows.map(([streamId, revision, hash]) => [streamId, { revision, hash }]));
      sealedAll = requests.map(({ streamId, seal }) => {
        const tip = tips.get(streamId) ?? { revision: null, hash: null };
        expectations.push(tip.revision);
        const sealed = seal(tip);
        const last = sealed[sealed.length - 1];
        if (last) tips.set(streamId, { revision: last.revision, hash: last.metadata.hash });
        return sealed;
      });
      const appends = requests.map(
        ({ streamId }, index) =>
          `{"streamId":${JSON.stringify(streamId)},"expected":${expectations[index] === null ? 'null' : `"${expectations[index]}"`},"events":${JSON.stringify(
            sealedAll[index]!.map((e) => ({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata })),
          )}}`,
      );
      const result = await client.query<AppendRow>({
        name: this.appendName,
        text: this.appendSql,
        values: [`[${appends.join(',')}]`, this.channel],
        types: sqlTypes,
        rowMode: 'array',
      } satisfies QueryArrayConfig);
      const firstPositions = new Array<bigint>(requests.length);
      let recordedAtMs = 0;
      for (const [item, appended, revision, , firstPosition, at] of result.rows) {
        if (!appended) {
          // Only a stream created by another writer since the lock can get here (its row did not exist to lock).
          const request = requests[item - 1]!;
          throw new ConcurrencyError(request.streamId, expectations[item - 1] ?? 'no_stream', revision);
        }
        firstPositions[item - 1] = firstPosition!;
        recordedAtMs = at!;
      }
      await client.query('COMMIT');
      for (const [streamId, tip] of tips) this.rememberTip(streamId, tip);
      const recordedAt = new Date(recordedAtMs).toISOString();
      return sealedAll.map((sealed, index) =>
        sealed.map((event, offset) => ({
          id: event.id,
          streamId: requests[index]!.streamId,
          revision: event.revision,
          position: firstPositions[index]! + BigInt(offset),
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data,
          metadata: event.metadata,
          recordedAt,
        })),
      );
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (isThiduaError(error) || !sealedAll.length) throw error;
      // Translated as one write holding every event of the call, named after its first stream.
      const write = {
        streamId: requests[0]!.streamId,
        expected: expectations[0] ?? null,
        events: JSON.stringify(sealedAll.flat().map((e) => ({ id: e.id }))),
        resolve: () => undefined,
        reject: () => undefined,
      };
      throw await this.translate(error, write);
    } finally {
      client.release();
    }
  }

  private async appendNow(streamId: string, seal: (tip: StreamTip) => SealedEvent[]): Promise<RecordedEvent[]> {
    // An unknown stream is guessed new: right for every first append, and a
    // wrong guess is corrected by the server's answer in the same round-trip.
    let tip: StreamTip = this.tips.get(streamId) ?? { revision: null, hash: null };
    let guessed = true;
    for (let race = 0; ; race += 1) {
      let sealed: SealedEvent[];
      try {
        sealed = seal(tip);
      } catch (error) {
        // A conflict against a guessed tip says nothing: check the real one.
        if (!guessed || !isThiduaError(error, 'concurrency')) throw error;
        tip = await this.reader.readTip(streamId);
        guessed = false;
        continue;
      }
      const outcome = await this.submit(streamId, tip.revision, sealed);
      if (outcome.appended) {
        const last = sealed[sealed.length - 1]!;
        this.rememberTip(streamId, { revision: last.revision, hash: last.metadata.hash });
        const recordedAt = new Date(outcome.recordedAtMs).toISOString();
        return sealed.map((event, index) => ({
          id: event.id,
          streamId,
          revision: event.revision,
          position: outcome.firstPosition + BigInt(index),
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: event.data,
          metadata: event.metadata,
          recordedAt,
        }));
      }
      // Refused: the answer carries the actual tip, read after the stream's row lock.
      tip = outcome.tip;
      guessed = false;
      // A tip that is this very batch means it is already written: an earlier write of it committed and its
      // reply was lost (a coalesced write that failed as a whole after the server answered), or another writer
      // sent the same events. Sealing again would write it twice: its ids are taken, and the kernel answers
      // the refusal with the events already in place (alreadyAppended).
      if (await this.alreadyWritten(streamId, sealed, tip)) {
        this.rememberTip(streamId, tip);
        const first = sealed[0]!;
        throw new DuplicateEventIdError(first.id, streamId, { streamId, revision: first.revision });
      }
      if (tip.revision === null) this.tips.delete(streamId);
      else this.rememberTip(streamId, tip);
      // One more try on the tip the server just gave; losing again means another writer keeps winning,
      // and the kernel's retry policy spaces the next tries out (no tight loop of its own here).
      if (race >= 1) throw new ConcurrencyError(streamId, 'any', tip.revision);
    }
  }

  /**
   * Whether `sealed` is already the stream's last events, where it was sealed
   * to go, with the same ids: the tip carries the batch's last hash (which
   * covers every event and the chain before it), and the ids are read back
   * to be sure.
   */
  private async alreadyWritten(streamId: string, sealed: readonly SealedEvent[], tip: StreamTip): Promise<boolean> {
    const first = sealed[0];
    const last = sealed[sealed.length - 1];
    if (!first || !last || tip.revision !== last.revision || tip.hash !== last.metadata.hash) return false;
    const stored = await this.reader.readStreamPage(streamId, { fromRevision: first.revision, maxCount: sealed.length, direction: 'forwards' });
    return stored.length === sealed.length && stored.every((event, index) => event.id === sealed[index]!.id && event.revision === sealed[index]!.revision);
  }

  private submit(streamId: string, expected: bigint | null, sealed: readonly SealedEvent[]): Promise<Outcome> {
    const events = JSON.stringify(
      sealed.map((e) => ({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata })),
    );
    return new Promise<Outcome>((resolve, reject) => {
      this.pending.push({ streamId, expected, events, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /** Writes whatever is pending, one write at a time, until nothing is left. */
  private async drain(): Promise<void> {
    this.writing = true;
    try {
      do {
        // Let appends already on their way (a few promise hops behind, such as
        // the next turn of a stream just written) join this write.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await this.writeAll(this.takeBatch());
      } while (this.pending.length > 0);
    } finally {
      this.writing = false;
    }
  }

  private takeBatch(): PendingWrite[] {
    let chars = 0;
    let count = 0;
    while (count < this.pending.length && count < MAX_APPENDS_PER_WRITE) {
      chars += this.pending[count]!.events.length;
      if (count > 0 && chars > MAX_CHARS_PER_WRITE) break;
      count += 1;
    }
    // Stream rows are then locked in one global order (stable: appends to one stream keep theirs).
    return this.pending.splice(0, count).sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  }

  private async writeAll(batch: PendingWrite[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      outcomes = await this.writeRetryingTransient(batch);
    } catch (error) {
      if (batch.length > 1) {
        // One bad append must not fail its neighbours: write each on its own.
        for (const one of batch) await this.writeAll([one]);
        return;
      }
      const only = batch[0]!;
      only.reject(await this.translate(error, only).catch((failure: unknown) => failure));
      return;
    }
    batch.forEach((write, index) => write.resolve(outcomes[index]!));
  }

  /**
   * A failed write wrote nothing, so a serialization failure (a server or
   * pool whose default isolation is REPEATABLE READ or SERIALIZABLE) or a
   * deadlock victim is simply written again, under the store's retry policy.
   */
  private writeRetryingTransient(batch: readonly PendingWrite[]): Promise<Outcome[]> {
    return retryTransient(() => this.write(batch), this.retry);
  }

  private async write(batch: readonly PendingWrite[]): Promise<Outcome[]> {
    const appends = batch.map(
      (w) =>
        `{"streamId":${JSON.stringify(w.streamId)},"expected":${w.expected === null ? 'null' : `"${w.expected}"`},"events":${w.events}}`,
    );
    const query: QueryArrayConfig = {
      name: this.appendName,
      text: this.appendSql,
      values: [`[${appends.join(',')}]`, this.channel],
      types: sqlTypes,
      rowMode: 'array',
    };
    const result = await this.connection.pool.query<AppendRow>(query);
    const outcomes: Outcome[] = new Array<Outcome>(batch.length);
    for (const row of result.rows as AppendRow[]) {
      const [item, appended, revision, hash, firstPosition, recordedAtMs] = row;
      outcomes[item - 1] = appended
        ? { appended: true, firstPosition: firstPosition!, recordedAtMs: recordedAtMs! }
        : { appended: false, tip: { revision, hash } };
    }
    for (let i = 0; i < batch.length; i += 1) {
      if (!outcomes[i]) throw new Error(`append_events gave no answer for ${batch[i]!.streamId}`);
    }
    return outcomes;
  }

  /** Maps database errors to the kernel's typed errors where they have a meaning for the caller. */
  private async translate(error: unknown, write: PendingWrite): Promise<unknown> {
    const { code, constraint } = error as { code?: unknown; constraint?: unknown };
    if (code === '23505' && constraint === EVENT_ID_INDEX) {
      // An id of this append is already in the log (the whole write was refused): name the event holding it.
      return this.duplicateIdError(write, error);
    }
    if (code === '23505' && constraint === 'events_stream_revision_key') {
      // The last line of defence fired (the streams row disagreed with the events): report the real revision.
      this.tips.delete(write.streamId);
      const actual = await this.maxRevision(write.streamId);
      return new ConcurrencyError(write.streamId, write.expected ?? 'no_stream', actual);
    }
    if (typeof code === 'string' && code.startsWith('22')) {
      // Data exceptions: jsonb refuses \u0000 and unpaired surrogates that JSON.stringify lets through.
      const message = error instanceof Error ? error.message : String(error);
      return new ValidationError(
        `Stream ${write.streamId}: payload cannot be stored in PostgreSQL: ${message}`,
        [{ path: 'events', message, code }],
        { cause: error },
      );
    }
    return error;
  }

  private async duplicateIdError(write: PendingWrite, error: unknown): Promise<DuplicateEventIdError> {
    const ids = (JSON.parse(write.events) as { id: string }[]).map((event) => event.id);
    const result = await this.connection.pool.query<[string, string, bigint]>({
      text: `SELECT event_id, stream_id, revision FROM ${this.connection.q}.events WHERE event_id = ANY ($1::text[])`,
      values: [ids],
      types: sqlTypes,
      rowMode: 'array',
    });
    const taken = new Map(result.rows.map(([id, streamId, revision]) => [id, { streamId, revision }]));
    const id = ids.find((candidate) => taken.has(candidate)) ?? ids[0] ?? '?';
    return new DuplicateEventIdError(id, write.streamId, taken.get(id) ?? null, { cause: error });
  }

  private async maxRevision(streamId: string): Promise<bigint | null> {
    const result = await this.connection.pool.query<[bigint | null]>({
      text: `SELECT max(revision) FROM ${this.connection.q}.events WHERE stream_id = $1`,
      values: [streamId],
      types: sqlTypes,
      rowMode: 'array',
    });
    return result.rows[0]?.[0] ?? null;
  }
}
