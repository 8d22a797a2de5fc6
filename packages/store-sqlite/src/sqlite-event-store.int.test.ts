import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { isTransientStoreError, StoreUnavailableError, verifyChains, type EventStore, type RecordedEvent } from '@thidua/eventsourcing';
import { tempDatabasePath } from './__fixtures__/sqlite-target';
import { openSqliteConnection, sqliteFilename } from './connection';
import { createSqliteEventStore, createSqliteProjectionLeases, createSqliteProjectionStore } from '.';

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

/**
 * Subscribes to an empty store; `caughtUp` resolves once it has read
 * everything and gone to sleep, `event` with the first event it delivers.
 * Its own poll is an hour, so only an append notification can wake it.
 */
function firstEventSeenBy(store: EventStore): { caughtUp: Promise<void>; event: Promise<RecordedEvent>; stop(): Promise<void> } {
  let caughtUp!: () => void;
  const ready = new Promise<void>((resolve) => (caughtUp = resolve));
  let received!: (event: RecordedEvent) => void;
  const event = new Promise<RecordedEvent>((resolve) => (received = resolve));
  const subscription = store.subscribeToAll({
    pollIntervalMs: 3_600_000,
    onEvent: (e) => received(e),
    onCaughtUp: () => caughtUp(),
  });
  return { caughtUp: ready, event, stop: () => subscription.stop() };
}

