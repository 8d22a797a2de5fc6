import type { Direction, ReadAllFilter, RecordedEvent } from '@thidua/eventsourcing';
import { recordedFromJsonText, type StreamTip } from '@thidua/eventsourcing/driver';
import { sqlTypes, statementName, type PostgresConnection } from './schema';

/** Largest int8: "from the end" for a backwards read. */
const MAX_INT8 = '9223372036854775807';

/** One event row as selected (array row mode: no per-row key objects on the hot path). */
type EventRow = [bigint, string, bigint, string, string, number, string, string, number];

/**
 * Columns of {@link EventRow}, in order. recordedAt leaves the server as
 * epoch milliseconds, whatever the session's DateStyle or TimeZone.
 *
 * data and metadata stay jsonb, parsed row by row by the type parser. Measured
 * on a 10,000-event stream: selecting them as text is no faster (the server
 * prints jsonb the same way), and having the server build one JSON text per
 * page (json_agg, or string_agg of the rows) is slower at both ends: 15 to
 * 30 ms of server time per 1,000 rows instead of under 5, and one JSON.parse
 * of the 700 kB page took about 10 ms, the 2,000 small ones 2 to 4. Leaving
 * stream_id out of stream reads saved nothing measurable either.
 *
 * data and metadata leave as text and are parsed only when someone reads
 * them (see `recordedFromJsonText`): a fold never reads metadata, whose
 * decoding was about half the client-side time of reading a long stream,
 * and the registry validates each distinct payload text once per process
 * (see `EventRegistry.read`) instead of on every read.
 */
const COLUMNS =
  'position, stream_id, revision, event_id, type, schema_version, data::text, metadata::text, round(date_part(\'epoch\', recorded_at) * 1000)';

