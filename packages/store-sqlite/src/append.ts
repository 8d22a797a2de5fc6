import type Database from 'better-sqlite3';
import { ConcurrencyError, DuplicateEventIdError, type RecordedEvent, type SealedEvent } from '@thidua/eventsourcing';
import type { SealRequest, StreamTip } from '@thidua/eventsourcing/driver';
import { sqliteErrorCode } from './sqlite-errors';

type TipRow = [revision: bigint, hash: string | null];
type InsertParams = [string, bigint, string, string, number, string, string, string];

/** What became of one append of a group: its recorded events, or why it was refused. */
export type GroupOutcome = { recorded: RecordedEvent[][]; error?: undefined } | { recorded?: undefined; error: unknown };

/**
 * The write side of the event table: one `BEGIN IMMEDIATE` transaction per
 * append, holding the tip read, the kernel's `seal` and every insert, so a
 * multi-event append is all or nothing and writers in other processes wait
 * (busy timeout) instead of interleaving.
 */
export class EventAppender {
  private readonly tip: Database.Statement<[string], TipRow>;
  private readonly insert: Database.Statement<InsertParams>;
  private readonly revisionOf: Database.Statement<[string], bigint | null>;
  private readonly placeOf: Database.Statement<[string], [string, bigint]>;
  private readonly write: Database.Transaction<(requests: readonly SealRequest[]) => RecordedEvent[][]>;
  private readonly writeGroup: Database.Transaction<(groups: readonly (readonly SealRequest[])[]) => GroupOutcome[]>;

