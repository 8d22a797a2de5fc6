import { existsSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createProjectionRunner, verifyChains, type EventStore, type RecordedEvent } from '@thidua/eventsourcing';
import { killAllChildren, startChild } from './__fixtures__/child';
import { foldTally, tallyProjection, type Tally } from './__fixtures__/tally';
import { tempDatabasePath } from './__fixtures__/temp-database';
import { createSqliteEventStore, createSqliteProjectionStore } from '.';

/*
 * Real processes, really killed: a child appends or projects into a file and
 * is SIGKILLed, either frozen inside its write transaction at a known row
 * (a TEMP trigger on its own connection) or at whatever point it has reached.
 * The parent then reopens the file and checks that nothing half-written
 * survived and that nothing acknowledged was lost.
 */

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

interface BatchData {
  batch: number;
  i: number;
  of: number;
}

/** Every batch a crash-writer child wrote is whole: `of` events, i = 0…of−1, consecutive revisions of one stream. */
function batchesOf(events: readonly RecordedEvent[]): Map<number, RecordedEvent[]> {
  const batches = new Map<number, RecordedEvent[]>();
  for (const event of events) {
    const { batch } = event.data as BatchData;
    batches.set(batch, [...(batches.get(batch) ?? []), event]);
  }
  for (const [batch, members] of batches) {
    const { of } = members[0]!.data as BatchData;
    expect({ batch, indexes: members.map((e) => (e.data as BatchData).i) }).toEqual({ batch, indexes: Array.from({ length: of }, (_, i) => i) });
    expect(new Set(members.map((e) => e.streamId)).size).toBe(1);
    members.forEach((e, k) => expect(e.revision).toBe(members[0]!.revision + BigInt(k)));
  }
  return batches;
}

async function expectSoundLog(store: EventStore): Promise<RecordedEvent[]> {
  const events = await collect(store.readAll({ raw: true }));
  expect(events.map((e) => e.position)).toEqual(events.map((_, i) => BigInt(i + 1)));
  expect(await store.headPosition()).toBe(events.length === 0 ? null : BigInt(events.length));
  const chains = await verifyChains(events);
  expect(chains.firstBreak).toBeNull();
  expect(chains.verified).toBe(events.length);
  return events;
}

const committedBatches = (lines: readonly string[]) =>
  lines.filter((line) => line.startsWith('committed ')).map((line) => Number(line.slice('committed '.length)));

