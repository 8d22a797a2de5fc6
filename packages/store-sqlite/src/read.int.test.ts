import Database from 'better-sqlite3';
import type { ReadAllFilter } from '@thidua/eventsourcing';
import { matchesFilter } from '@thidua/eventsourcing/driver';
import { EventReads, prefixUpperBound, readAllSql, toRecordedEvent, type ReadAllStrategy } from './read';
import { createSqliteEventStore } from '.';

describe('prefixUpperBound', () => {
  it('gives the next string in code-point order, carrying past the last code point', () => {
    expect(prefixUpperBound('bloc-')).toBe('bloc.');
    expect(prefixUpperBound('pledge-c1.u')).toBe('pledge-c1.v');
    expect(prefixUpperBound('a\u{10FFFF}')).toBe('b');
    expect(prefixUpperBound('khối')).toBe('khốj');
    expect(prefixUpperBound('x\uD7FF')).toBe('x\uE000');
    expect(prefixUpperBound('\u{10FFFF}\u{10FFFF}')).toBeNull();
    expect(prefixUpperBound('')).toBeNull();
  });
});

describe('EventReads', () => {
  let db: Database.Database;
  let reads: EventReads;
  const streams = ['bloc-1', 'bloc-10', 'bloc-1x', 'bloc-1\u{10FFFF}z', 'blocks', 'bloc_1', 'bloc%1', 'Bloc-1', 'bloc-2', 'bloc-', 'khối-1', 'khối', '\u{10FFFF}a'];
  const types = ['A', 'B', 'C'];

  beforeAll(async () => {
    db = new Database(':memory:');
    const store = createSqliteEventStore({ database: db });
    let n = 0;
    for (const stream of streams) {
      for (let k = 0; k < 3; k += 1) await store.appendToStream(stream, [{ type: types[(n += 1) % 3]!, data: { n } }]);
    }
    await store.close();
    reads = new EventReads(db);
  });
  afterAll(() => db.close());

  const everything = () => reads.allPage({ fromPosition: undefined, maxCount: 10_000, filter: undefined });
  const run = (filter: ReadAllFilter, strategy: ReadAllStrategy, from = 0n, limit = -1) => {
    const { statement, params } = reads.plan(filter, strategy);
    return statement.all({ ...params, from, limit }).map(toRecordedEvent);
  };

  it('filters in SQL exactly as matchesFilter does, with either strategy', () => {
    const all = everything();
    expect(all).toHaveLength(streams.length * 3);
    const filters: ReadAllFilter[] = [
      { streamPrefixes: ['bloc-1'] },
      { streamPrefixes: ['bloc_'] },
      { streamPrefixes: ['bloc%'] },
      { streamPrefixes: ['bloc-1\u{10FFFF}'] },
      { streamPrefixes: ['\u{10FFFF}'] },
      { streamPrefixes: ['khối'] },
      { streamPrefixes: ['bloc-', 'khối-'] },
      { streamPrefixes: ['', 'bloc-2'] },
      { eventTypes: ['A'] },
      { eventTypes: ['A', 'C', 'A'] },
      { eventTypes: ['missing'] },
      { streamPrefixes: ['bloc-1'], eventTypes: ['B', 'C'] },
      { streamPrefixes: [], eventTypes: [] },
    ];
    for (const filter of filters) {
      const expected = all.filter((e) => matchesFilter(e, filter)).map((e) => e.position);
      for (const strategy of ['merge', 'scan'] as const) {
        expect({ filter, strategy, positions: run(filter, strategy).map((e) => e.position) }).toEqual({ filter, strategy, positions: expected });
      }
    }
  });

  it('pages from an inclusive position with a limit, in position order, with either strategy', () => {
    const filter = { eventTypes: ['B', 'C'] };
    const expected = everything().filter((e) => matchesFilter(e, filter));
    const from = expected[3]!.position;
    for (const strategy of ['merge', 'scan'] as const) {
      expect(run(filter, strategy, from, 4).map((e) => e.position)).toEqual(expected.slice(3, 7).map((e) => e.position));
    }
  });

  it('never sorts a page: every plan walks an index in position order', () => {
    const plan = (sql: string, params: Record<string, unknown> = {}) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail).join('\n');
    for (const prefixes of [0, 1, 3]) {
      for (const typeCount of [0, 1, 4]) {
        for (const strategy of ['merge', 'scan'] as const) {
          const params: Record<string, unknown> = { from: 1, limit: 10 };
          for (let i = 0; i < prefixes; i += 1) Object.assign(params, { [`lo${i}`]: 'a', [`hi${i}`]: 'b' });
          for (let i = 0; i < typeCount; i += 1) params[`t${i}`] = 'A';
          const detail = plan(readAllSql(prefixes, typeCount, strategy), params);
          expect(detail).not.toMatch(/TEMP B-TREE/);
          if (strategy === 'merge' && typeCount > 0) expect(detail).toMatch(/USING INDEX thidua_events_type_position \(type=\? AND position>\?\)/);
          else expect(detail).toMatch(/USING INTEGER PRIMARY KEY \(rowid>\?\)/);
        }
      }
    }
    expect(plan("SELECT * FROM thidua_events WHERE stream_id = 'x' AND revision >= 0 ORDER BY revision LIMIT 5")).toMatch(
      /USING INDEX sqlite_autoindex_thidua_events_1 \(stream_id=\? AND revision>\?\)/,
    );
  });

  it('switches a type filter to the rowid walk once its pages show it is common, and back when it is rare', () => {
    const common = { eventTypes: ['A', 'B', 'C'] };
    expect(reads.plan(common).strategy).toBe('merge');
    reads.allPage({ fromPosition: undefined, maxCount: 10, filter: common });
    expect(reads.plan(common).strategy).toBe('scan');

    // bloc-1… holds positions 1–12 and khối… 31–36: dense at first, then a page spanning the gap is sparse.
    const patchy = { eventTypes: ['A', 'B', 'C'], streamPrefixes: ['bloc-1', 'khối'] };
    expect(reads.allPage({ fromPosition: undefined, maxCount: 3, filter: patchy }).map((e) => e.position)).toEqual([1n, 2n, 3n]);
    expect(reads.plan(patchy).strategy).toBe('scan');
    expect(reads.allPage({ fromPosition: 12n, maxCount: 2, filter: patchy }).map((e) => e.position)).toEqual([12n, 31n]);
    expect(reads.plan(patchy).strategy).toBe('merge');
  });
});