  constructor(db: Database.Database, clock: () => Date) {
    this.tip = db
      .prepare<[string], TipRow>(
        "SELECT revision, json_extract(metadata, '$.hash') FROM thidua_events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1",
      )
      .raw(true)
      .safeIntegers(true);
    this.insert = db
      .prepare<InsertParams>(
        `INSERT INTO thidua_events (stream_id, revision, id, type, schema_version, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .safeIntegers(true);
    this.revisionOf = db
      .prepare<[string], bigint | null>('SELECT MAX(revision) FROM thidua_events WHERE stream_id = ?')
      .pluck(true)
      .safeIntegers(true);
    this.placeOf = db.prepare<[string], [string, bigint]>('SELECT stream_id, revision FROM thidua_events WHERE id = ?').raw(true).safeIntegers(true);

    this.write = db.transaction((requests: readonly SealRequest[]): RecordedEvent[][] => {
      // Taken after the write lock, so recordedAt follows commit order across processes (clock permitting).
      let recordedAt: string | null = null;
      // Tips a request of this call left, for a later request to the same stream (not committed yet, but ours).
      const tips = requests.length > 1 ? new Map<string, StreamTip>() : null;
      return requests.map(({ streamId, seal }) => {
        let tip = tips?.get(streamId);
        if (!tip) {
          const row = this.tip.get(streamId);
          tip = { revision: row?.[0] ?? null, hash: row?.[1] ?? null };
        }
        const sealed = seal(tip);
        const end = sealed[sealed.length - 1];
        if (tips && end) tips.set(streamId, { revision: end.revision, hash: end.metadata.hash });
        recordedAt ??= clock().toISOString();
        const at = recordedAt;
        return sealed.map((event): RecordedEvent => {
          const data = JSON.stringify(event.data);
          const metadata = JSON.stringify(event.metadata);
          const { lastInsertRowid } = this.insert.run(streamId, event.revision, event.id, event.type, event.schemaVersion, data, metadata, at);
          return {
            id: event.id,
            streamId,
            revision: event.revision,
            position: BigInt(lastInsertRowid),
            type: event.type,
            schemaVersion: event.schemaVersion,
            // Parsed back from what was written, so the result equals what a read returns.
            data: JSON.parse(data) as unknown,
            metadata: JSON.parse(metadata) as RecordedEvent['metadata'],
            recordedAt: at,
          };
        });
      });
    });

    // Called inside the outer transaction, `this.write` runs as a savepoint: a throw rolls back only its group.
    this.writeGroup = db.transaction((groups: readonly (readonly SealRequest[])[]): GroupOutcome[] =>
      groups.map((requests): GroupOutcome => {
        try {
          return { recorded: this.runTranslated(requests, (remembering) => this.write(remembering)) };
        } catch (error) {
          // A failure SQLite answered by rolling back the whole transaction (disk full, I/O error): it fails every group.
          if (!db.inTransaction) throw error;
          return { error };
        }
      }),
    );
  }

  /**
   * Several independent appends (each one a list of requests, all or
   * nothing) in one `BEGIN IMMEDIATE` transaction and so one disk flush,
   * each inside its own savepoint: one that is refused (its `seal` throws,
   * an id is taken) is rolled back alone and fails alone, the others commit
   * together. Appends of one process that arrive together (concurrent
   * commands) share a commit this way instead of waiting for one flush each.
   */
  appendGroup(groups: readonly (readonly SealRequest[])[]): GroupOutcome[] {
    return this.writeGroup.immediate(groups);
  }

  /**
   * Appends what `seal(tip)` returns. A `seal` that throws (expected-revision
   * mismatch, unhashable payload) rolls the transaction back whole.
   */
  append(streamId: string, seal: (tip: StreamTip) => SealedEvent[]): RecordedEvent[] {
    return this.appendMany([{ streamId, seal }])[0]!;
  }

  /**
   * Appends to several streams in one `BEGIN IMMEDIATE` transaction: each
   * request sealed on its stream's tip (or the tip an earlier request of the
   * call left), rowids (positions) increasing in request order, and any
   * refusal or failure rolls back every stream.
   */
  appendMany(requests: readonly SealRequest[]): RecordedEvent[][] {
    return this.runTranslated(requests, (remembering) => this.write.immediate(remembering));
  }

  /** Runs `write` on the requests, and turns the database's refusals into the kernel's typed errors. */
  private runTranslated(requests: readonly SealRequest[], write: (requests: readonly SealRequest[]) => RecordedEvent[][]): RecordedEvent[][] {
    // What each sealed batch builds on, and its ids, for the error should an insert collide.
    const batches: { streamId: string; assumed: bigint | 'no_stream'; ids: string[] }[] = [];
    const remembering = requests.map(({ streamId, seal }): SealRequest => ({
      streamId,
      seal: (tip) => {
        const sealed = seal(tip);
        const first = sealed[0];
        if (first) batches.push({ streamId, assumed: first.revision === 0n ? 'no_stream' : first.revision - 1n, ids: sealed.map((event) => event.id) });
        return sealed;
      },
    }));
    try {
      return write(remembering);
    } catch (error) {
      if (isUniqueViolation(error) && /thidua_events\.id\b/.test(String((error as Error).message))) {
        // The id index refused the batch (rolled back whole): name the event that already holds one of its ids.
        for (const batch of batches) {
          for (const id of batch.ids) {
            const place = this.placeOf.get(id);
            if (place) throw new DuplicateEventIdError(id, batch.streamId, { streamId: place[0], revision: place[1] }, { cause: error });
          }
        }
        // Not in the log: two requests of the call shared an id.
        throw new DuplicateEventIdError(batches[0]?.ids[0] ?? '?', batches[0]?.streamId ?? '?', null, { cause: error });
      }
      if (batches.length > 0 && isUniqueViolation(error)) {
        // The tip read inside the write lock makes this unreachable for thidua writers; it guards against any
        // other writer of the file, and reports the conflict the way the kernel expects to retry or dedupe it.
        const first = batches[0]!;
        const moved = batches.find((batch) => batch.assumed !== (this.revisionOf.get(batch.streamId) ?? 'no_stream')) ?? first;
        throw new ConcurrencyError(moved.streamId, moved.assumed, this.revisionOf.get(moved.streamId) ?? null);
      }
      throw error;
    }
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = sqliteErrorCode(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
