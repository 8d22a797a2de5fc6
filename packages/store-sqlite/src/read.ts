import type Database from 'better-sqlite3';
import type { Direction, EventMetadata, ReadAllFilter, RecordedEvent } from '@thidua/eventsourcing';

/** The columns of an event row, in the order every read selects them. */
export const EVENT_COLUMNS = 'position, stream_id, revision, id, type, schema_version, data, metadata, recorded_at';

/** An event row as read in raw mode (arrays, not objects: less work per row). */
export type EventRow = [
  position: bigint,
  streamId: string,
  revision: bigint,
  id: string,
  type: string,
  schemaVersion: bigint,
  data: string,
  metadata: string,
  recordedAt: string,
];

const MAX_INT64 = 9_223_372_036_854_775_807n;
/**
 * Above this many event types a type filter is always tested row by row
 * along the position order (SQLite caps compound selects at 500 terms, and
 * that many types match most events anyway).
 */
const MAX_MERGED_TYPES = 32;
/**
 * Share of positions a type filter must match for a walk of the rowid to
 * beat one index walk per type. Measured on 200 000 events: at 5 % the walk
 * per type is ~1.7× faster, at 25 % they are even, at 100 % the rowid walk is
 * ~1.4× faster.
 */
const SCAN_ABOVE_DENSITY = 0.25;
/** Filters whose density is remembered; a projection or subscription reuses one filter for a whole run. */
const MAX_REMEMBERED_FILTERS = 256;
/** Compares greater than any TEXT in SQLite: the open upper bound of a prefix range. */
const ABOVE_ALL_TEXT = Buffer.from([0xff]);

/** Builds the envelope from a row; payloads are parsed fresh, so callers own what they get. */
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row[3],
    streamId: row[1],
    revision: row[2],
    position: row[0],
    type: row[4],
    schemaVersion: Number(row[5]),
    data: JSON.parse(row[6]) as unknown,
    metadata: JSON.parse(row[7]) as EventMetadata,
    recordedAt: row[8],
  };
}

/**
 * The smallest string greater than every string that starts with `prefix`
 * (in SQLite's BINARY order, which is code-point order for UTF-8), or `null`
 * when there is none. `stream_id >= prefix AND stream_id < upper` is then an
 * exact, index-friendly prefix test with no LIKE escaping.
 */
export function prefixUpperBound(prefix: string): string | null {
  const codePoints = Array.from(prefix, (char) => char.codePointAt(0)!);
  while (codePoints.length > 0) {
    const last = codePoints.pop()!;
    if (last < 0x10ffff) {
      // Skip the surrogate range, which is not a valid code point in UTF-8.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return String.fromCodePoint(...codePoints, next);
    }
  }
  return null;
}

/** The exclusive upper bound of the prefix range `[prefix, end)`, bindable as a parameter. */
export function prefixRangeEnd(prefix: string): string | Buffer {
  return prefixUpperBound(prefix) ?? ABOVE_ALL_TEXT;
}

type Statement = Database.Statement<unknown[], EventRow>;

/**
 * How a filtered page is read: `merge` walks the (type, position) index once
 * per type and merges by position; `scan` walks the rowid from `from` and
 * tests each row. See {@link readAllSql}.
 */
export type ReadAllStrategy = 'merge' | 'scan';

interface FilterPlan {
  statement: Statement;
  /** Named parameters besides `from` and `limit`. */
  params: Record<string, string | Buffer>;
  strategy: ReadAllStrategy;
  /** Identifies the filter, to remember how dense its matches are. */
  signature: string;
}

/**
 * The read side of the event table. Statements are prepared once per
 * connection; a filtered `readAll` page is one statement whose shape depends
 * only on how many prefixes and types the filter has, cached by that shape.
 */
export class EventReads {
  private readonly streamForwards: Statement;
  private readonly streamBackwards: Statement;
  private readonly revisionOf: Database.Statement<[string], bigint | null>;
  private readonly head: Database.Statement<[], bigint | null>;
  private readonly allPages = new Map<string, Statement>();
  /** Per type filter: whether its last page was dense enough to read by scanning (see SCAN_ABOVE_DENSITY). */
  private readonly denseFilters = new Map<string, boolean>();

  constructor(private readonly db: Database.Database) {
    const rows = (sql: string): Statement => db.prepare<unknown[], EventRow>(sql).raw(true).safeIntegers(true);
    this.streamForwards = rows(
      `SELECT ${EVENT_COLUMNS} FROM thidua_events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
    );
    this.streamBackwards = rows(
      `SELECT ${EVENT_COLUMNS} FROM thidua_events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
    );
    this.revisionOf = db
      .prepare<[string], bigint | null>('SELECT MAX(revision) FROM thidua_events WHERE stream_id = ?')
      .pluck(true)
      .safeIntegers(true);
    this.head = db.prepare<[], bigint | null>('SELECT MAX(position) FROM thidua_events').pluck(true).safeIntegers(true);
  }

  streamPage(
    streamId: string,
    options: { fromRevision: bigint | undefined; maxCount: number; direction: Direction },
  ): RecordedEvent[] {
    const limit = sqlLimit(options.maxCount);
    const rows =
      options.direction === 'forwards'
        ? this.streamForwards.all(streamId, options.fromRevision ?? 0n, limit)
        : this.streamBackwards.all(streamId, options.fromRevision ?? MAX_INT64, limit);
    return rows.map(toRecordedEvent);
  }