describe('integers', () => {
  it('keeps positions and revisions beyond 2^53 exact', async () => {
    const db = new Database(':memory:');
    const store = createSqliteEventStore({ database: db });
    const far = 2n ** 60n;
    // Rows placed by hand: no thidua writer gets there, but a bigint must survive whatever the file holds.
    db.prepare(
      `INSERT INTO thidua_events (position, stream_id, revision, id, type, schema_version, data, metadata, recorded_at)
       VALUES (?, 'big', ?, 'x', 'Tested', 1, '{}', '{"prevHash":null,"hash":"h"}', '2013-01-01T00:00:00.000Z')`,
    ).run(far, 2n ** 55n + 1n);
    const appended = await store.appendToStream('big', [{ type: 'Tested', data: {} }]);
    expect(appended.position).toBe(far + 1n);
    expect(appended.nextExpectedRevision).toBe(2n ** 55n + 2n);
    expect(await store.headPosition()).toBe(far + 1n);
    expect(await store.streamRevision('big')).toBe(2n ** 55n + 2n);
    const page = await store.readAllPage({ fromPosition: far + 1n, maxCount: 10 });
    expect(page.map((e) => [e.position, e.revision])).toEqual([[far + 1n, 2n ** 55n + 2n]]);
    await store.close();
    db.close();
  });
});