/** Events of one append share their recordedAt, so the last conversion is usually the next one too. */
let lastMs = Number.NaN;
let lastIso = '';
function isoOf(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

function toEvent(row: EventRow): RecordedEvent {
  return recordedFromJsonText(
    { id: row[3], streamId: row[1], revision: row[2], position: row[0], type: row[4], schemaVersion: row[5], recordedAt: isoOf(row[8]) },
    row[6],
    row[7],
  );
}

/** `LIKE` pattern matching every string that starts with `prefix`. */
function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The statement of one page of the log, `$1` the first position, `$2` the
 * page size, then the event types (`$3`) and the stream-name patterns (`$3`
 * or `$4`) when filtered.
 *
 * The filter is wrapped in `coalesce(..., false)` (the same rows: the
 * columns are never null) to hide its selectivity from the planner, which
 * then estimates that half the rows match, with or without statistics, and
 * keeps the ordered scan of the primary key that stops after `$2` matches.
 * Bare, on a table without statistics (right after a bulk import, before
 * ANALYZE or autovacuum), `type = ANY ($3)` or `stream_id LIKE ANY (...)` is
 * guessed to match a few hundred rows, and the custom plans of each pooled
 * connection's first runs were a bitmap scan of every later position and a
 * sort: 20 to 40 ms a page instead of about 1 on 100,000 events, and more
 * the longer the log. With statistics the ordered scan is what the planner
 * chose anyway, except for types almost absent from the log, where both
 * plans read the rest of it and the ordered scan is about 15% slower than a
 * sequential scan and sort.
 * Exported for the test that EXPLAINs it on an unanalysed table.
 */
export function readAllText(q: string, shape: { types: boolean; prefixes: boolean }): string {
  const filters: string[] = [];
  if (shape.types) filters.push('type = ANY ($3::text[])');
  if (shape.prefixes) filters.push(`stream_id LIKE ANY ($${shape.types ? 4 : 3}::text[])`);
  const filter = filters.length > 0 ? ` AND coalesce(${filters.join(' AND ')}, false)` : '';
  return `SELECT ${COLUMNS} FROM ${q}.events WHERE position >= $1${filter} ORDER BY position LIMIT $2`;
}

/** Pages read ahead at most at once (about one per reader going through a long stream or the log). */
const MAX_READ_AHEAD = 4;

type StreamPageOptions = { fromRevision: bigint | undefined; maxCount: number; direction: Direction };
type AllPageOptions = { fromPosition: bigint | undefined; maxCount: number; filter: ReadAllFilter | undefined };

/**
 * The read side of the event store: every read is one prepared statement and
 * one round-trip, and decodes with the store's own type parsers.
 *
 * After a full page it starts reading the next one, so that the server works
 * on page n + 1 while the caller (a rebuild, a catching-up subscription, a
 * long stream being loaded) handles page n. A page read ahead is used only if
 * it is full and exactly the one asked for: revisions never change, and
 * positions are dense and granted in commit order, so the first `maxCount`
 * events from a revision or position never change once visible, and a full
 * page is what a fresh read would return.
 */
export class EventReader {
  private readonly q: string;
  private readonly name: (operation: string) => string;
  private readonly ahead = new Map<string, Promise<RecordedEvent[]>>();
  private closed = false;

  constructor(private readonly connection: PostgresConnection) {
    this.q = connection.q;
    this.name = (operation) => statementName(connection.schema, operation);
  }

  async readStreamPage(streamId: string, options: StreamPageOptions): Promise<RecordedEvent[]> {
    const key = (o: StreamPageOptions) => JSON.stringify(['stream', streamId, o.fromRevision?.toString() ?? '', o.maxCount, o.direction]);
    return this.withReadAhead(key, options, (o) => this.queryStreamPage(streamId, o), (last) => {
      const next = options.direction === 'forwards' ? last.revision + 1n : last.revision - 1n;
      return next < 0n ? null : { ...options, fromRevision: next };
    });
  }

  async readAllPage(options: AllPageOptions): Promise<RecordedEvent[]> {
    const key = (o: AllPageOptions) => {
      const { streamPrefixes = [], eventTypes = [] } = o.filter ?? {};
      return JSON.stringify(['all', o.fromPosition?.toString() ?? '', o.maxCount, streamPrefixes, eventTypes]);
    };
    return this.withReadAhead(key, options, (o) => this.queryAllPage(o), (last) => ({ ...options, fromPosition: last.position + 1n }));
  }

  /** Waits for pages still being read ahead, so that the pool can end cleanly. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.ahead.values()];
    this.ahead.clear();
    await Promise.all(pending.map((page) => page.catch(() => undefined)));
  }

  private async withReadAhead<O extends { maxCount: number }>(
    key: (options: O) => string,
    options: O,
    read: (options: O) => Promise<RecordedEvent[]>,
    after: (last: RecordedEvent) => O | null,
  ): Promise<RecordedEvent[]> {
    const wanted = key(options);
    const early = this.ahead.get(wanted);
    this.ahead.delete(wanted);
    const ready = early ? await early.catch(() => null) : null;
    const page = ready && ready.length === options.maxCount ? ready : await read(options);
    const last = page[page.length - 1];
    const next = last && page.length === options.maxCount && !this.closed ? after(last) : null;
    if (next) {
      const reading = read(next);
      reading.catch(() => undefined);
      this.ahead.set(key(next), reading);
      // Readers that stopped early leave their page behind: keep only the latest few.
      for (const stale of this.ahead.keys()) {
        if (this.ahead.size <= MAX_READ_AHEAD) break;
        this.ahead.delete(stale);
      }
    }
    return page;
  }

  private async queryStreamPage(streamId: string, options: StreamPageOptions): Promise<RecordedEvent[]> {
    const forwards = options.direction === 'forwards';
    const from = options.fromRevision?.toString() ?? (forwards ? '0' : MAX_INT8);
    const text = forwards
      ? `SELECT ${COLUMNS} FROM ${this.q}.events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`
      : `SELECT ${COLUMNS} FROM ${this.q}.events WHERE stream_id = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`;
    const result = await this.connection.pool.query<EventRow>({
      name: this.name(forwards ? 'read_stream_fw' : 'read_stream_bw'),
      text,
      values: [streamId, from, options.maxCount],
      types: sqlTypes,
      rowMode: 'array',
    });
    return result.rows.map(toEvent);
  }

  /**
   * Events at `position >= fromPosition`, ascending. Safe without further
   * checks because positions are granted in commit order (see `append.ts`):
   * any position this snapshot sees has every predecessor committed.
   */
  private async queryAllPage(options: AllPageOptions): Promise<RecordedEvent[]> {
    const types = options.filter?.eventTypes?.length ? options.filter.eventTypes : null;
    const prefixes = options.filter?.streamPrefixes?.length ? options.filter.streamPrefixes.map(prefixPattern) : null;
    const values: unknown[] = [(options.fromPosition ?? 1n).toString(), options.maxCount];
    if (types) values.push(types);
    if (prefixes) values.push(prefixes);
    const shape = { types: types !== null, prefixes: prefixes !== null };
    const result = await this.connection.pool.query<EventRow>({
      // One prepared statement per filter shape, so each gets a plan that fits it.
      name: this.name(`read_all_${shape.types ? 't' : ''}${shape.prefixes ? 'p' : ''}`),
      text: readAllText(this.q, shape),
      values,
      types: sqlTypes,
      rowMode: 'array',
    });
    return result.rows.map(toEvent);
  }

  async readTip(streamId: string): Promise<StreamTip> {
    const result = await this.connection.pool.query<[bigint, string]>({
      name: this.name('read_tip'),
      text: `SELECT revision, hash FROM ${this.q}.streams WHERE stream_id = $1`,
      values: [streamId],
      types: sqlTypes,
      rowMode: 'array',
    });
    const row = result.rows[0];
    return row ? { revision: row[0], hash: row[1] } : { revision: null, hash: null };
  }

  async streamRevision(streamId: string): Promise<bigint | null> {
    return (await this.readTip(streamId)).revision;
  }

  /**
   * The log head. The counter row commits with the events it numbers, and
   * positions are granted in commit order, so every position up to it is
   * visible to any later read.
   */
  async headPosition(): Promise<bigint | null> {
    const result = await this.connection.pool.query<[bigint]>({
      name: this.name('head'),
      text: `SELECT last_position FROM ${this.q}.log_head`,
      types: sqlTypes,
      rowMode: 'array',
    });
    const head = result.rows[0]?.[0] ?? 0n;
    return head === 0n ? null : head;
  }
}