  /**
   * One page of `$all`. A type filter starts with the per-type index walks,
   * which cost about the page whatever the types' share of the log, and
   * switches to the rowid walk for its next pages once a page shows the
   * types are common (a rebuild of a projection that handles most types).
   */
  allPage(options: { fromPosition: bigint | undefined; maxCount: number; filter: ReadAllFilter | undefined }): RecordedEvent[] {
    const { statement, params, signature } = this.plan(options.filter);
    const rows = statement.all({ ...params, from: options.fromPosition ?? 0n, limit: sqlLimit(options.maxCount) });
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (signature !== '' && first && last && rows.length > 1) {
      const density = rows.length / Number(last[0] - first[0] + 1n);
      if (this.denseFilters.size >= MAX_REMEMBERED_FILTERS) this.denseFilters.clear();
      this.denseFilters.set(signature, density >= SCAN_ABOVE_DENSITY);
    }
    return rows.map(toRecordedEvent);
  }

  streamRevision(streamId: string): bigint | null {
    return this.revisionOf.get(streamId) ?? null;
  }

  headPosition(): bigint | null {
    return this.head.get() ?? null;
  }

  /**
   * The last position SQLite handed out (the AUTOINCREMENT counter in
   * sqlite_sequence), `null` before the first event: what the store itself
   * records of its log head, whatever rows were deleted since.
   */
  recordedHead(): bigint | null {
    const seq = this.db
      .prepare<[], bigint>("SELECT seq FROM sqlite_sequence WHERE name = 'thidua_events'")
      .pluck()
      .safeIntegers(true)
      .get();
    return seq ?? null;
  }

  /** The statement and parameters for one filter (exposed for query-plan tests). */
  plan(filter: ReadAllFilter | undefined, strategy?: ReadAllStrategy): FilterPlan {
    const types = [...new Set(filter?.eventTypes ?? [])];
    const rawPrefixes = [...new Set(filter?.streamPrefixes ?? [])];
    // An empty prefix matches every stream, which makes the whole prefix criterion moot.
    const prefixes = rawPrefixes.includes('') ? [] : rawPrefixes;
    const params: Record<string, string | Buffer> = {};
    prefixes.forEach((prefix, i) => {
      params[`lo${i}`] = prefix;
      params[`hi${i}`] = prefixRangeEnd(prefix);
    });
    types.forEach((type, i) => {
      params[`t${i}`] = type;
    });
    const signature = types.length === 0 ? '' : JSON.stringify([types, prefixes]);
    const chosen: ReadAllStrategy =
      strategy ?? (types.length === 0 || types.length > MAX_MERGED_TYPES || this.denseFilters.get(signature) === true ? 'scan' : 'merge');
    const key = `${prefixes.length}:${types.length}:${chosen}`;
    let statement = this.allPages.get(key);
    if (!statement) {
      statement = this.db
        .prepare<unknown[], EventRow>(readAllSql(prefixes.length, types.length, chosen))
        .raw(true)
        .safeIntegers(true);
      this.allPages.set(key, statement);
    }
    return { statement, params, strategy: chosen, signature };
  }
}

/**
 * SQL for one `readAll` page. Left alone, the planner answers a type filter
 * by collecting every matching row past `from` and sorting it, for every
 * page: quadratic over a rebuild. So the plan is fixed by hand:
 * - `merge` (types only): one walk of the (type, position) index per type,
 *   merged by position (`UNION ALL … ORDER BY position` is a lazy merge), so a
 *   page reads about `limit` rows however rare the types are;
 * - `scan`: a walk of the rowid from `from`, testing each row (`+col` keeps
 *   the planner off the secondary indexes, whose order is not position).
 */
export function readAllSql(prefixCount: number, typeCount: number, strategy: ReadAllStrategy): string {
  const merged = strategy === 'merge' && typeCount > 0;
  const column = (name: string) => (merged ? name : `+${name}`);
  const prefixTest =
    prefixCount === 0
      ? ''
      : ` AND (${Array.from({ length: prefixCount }, (_, i) => `(${column('stream_id')} >= @lo${i} AND ${column('stream_id')} < @hi${i})`).join(' OR ')})`;
  if (merged) {
    const arms = Array.from(
      { length: typeCount },
      (_, i) =>
        `SELECT ${EVENT_COLUMNS} FROM thidua_events INDEXED BY thidua_events_type_position WHERE type = @t${i} AND position >= @from${prefixTest}`,
    );
    return `${arms.join(' UNION ALL ')} ORDER BY position LIMIT @limit`;
  }
  const typeTest =
    typeCount === 0 ? '' : ` AND +type IN (${Array.from({ length: typeCount }, (_, i) => `@t${i}`).join(', ')})`;
  return `SELECT ${EVENT_COLUMNS} FROM thidua_events WHERE position >= @from${prefixTest}${typeTest} ORDER BY position LIMIT @limit`;
}

/** SQLite reads a negative LIMIT as "no limit": clamp, and map an unbounded count to exactly that. */
function sqlLimit(maxCount: number): number {
  if (!Number.isFinite(maxCount)) return maxCount > 0 ? -1 : 0;
  return Math.max(0, Math.trunc(maxCount));
}
