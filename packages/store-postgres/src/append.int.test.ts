import type { EventStore, ExpectedRevision } from '@thidua/eventsourcing';
import { collect, expectSoundLog } from '@thidua/eventsourcing/testing';
import type { Pool } from 'pg';
import { describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-target';
import { createPostgresEventStore } from './postgres-event-store';
import { appendsIn, createFaultyPool, isAppendStatement, type FaultPlan } from './testing';

/*
 * Replies lost after the server committed: the connection drops between the
 * commit and the answer, so the appender cannot tell that its write is in.
 * Whatever it does next (the fallback that resends each append of a failed
 * coalesced write alone, or the caller sending the same events again), the
 * events must be in the log exactly once.
 */
describePostgres('PostgreSQL appends whose reply was lost', () => {
  const schemas = testSchemas('lost_reply');
  const opened: { store: EventStore; pool: Pool }[] = [];
  const open = (plan: FaultPlan) => {
    const pool = createFaultyPool({ connectionString: TEST_DATABASE_URL, max: 4 }, plan);
    const store = createPostgresEventStore({ pool, schema: schemas.next() });
    opened.push({ store, pool });
    return store;
  };
  afterEach(async () => {
    for (const { store, pool } of opened.splice(0)) {
      await store.close();
      await pool.end();
    }
  });

  it('writes each append of a coalesced write whose reply was lost exactly once, under every expected-revision form', async () => {
    const lost: number[] = [];
    const store = open((statement) => {
      if (lost.length > 0 || !isAppendStatement(statement) || appendsIn(statement) < 2) return undefined;
      lost.push(appendsIn(statement));
      return { kind: 'lose-reply' };
    });
    await store.appendToStream('exact', [{ type: 'Before', data: {} }]);
    await store.appendToStream('exists', [{ type: 'Before', data: {} }]);

    const forms: [string, ExpectedRevision][] = [
      ['any', 'any'],
      ['exists', 'stream_exists'],
      ['exact', 0n],
      ['fresh', 'no_stream'],
    ];
    // Started together, so the appender writes them in one statement: the one whose reply is lost.
    const results = await Promise.all(
      forms.map(([streamId, expectedRevision]) =>
        store.appendToStream(streamId, [{ type: 'Lost', data: { streamId } }, { type: 'Lost', data: { streamId, second: true } }], { expectedRevision }),
      ),
    );
    expect(lost).toEqual([forms.length]);

    const log = await expectSoundLog(store);
    expect(new Set(log.map((e) => e.id)).size).toBe(log.length);
    for (const [index, [streamId]] of forms.entries()) {
      const stream = await collect(store.readStream(streamId));
      expect({ streamId, types: stream.map((e) => e.type) }).toEqual({
        streamId,
        types: [...(streamId === 'exact' || streamId === 'exists' ? ['Before'] : []), 'Lost', 'Lost'],
      });
      // Each caller is told where its events are.
      expect(results[index]!.events.map((e) => e.id)).toEqual(stream.filter((e) => e.type === 'Lost').map((e) => e.id));
    }
  });

  it('fails a lone append whose reply was lost as a transient store_unavailable, and a resend of it appends nothing', async () => {
    let lose = true;
    const store = open((statement) => {
      if (!lose || !isAppendStatement(statement)) return undefined;
      lose = false;
      return { kind: 'lose-reply' };
    });
    await store.headPosition();
    const events = [
      { id: '6b1f1d4e-0f5a-4c3e-9d7b-2a8c9e0f1a10', type: 'Lost', data: { n: 1 } },
      { id: '6b1f1d4e-0f5a-4c3e-9d7b-2a8c9e0f1a11', type: 'Lost', data: { n: 2 } },
    ];
    await expect(store.appendToStream('lone', events, { expectedRevision: 'any' })).rejects.toMatchObject({
      code: 'store_unavailable',
      transient: true,
    });
    const again = await store.appendToStream('lone', events, { expectedRevision: 'any' });
    expect(again.events.map((e) => e.revision)).toEqual([0n, 1n]);
    const log = await expectSoundLog(store);
    expect(log.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });
});
