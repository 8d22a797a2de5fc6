import Database from 'better-sqlite3';
import { sealEvents } from '@thidua/eventsourcing';
import type { StreamTip } from '@thidua/eventsourcing/driver';
import { EventAppender } from './append';
import { ensureSchema } from './schema';

describe('EventAppender', () => {
  let db: Database.Database;
  let appender: EventAppender;
  const clock = () => new Date('2013-12-20T08:30:15.042+07:00');
  const count = () => db.prepare('SELECT COUNT(*) FROM thidua_events').pluck().get();
  const seal = (streamId: string, n: number) => (tip: StreamTip) =>
    sealEvents(streamId, tip, Array.from({ length: n }, (_, i) => ({ id: `e-${streamId}-${String(tip.revision)}-${i}`, type: 'Tested', schemaVersion: 1, data: { i }, metadata: {} })));

  beforeEach(() => {
    db = new Database(':memory:');
    ensureSchema(db);
    appender = new EventAppender(db, clock);
  });
  afterEach(() => db.close());

  it('records positions from the rowid and recordedAt from the store clock, with milliseconds', () => {
    const first = appender.append('a', seal('a', 2));
    const second = appender.append('b', seal('b', 1));
    expect([...first, ...second].map((e) => [e.streamId, e.revision, e.position])).toEqual([
      ['a', 0n, 1n],
      ['a', 1n, 2n],
      ['b', 0n, 3n],
    ]);
    expect(first[0]!.recordedAt).toBe('2013-12-20T01:30:15.042Z');
    expect(first[1]!.metadata.prevHash).toBe(first[0]!.metadata.hash);
  });

  it('writes a group of appends in one transaction, each in its own savepoint: a refused one fails alone', () => {
    appender.append('taken', seal('taken', 1));
    const refuse = () => {
      throw new Error('expected revision does not hold');
    };
    const reused = (tip: StreamTip) => sealEvents('d', tip, [{ id: 'e-taken-null-0', type: 'Tested', schemaVersion: 1, data: {}, metadata: {} }]);
    const outcomes = appender.appendGroup([
      [{ streamId: 'a', seal: seal('a', 2) }],
      [{ streamId: 'b', seal: refuse }],
      [{ streamId: 'c', seal: seal('c', 1) }, { streamId: 'a', seal: seal('a', 1) }],
      [{ streamId: 'd', seal: reused }],
    ]);
    expect(outcomes.map((o) => (o.recorded ? o.recorded.flat().map((e) => `${e.streamId}@${e.revision}#${e.position}`) : (o.error as Error).name))).toEqual([
      ['a@0#2', 'a@1#3'],
      'Error',
      ['c@0#4', 'a@2#5'],
      'DuplicateEventIdError',
    ]);
    expect((outcomes[3]!.error as { existing?: unknown }).existing).toEqual({ streamId: 'taken', revision: 0n });
    // Nothing of the refused appends, positions dense.
    expect(db.prepare('SELECT stream_id, revision, rowid FROM thidua_events ORDER BY rowid').raw().all()).toEqual([
      ['taken', 0, 1],
      ['a', 0, 2],
      ['a', 1, 3],
      ['c', 0, 4],
      ['a', 2, 5],
    ]);
    expect(db.inTransaction).toBe(false);
  });

  it('has a unique (stream_id, revision) constraint that refuses a second event at a taken revision', () => {
    appender.append('a', seal('a', 1));
    expect(() =>
      db
        .prepare(
          `INSERT INTO thidua_events (stream_id, revision, id, type, schema_version, data, metadata, recorded_at)
           VALUES ('a', 0, 'other', 'Tested', 1, '{}', '{}', '2013-01-01T00:00:00.000Z')`,
        )
        .run(),
    ).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_UNIQUE' }));
  });

  it('turns a collision on that constraint into a ConcurrencyError with the actual revision, writing nothing', () => {
    appender.append('a', seal('a', 2));
    // A sealer that ignores the tip, as a writer that read a stale tip would: the constraint is the last line of defence.
    const stale = (_tip: StreamTip) => sealEvents('a', { revision: 0n, hash: null }, [{ id: 'x', type: 'Tested', schemaVersion: 1, data: {}, metadata: {} }]);
    expect(() => appender.append('a', stale)).toThrow(expect.objectContaining({ code: 'concurrency', streamId: 'a', expected: 0n, actual: 1n }));
    const fromScratch = (_tip: StreamTip) => sealEvents('a', { revision: null, hash: null }, [{ id: 'y', type: 'Tested', schemaVersion: 1, data: {}, metadata: {} }]);
    expect(() => appender.append('a', fromScratch)).toThrow(expect.objectContaining({ code: 'concurrency', expected: 'no_stream', actual: 1n }));
    expect(count()).toBe(2);
  });

  it('rolls back every row of an append whose later event cannot be written', () => {
    const bad = (tip: StreamTip) => {
      const sealed = seal('a', 3)(tip);
      // A payload JSON.stringify refuses, on the third event, after two rows went in.
      sealed[2] = { ...sealed[2]!, data: { n: 10n } };
      return sealed;
    };
    expect(() => appender.append('a', bad)).toThrow(TypeError);
    expect(count()).toBe(0);
    expect(appender.append('a', seal('a', 1))[0]!.position).toBe(1n);
  });
});