describe('SQLite store after a SIGKILL', () => {
  let file: ReturnType<typeof tempDatabasePath>;
  const open: { close(): Promise<void> }[] = [];
  const track = <S extends { close(): Promise<void> }>(store: S): S => {
    open.push(store);
    return store;
  };

  beforeEach(() => {
    file = tempDatabasePath();
  });
  afterEach(async () => {
    await killAllChildren();
    await Promise.all(open.splice(0).map((store) => store.close()));
    file.remove();
  });

  it('keeps no part of an append killed inside its transaction', async () => {
    await createSqliteEventStore({ database: file.path }).close();
    // Batches of 5: twelve commit, the child freezes on the third row of the thirteenth.
    const child = startChild('crash-writer.ts', [file.path, String(5 * 12 + 3), '5']);
    await child.waitForLine((line) => line === 'paused');
    await child.kill();
    expect(committedBatches(child.lines)).toEqual(Array.from({ length: 12 }, (_, i) => i));

    const store = track(createSqliteEventStore({ database: file.path }));
    const events = await expectSoundLog(store);
    expect([...batchesOf(events).keys()]).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(events).toHaveLength(60);
    // The store carries on where the last whole append ended.
    const next = await store.appendToStream('crash-5', [{ type: 'Tested', data: { batch: 99, i: 0, of: 1 } }]);
    expect(next.position).toBe(61n);
    expect(next.nextExpectedRevision).toBe(BigInt(events.filter((e) => e.streamId === 'crash-5').length));
  });

  it('loses no acknowledged append and keeps every batch whole when killed at an arbitrary point', async () => {
    const child = startChild('crash-writer.ts', [file.path, '0', '20']);
    await child.waitForLine((line) => line === 'committed 40');
    await child.kill();
    const acknowledged = committedBatches(child.lines);

    const store = track(createSqliteEventStore({ database: file.path }));
    const batches = batchesOf(await expectSoundLog(store));
    // Every acknowledged batch is there; at most one more committed before its acknowledgement got out.
    const stored = [...batches.keys()];
    expect(stored.slice(0, acknowledged.length)).toEqual(acknowledged);
    expect(stored.length - acknowledged.length).toBeLessThanOrEqual(1);
    expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i));
  });

  describe('projections', () => {
    const units = Array.from({ length: 13 }, (_, i) => `u${i}`);
    /** 650 Scored events (13 units, so every page of 50 touches all 13 documents) with other events between them. */
    const seed = async (): Promise<RecordedEvent[]> => {
      const store = createSqliteEventStore({ database: file.path });
      for (let b = 0; b < 13; b += 1) {
        await store.appendToStream(`pledge-${b}`, [
          ...Array.from({ length: 50 }, (_, i) => ({ type: 'Scored', data: { unit: units[i % 13]!, points: (b * 50 + i) % 7 } })),
          { type: 'Ignored', data: { b } },
        ]);
      }
      const events = await collect(store.readAll());
      await store.close();
      return events;
    };
    const storedDocs = async (projection: string) => {
      const projections = track(createSqliteProjectionStore({ database: file.path }));
      const docs = new Map((await projections.listDocuments<Tally>(projection)).map(({ key, doc }) => [key, doc]));
      return { docs, state: await projections.getState(projection) };
    };
    const foldUpTo = (events: readonly RecordedEvent[], checkpoint: bigint) => foldTally(events.filter((e) => e.position <= checkpoint));

    it('resumes a projection killed mid-batch with no event applied twice or missed', async () => {
      const events = await seed();
      // 13 document writes per batch of 50: four batches commit, the child freezes in the fifth.
      const child = startChild('crash-projector.ts', [file.path, String(13 * 4 + 6), '50']);
      await child.waitForLine((line) => line === 'paused');
      await child.kill();
      const printed = child.lines.filter((l) => l.startsWith('checkpoint ')).map((l) => l.slice('checkpoint '.length));
      const lastPrinted = BigInt(printed[printed.length - 1]!);

      // The documents are exactly the fold of the log up to the stored checkpoint: the killed batch left nothing.
      const after = await storedDocs(tallyProjection.name);
      expect(after.state).toEqual({ version: 1, checkpoint: lastPrinted });
      const scoredBefore = events.filter((e) => e.type === 'Scored' && e.position <= lastPrinted).length;
      expect(scoredBefore).toBe(200);
      expect(after.docs).toEqual(foldUpTo(events, lastPrinted));

      // A new runner resumes from there and ends with the fold of the whole log.
      const runner = createProjectionRunner({
        eventStore: track(createSqliteEventStore({ database: file.path })),
        projectionStore: track(createSqliteProjectionStore({ database: file.path })),
        projection: tallyProjection,
        batchSize: 50,
      });
      const progress = await runner.catchUp();
      expect(progress.checkpoint).toBe(events[events.length - 1]!.position);
      const final = await storedDocs(tallyProjection.name);
      expect(final.docs).toEqual(foldTally(events));
      const applied = [...final.docs.values()].flatMap((doc) => doc.positions);
      expect(applied).toHaveLength(650);
      expect(new Set(applied).size).toBe(650);
    });

    it('keeps the live documents whole when a blue/green rebuild is killed mid-way', async () => {
      const events = await seed();
      const first = startChild('crash-projector.ts', [file.path, '0', '50']);
      await first.waitForLine((line) => line === 'done');
      await first.exited;
      const live = await storedDocs(tallyProjection.name);
      expect(live.docs).toEqual(foldTally(events));

      const rebuilding = startChild('crash-projector.ts', [file.path, String(13 * 3 + 2), '50', 'rebuild']);
      await rebuilding.waitForLine((line) => line === 'paused');
      await rebuilding.kill();
      expect(await storedDocs(tallyProjection.name)).toEqual(live);
      const staging = await storedDocs(`${tallyProjection.name}~rebuild`);
      expect(staging.state?.checkpoint).toBeLessThan(live.state!.checkpoint!);

      const runner = createProjectionRunner({
        eventStore: track(createSqliteEventStore({ database: file.path })),
        projectionStore: track(createSqliteProjectionStore({ database: file.path })),
        projection: tallyProjection,
        batchSize: 50,
      });
      await runner.rebuild();
      expect(await storedDocs(tallyProjection.name)).toEqual(live);
      expect((await storedDocs(`${tallyProjection.name}~rebuild`)).state).toBeNull();
    });
  });

  it('serves readers while another process holds the write lock, and makes writers wait for it', async () => {
    await createSqliteEventStore({ database: file.path }).close();
    const child = startChild('crash-writer.ts', [file.path, String(5 * 3 + 2), '5']);
    await child.waitForLine((line) => line === 'paused');

    // Opening needs no write lock when the schema is current; reads see the three committed batches only.
    const reader = track(createSqliteEventStore({ database: `sqlite:${file.path}`, busyTimeoutMs: 50 }));
    expect(await reader.headPosition()).toBe(15n);
    expect(await collect(reader.readAll())).toHaveLength(15);
    expect(await collect(reader.readStream('crash-0'))).toHaveLength(5);
    await expect(reader.appendToStream('other', [{ type: 'Tested', data: {} }])).rejects.toMatchObject({ code: 'SQLITE_BUSY' });

    await child.kill();
    const appended = await reader.appendToStream('other', [{ type: 'Tested', data: {} }]);
    expect(appended.position).toBe(16n);
  });

  it('serialises appends of processes that create and open one file at the same time', async () => {
    expect(existsSync(file.path)).toBe(false);
    const go = `${file.path}.go`;
    const writers = ['a', 'b', 'c'].map((name) => startChild('concurrent-writer.ts', [file.path, name, '60', go]));
    await Promise.all(writers.map((w) => w.waitForLine((line) => line === 'ready')));
    writeFileSync(go, '');
    const exits = await Promise.all(writers.map((w) => w.exited));
    // Whole, so a failing writer's stderr shows in the diff.
    for (const exit of exits) expect(exit).toEqual({ code: 0, signal: null, stderr: '' });

    const store = track(createSqliteEventStore({ database: file.path }));
    const events = await expectSoundLog(store);
    expect(events).toHaveLength(3 * 60 * 3);
    const shared = events.filter((e) => e.streamId === 'shared');
    expect(shared.map((e) => e.revision)).toEqual(Array.from({ length: 180 }, (_, i) => BigInt(i)));
    for (const name of ['a', 'b', 'c']) {
      const mine = shared.filter((e) => (e.data as { writer: string }).writer === name).map((e) => (e.data as { i: number }).i);
      expect(mine).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(await store.streamRevision(`own-${name}`)).toBe(119n);
    }
    const db = new Database(file.path, { readonly: true });
    try {
      expect(db.prepare('SELECT version FROM thidua_schema_version').pluck().all()).toEqual([1]);
    } finally {
      db.close();
    }
  });
});