describe('SQLite event store', () => {
  let file: ReturnType<typeof tempDatabasePath>;
  /** Closed after each test even when it fails, so a failure never leaves a timer or a connection behind. */
  const cleanups: (() => Promise<void>)[] = [];
  const track = <S extends { close(): Promise<void> }>(store: S): S => {
    cleanups.push(() => store.close());
    return store;
  };
  const watch = (store: EventStore) => {
    const seen = firstEventSeenBy(store);
    cleanups.push(() => seen.stop());
    return seen;
  };
  beforeEach(() => {
    file = tempDatabasePath();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    file.remove();
  });

  describe('appends of one turn of the event loop', () => {
    it('commit together, each still all or nothing: a refused one fails alone and appends nothing', async () => {
      const file = tempDatabasePath();
      const store = createSqliteEventStore({ database: `sqlite:${file.path}` });
      try {
        await store.appendToStream('s-0', [{ type: 'Tested', data: {} }]);
        const outcomes = await Promise.allSettled([
          store.appendToStream('s-1', [{ type: 'Tested', data: { n: 1 } }, { type: 'Tested', data: { n: 2 } }], { expectedRevision: 'no_stream' }),
          store.appendToStream('s-0', [{ type: 'Tested', data: {} }], { expectedRevision: 'no_stream' }),
          store.appendToStream('s-2', [{ type: 'Tested', data: { n: 3 } }], { expectedRevision: 'no_stream' }),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'concurrency', streamId: 's-0' });
        const log = await collect(store.readAll());
        expect(log.map((e) => [e.streamId, e.position])).toEqual([['s-0', 1n], ['s-1', 2n], ['s-1', 3n], ['s-2', 4n]]);
      } finally {
        await store.close();
        file.remove();
      }
    });

    it('are written before the store closes', async () => {
      const file = tempDatabasePath();
      const store = createSqliteEventStore({ database: `sqlite:${file.path}` });
      const pending = store.appendToStream('s', [{ type: 'Tested', data: {} }]);
      await store.close();
      await expect(pending).resolves.toMatchObject({ position: 1n });
      const reopened = createSqliteEventStore({ database: `sqlite:${file.path}` });
      expect(await reopened.headPosition()).toBe(1n);
      await reopened.close();
      file.remove();
    });
  });

  describe('location', () => {
    it('takes sqlite:<path> and a plain path to the same file', async () => {
      const viaUrl = createSqliteEventStore({ database: `sqlite:${file.path}` });
      await viaUrl.appendToStream('bloc-tn', [{ type: 'Tested', data: { n: 1 } }]);
      await viaUrl.close();
      const viaPath = createSqliteEventStore({ database: file.path });
      expect(await viaPath.streamRevision('bloc-tn')).toBe(0n);
      expect(viaPath.capabilities).toEqual({ densePositions: true, concurrentWriters: false, durable: true, uniqueEventIds: true, multiStreamAppend: true, bookkeeping: true, storedAnchors: true });
      await viaPath.close();
    });

    it('keeps :memory: stores apart and declares them not durable', async () => {
      const one = createSqliteEventStore({ database: ':memory:' });
      const two = createSqliteEventStore({ database: 'sqlite::memory:' });
      await one.appendToStream('s', [{ type: 'Tested', data: {} }]);
      expect(one.capabilities.durable).toBe(false);
      expect(await two.headPosition()).toBeNull();
      await Promise.all([one.close(), two.close()]);
    });

    it('refuses a file that cannot be opened with a lasting store_unavailable naming it', () => {
      const notADatabase = `${file.path}.txt`;
      writeFileSync(notADatabase, 'thi đua khen thưởng — not a database, but long enough to have a header\n'.repeat(20));
      const unopenable = [join(file.path, 'missing-folder', 'thidua.db'), dirname(file.path), notADatabase];
      for (const location of unopenable) {
        for (const open of [createSqliteEventStore, createSqliteProjectionStore, createSqliteProjectionLeases]) {
          let failure: unknown;
          try {
            open({ database: `sqlite:${location}` });
          } catch (error) {
            failure = error;
          }
          expect(failure).toBeInstanceOf(StoreUnavailableError);
          expect(failure).toMatchObject({ code: 'store_unavailable', transient: false, store: `sqlite:${location}` });
          expect(isTransientStoreError(failure)).toBe(false);
        }
      }
    });

    it('reports a write lock held past the busy timeout as a transient store_unavailable, writing nothing', async () => {
      const store = track(createSqliteEventStore({ database: file.path, busyTimeoutMs: 10 }));
      const projections = track(createSqliteProjectionStore({ database: file.path, busyTimeoutMs: 10 }));
      const leases = track(createSqliteProjectionLeases({ database: file.path, busyTimeoutMs: 10 }));
      const other = new Database(file.path);
      try {
        other.exec('BEGIN IMMEDIATE');
        const refusals = await Promise.all([
          store.appendToStream('s', [{ type: 'Tested', data: {} }]).catch((error: unknown) => error),
          projections.commit('p', { version: 1, expectedCheckpoint: null, checkpoint: 1n, changes: new Map() }).catch((error: unknown) => error),
          leases.tryAcquire('p', 'me', 1_000).catch((error: unknown) => error),
        ]);
        for (const refusal of refusals) {
          expect(refusal).toMatchObject({ code: 'store_unavailable', transient: true, store: `sqlite:${file.path}` });
          expect(isTransientStoreError(refusal)).toBe(true);
        }
        other.exec('ROLLBACK');
        expect(await store.headPosition()).toBeNull();
        expect(await projections.getState('p')).toBeNull();
        expect(await leases.holder('p')).toBeNull();
        expect((await store.appendToStream('s', [{ type: 'Tested', data: {} }])).position).toBe(1n);
      } finally {
        other.close();
      }
    });

    it('reads locations as the CLI does, refusing an empty one with validation_failed', () => {
      expect(() => sqliteFilename('sqlite:')).toThrow(expect.objectContaining({ code: 'validation_failed' }));
      expect(() => sqliteFilename('sqlite://')).toThrow(expect.objectContaining({ code: 'validation_failed' }));
      expect(sqliteFilename('sqlite:./thidua.db')).toBe('./thidua.db');
      expect(sqliteFilename('SQLite:///var/lib/thidua.db')).toBe('/var/lib/thidua.db');
      expect(sqliteFilename('sqlite::memory:')).toBe(':memory:');
      expect(sqliteFilename('/var/lib/thidua.db')).toBe('/var/lib/thidua.db');
    });
  });

  describe('durability settings of the connections it opens', () => {
    const pragmas = (db: Database.Database) => ({
      journal: db.pragma('journal_mode', { simple: true }),
      synchronous: db.pragma('synchronous', { simple: true }),
      busyTimeout: db.pragma('busy_timeout', { simple: true }),
    });

    it('uses WAL with synchronous = FULL and a 5 s busy timeout by default', () => {
      const connection = openSqliteConnection({ database: file.path });
      expect(pragmas(connection.db)).toEqual({ journal: 'wal', synchronous: 2, busyTimeout: 5_000 });
      connection.release();
      expect(connection.db.open).toBe(false);
    });

    it('takes synchronous = NORMAL and another busy timeout when asked', () => {
      const connection = openSqliteConnection({ database: file.path, synchronous: 'normal', busyTimeoutMs: 250 });
      expect(pragmas(connection.db)).toEqual({ journal: 'wal', synchronous: 1, busyTimeout: 250 });
      connection.release();
    });
  });

  describe('embedded in a host that owns the Database', () => {
    let db: Database.Database;
    beforeEach(() => {
      db = new Database(file.path);
      db.pragma('synchronous = OFF');
      // First in, so last out: the stores on it close before it does.
      cleanups.push(async () => {
        if (db.open) db.close();
      });
    });

    it('leaves the connection open, its settings and integer mode untouched, on close', async () => {
      const store = createSqliteEventStore({ database: db });
      await store.appendToStream('s', [{ type: 'Tested', data: { n: 1 } }]);
      await store.close();
      expect(db.open).toBe(true);
      expect(db.pragma('synchronous', { simple: true })).toBe(0);
      expect(db.prepare('SELECT COUNT(*) FROM thidua_events').pluck().get()).toBe(1);
      await expect(store.headPosition()).rejects.toThrow(/closed/);
      await store.close();
    });

    it('refuses to append inside a transaction the host left open, writing nothing', async () => {
      const store = track(createSqliteEventStore({ database: db }));
      db.exec('BEGIN');
      await expect(store.appendToStream('s', [{ type: 'Tested', data: {} }])).rejects.toThrow(/inside a transaction/);
      db.exec('COMMIT');
      expect(await store.headPosition()).toBeNull();
      expect((await store.appendToStream('s', [{ type: 'Tested', data: {} }])).position).toBe(1n);
    });

    it('reads bigints even when the host turned safe integers on or off for its own statements', async () => {
      db.defaultSafeIntegers(true);
      const store = createSqliteEventStore({ database: db });
      await store.appendToStream('s', [{ type: 'Tested', data: {} }]);
      const [event] = await collect(store.readAll());
      expect(event!.position).toBe(1n);
      expect(event!.schemaVersion).toBe(1);
      await store.close();
    });

    it('wakes a subscription of one store at once when another store on the same connection appends', async () => {
      const reader = track(createSqliteEventStore({ database: db, changePollIntervalMs: 3_600_000 }));
      const writer = track(createSqliteEventStore({ database: db }));
      const seen = watch(reader);
      await seen.caughtUp;
      const appended = await writer.appendToStream('s', [{ type: 'Tested', data: { n: 7 } }]);
      expect((await seen.event).id).toBe(appended.events[0]!.id);
    });
  });

  it('wakes a subscription when another connection appends to the file', async () => {
    const reader = track(createSqliteEventStore({ database: file.path, changePollIntervalMs: 10 }));
    const writer = track(createSqliteEventStore({ database: file.path }));
    const seen = watch(reader);
    await seen.caughtUp;
    const appended = await writer.appendToStream('s', [{ type: 'Tested', data: { n: 8 } }]);
    expect((await seen.event).id).toBe(appended.events[0]!.id);
  });

  describe('backups while the store is in use', () => {
    const seed = async (store: EventStore) => {
      for (let i = 0; i < 20; i += 1) await store.appendToStream(`pledge-${i % 3}`, [{ type: 'Tested', data: { i } }, { type: 'Tested', data: { i, k: 2 } }]);
    };
    const expectCopyOf = async (copy: string, events: number) => {
      const restored = createSqliteEventStore({ database: copy });
      const log = await collect(restored.readAll({ raw: true }));
      expect(log).toHaveLength(events);
      expect((await verifyChains(log)).firstBreak).toBeNull();
      await restored.close();
    };

    it('copies a consistent snapshot with VACUUM INTO from another connection', async () => {
      const store = createSqliteEventStore({ database: file.path });
      await seed(store);
      const copy = `${file.path}.vacuum`;
      const side = new Database(file.path, { readonly: true });
      side.prepare('VACUUM INTO ?').run(copy);
      side.close();
      await store.appendToStream('after', [{ type: 'Tested', data: {} }]);
      await store.close();
      expect(existsSync(copy)).toBe(true);
      await expectCopyOf(copy, 40);
    });

    it('copies with the online backup API of the host connection', async () => {
      const db = new Database(file.path);
      const store = createSqliteEventStore({ database: db });
      await seed(store);
      const copy = `${file.path}.backup`;
      await db.backup(copy);
      await store.close();
      db.close();
      await expectCopyOf(copy, 40);
    });
  });
});
