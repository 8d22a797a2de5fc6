import { isTransientStoreError, StoreUnavailableError, verifyChains, type EventStore, type RecordedEvent } from '@thidua/eventsourcing';
import { waitUntil } from '@thidua/eventsourcing/testing';
import { Pool, types } from 'pg';
import { adminPool, describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-target';
import { createPostgresEventStore } from './postgres-event-store';
import { createPostgresProjectionLeases } from './postgres-projection-leases';
import { createPostgresProjectionStore } from './postgres-projection-store';

async function collect(events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}


describePostgres('PostgreSQL event store', () => {
  const schemas = testSchemas('events');
  const admin = adminPool(3);
  const open: EventStore[] = [];
  const store = (options: Partial<Parameters<typeof createPostgresEventStore>[0]> & { schema: string }) => {
    const created = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, ...options });
    open.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  describe('embedding', () => {
    it("works on the host's pool and leaves it open on close", async () => {
      const applicationName = `thidua-host-${process.pid}`;
      const host = new Pool({ connectionString: TEST_DATABASE_URL, max: 3, application_name: applicationName });
      try {
        const events = createPostgresEventStore({ pool: host, schema: schemas.next() });
        const received: string[] = [];
        const subscription = events.subscribeToAll({ onEvent: (e) => void received.push(e.type) });
        await events.appendToStream('bloc-1', [{ type: 'Hosted', data: {} }]);
        await waitUntil(() => received.length === 1);
        await subscription.stop();
        await events.close();
        expect((await host.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
        // The listening connection was destroyed (its session ends a moment after close()).
        const listening = async () =>
          (
            await admin.query<{ n: string }>(
              `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'`,
              [applicationName],
            )
          ).rows[0]?.n;
        await waitUntil(async () => (await listening()) === '0', { what: 'the listening session to end' });
      } finally {
        await host.end();
      }
    });

    it('keeps concurrent appends whole when the host sessions default to SERIALIZABLE', async () => {
      const schema = schemas.next();
      const hosts = [0, 1].map(
        () => new Pool({ connectionString: TEST_DATABASE_URL, max: 3, options: '-c default_transaction_isolation=serializable' }),
      );
      try {
        const writers = hosts.map((pool) => createPostgresEventStore({ pool, schema }));
        await writers[0]!.headPosition();
        await Promise.all(
          writers.flatMap((writer, w) =>
            Array.from({ length: 10 }, (_, i) => writer.appendToStream(`iso-${i % 3}`, [{ type: 'Iso', data: { w, i } }])),
          ),
        );
        const raw = await collect(writers[0]!.readAll({ raw: true }));
        expect(raw.map((e) => e.position)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i + 1)));
        expect((await verifyChains(raw)).firstBreak).toBeNull();
        await Promise.all(writers.map((writer) => writer.close()));
      } finally {
        await Promise.all(hosts.map((pool) => pool.end()));
      }
    });

    it("neither relies on nor changes the host's global pg type parsers", async () => {
      const int8 = types.getTypeParser(20, 'text');
      const jsonb = types.getTypeParser(3802, 'text');
      // A host that decodes int8 as numbers and leaves jsonb as text.
      types.setTypeParser(20, (value: string) => Number.parseInt(value, 10));
      types.setTypeParser(3802, (value: string) => value);
      try {
        const events = store({ schema: schemas.next() });
        const result = await events.appendToStream('bloc-1', [{ type: 'Typed', data: { nested: { a: [1, 'b'] } } }]);
        expect(result.position).toBe(1n);
        const [read] = await collect(events.readStream('bloc-1'));
        expect(read).toMatchObject({ revision: 0n, position: 1n, data: { nested: { a: [1, 'b'] } } });
        expect(await events.headPosition()).toBe(1n);
        expect(await events.streamRevision('bloc-1')).toBe(0n);
        expect(types.getTypeParser(20, 'text')('7')).toBe(7);
      } finally {
        types.setTypeParser(20, int8);
        types.setTypeParser(3802, jsonb);
      }
    });
  });

  describe('an unusable server', () => {
    const unusable = (connectionString: string) => {
      const schema = schemas.next();
      const stores = [
        createPostgresEventStore({ connectionString, schema }),
        createPostgresProjectionStore({ connectionString, schema }),
        createPostgresProjectionLeases({ connectionString, schema }),
      ] as const;
      return {
        failures: () =>
          Promise.all([
            stores[0].appendToStream('s', [{ type: 'A', data: {} }]).catch((error: unknown) => error),
            stores[0].headPosition().catch((error: unknown) => error),
            stores[1].getState('p').catch((error: unknown) => error),
            stores[2].holder('p').catch((error: unknown) => error),
          ]),
        close: () => Promise.all(stores.map((s) => s.close())),
      };
    };

    it('reports a server that cannot be reached as a transient store_unavailable, naming it without the password', async () => {
      const { failures, close } = unusable('postgres://thidua:s3cret-pw@127.0.0.1:1/thidua');
      try {
        for (const failure of await failures()) {
          expect(failure).toBeInstanceOf(StoreUnavailableError);
          expect(failure).toMatchObject({ code: 'store_unavailable', transient: true });
          expect(isTransientStoreError(failure)).toBe(true);
          expect((failure as StoreUnavailableError).store).toMatch(/^postgres:\/\/thidua@127\.0\.0\.1:1\/thidua schema thidua_t_/);
          expect((failure as Error).message).not.toContain('s3cret-pw');
        }
      } finally {
        await close();
      }
    });

    it('reports a database that does not exist as a lasting store_unavailable', async () => {
      const url = new URL(TEST_DATABASE_URL);
      url.pathname = `/thidua_missing_${process.pid}`;
      const { failures, close } = unusable(url.toString());
      try {
        for (const failure of await failures()) expect(failure).toMatchObject({ code: 'store_unavailable', transient: false });
      } finally {
        await close();
      }
    });
  });

  describe('appends', () => {
    it('returns positions and revisions as bigint and recordedAt from the server clock with milliseconds', async () => {
      const events = store({ schema: schemas.next() });
      const result = await events.appendToStream('bloc-1', [{ type: 'A', data: {} }, { type: 'B', data: {} }]);
      const { rows } = await admin.query<{ now: Date }>('SELECT clock_timestamp() AS now');
      const [first, second] = await collect(events.readAll());
      expect(first!.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(second!.recordedAt).toBe(first!.recordedAt);
      expect(result.events.map((e) => e.recordedAt)).toEqual([first!.recordedAt, second!.recordedAt]);
      expect(rows[0]!.now.getTime() - Date.parse(first!.recordedAt)).toBeGreaterThanOrEqual(0);
      expect([first!.position, second!.position, first!.revision, second!.revision]).toEqual([1n, 2n, 0n, 1n]);
    });

    it('corrects a stale remembered tip left by another writer, and reports real conflicts with the actual revision', async () => {
      const schema = schemas.next();
      const a = store({ schema });
      const b = store({ schema });
      await a.appendToStream('pledge-1', [{ type: 'A', data: { n: 0 } }], { expectedRevision: 'no_stream' });
      // b has never seen the stream: its guess ("new stream") is refused and corrected in the same call.
      expect((await b.appendToStream('pledge-1', [{ type: 'B', data: { n: 1 } }])).nextExpectedRevision).toBe(1n);
      // a still remembers revision 0.
      expect((await a.appendToStream('pledge-1', [{ type: 'A', data: { n: 2 } }])).nextExpectedRevision).toBe(2n);
      await expect(a.appendToStream('pledge-1', [{ type: 'A', data: { n: 3 } }], { expectedRevision: 0n })).rejects.toMatchObject({
        code: 'concurrency',
        expected: 0n,
        actual: 2n,
      });
      await expect(b.appendToStream('pledge-1', [{ type: 'B', data: {} }], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
        code: 'concurrency',
        actual: 2n,
      });
      const raw = await collect(a.readAll({ raw: true }));
      expect(raw.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
      expect((await verifyChains(raw)).firstBreak).toBeNull();
    });

    it('writes concurrent appends of one process together, each still whole', async () => {
      const schema = schemas.next();
      const events = store({ schema });
      await events.headPosition();
      const results = await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) =>
          events.appendToStream(
            `coalesced-${i % 6}`,
            Array.from({ length: 1 + (i % 3) }, (_, k) => ({ type: 'C', data: { i, k } })),
            // Every tenth insists on a new stream: only the first append to each stream can win that.
            { expectedRevision: i % 10 === 0 && i >= 10 ? 'no_stream' : 'any' },
          ),
        ),
      );
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused.map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['concurrency', 'concurrency', 'concurrency', 'concurrency', 'concurrency']);
      const raw = await collect(events.readAll({ raw: true }));
      const written = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.events : []));
      expect(raw.map((e) => e.id)).toEqual([...written].sort((x, y) => Number(x.position - y.position)).map((e) => e.id));
      expect(raw.map((e) => e.position)).toEqual(raw.map((_, i) => BigInt(i + 1)));
      expect((await verifyChains(raw)).firstBreak).toBeNull();
      const { rows } = await admin.query<{ n: string }>(`SELECT count(DISTINCT xmin::text) AS n FROM "${schema}".events`);
      // 55 appends written, but appends of a stream take turns (ten turns for ten appends per stream):
      // about one transaction per turn, not one per append.
      expect(Number(rows[0]!.n)).toBeLessThan(20);
    });

    it('refuses a payload jsonb cannot hold with validation_failed, without failing appends written alongside', async () => {
      const events = store({ schema: schemas.next() });
      await events.headPosition();
      const [good, bad, alsoGood] = await Promise.allSettled([
        events.appendToStream('s-1', [{ type: 'Good', data: { text: 'fine' } }]),
        events.appendToStream('s-2', [{ type: 'Bad', data: { text: 'nul \u0000 inside' } }]),
        events.appendToStream('s-3', [{ type: 'Good', data: { text: 'also fine' } }]),
      ]);
      expect(good.status).toBe('fulfilled');
      expect(alsoGood.status).toBe('fulfilled');
      expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'validation_failed' } });
      expect((await collect(events.readAll())).map((e) => e.type)).toEqual(['Good', 'Good']);
      expect(await events.streamRevision('s-2')).toBeNull();
    });

    it('falls back on the unique (stream, revision) constraint when the streams table disagrees with the log', async () => {
      const schema = schemas.next();
      const events = store({ schema });
      await events.appendToStream('s-1', [{ type: 'A', data: {} }, { type: 'A', data: {} }]);
      const [first] = await collect(events.readStream('s-1', { raw: true }));
      // Damage the streams row by hand so that it points back at revision 0.
      await admin.query(`UPDATE "${schema}".streams SET revision = 0, hash = $1 WHERE stream_id = 's-1'`, [first!.metadata.hash]);
      const fresh = store({ schema });
      await expect(fresh.appendToStream('s-1', [{ type: 'B', data: {} }], { expectedRevision: 0n })).rejects.toMatchObject({
        code: 'concurrency',
        actual: 1n,
      });
      expect((await collect(events.readStream('s-1'))).map((e) => e.type)).toEqual(['A', 'A']);
      expect(await events.headPosition()).toBe(2n);
    });
  });

  describe('reads', () => {
    it('reads the next page ahead but never serves one that misses later appends', async () => {
      const events = store({ schema: schemas.next() });
      await events.appendToStream('s-1', Array.from({ length: 10 }, (_, n) => ({ type: 'R', data: { n } })));
      const positions = async (fromPosition: bigint) => (await events.readAllPage({ fromPosition, maxCount: 5 })).map((e) => e.position);
      expect(await positions(1n)).toEqual([1n, 2n, 3n, 4n, 5n]);
      expect(await positions(6n)).toEqual([6n, 7n, 8n, 9n, 10n]);
      // The page after that was read ahead while empty; appends since then must show.
      await events.appendToStream('s-1', [{ type: 'R', data: { n: 10 } }, { type: 'R', data: { n: 11 } }]);
      expect(await positions(11n)).toEqual([11n, 12n]);

      const revisions = async (fromRevision: bigint) => (await collect(events.readStream('s-1', { fromRevision, maxCount: 4 }))).map((e) => e.revision);
      expect(await revisions(4n)).toEqual([4n, 5n, 6n, 7n]);
      expect(await revisions(8n)).toEqual([8n, 9n, 10n, 11n]);
      await events.appendToStream('s-1', [{ type: 'R', data: { n: 12 } }]);
      expect(await revisions(12n)).toEqual([12n]);
      expect((await collect(events.readStream('s-1'))).map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: 13 }, (_, n) => n));
    });
  });

  describe('notifications', () => {
    it('wakes a subscriber through LISTEN/NOTIFY on appends from another store, and listens again after losing its connection', async () => {
      const schema = schemas.next();
      const url = new URL(TEST_DATABASE_URL);
      const applicationName = `thidua-listen-${process.pid}`;
      url.searchParams.set('application_name', applicationName);
      const reader = store({ schema, connectionString: url.toString() });
      const writer = store({ schema });
      await writer.appendToStream('s-1', [{ type: 'Before', data: {} }]);
      const received: string[] = [];
      // With an hour between polls, only a notification can deliver within the test.
      const subscription = reader.subscribeToAll({ pollIntervalMs: 3_600_000, onEvent: (e) => void received.push(e.type) });
      await waitUntil(() => received.length === 1);
      const listener = async () =>
        (
          await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'`, [
            applicationName,
          ])
        ).rows;
      await waitUntil(async () => (await listener()).length > 0, { what: 'a LISTEN session' });
      const listening = await listener();
      expect(listening).toHaveLength(1);

      await writer.appendToStream('s-1', [{ type: 'Live', data: {} }]);
      await waitUntil(() => received.length === 2);

      await admin.query('SELECT pg_terminate_backend($1)', [listening[0]!.pid]);
      await writer.appendToStream('s-1', [{ type: 'AfterLoss', data: {} }]);
      await waitUntil(() => received.length === 3);
      await writer.appendToStream('s-1', [{ type: 'Relistened', data: {} }]);
      await waitUntil(() => received.length === 4);
      expect(received).toEqual(['Before', 'Live', 'AfterLoss', 'Relistened']);
      await subscription.stop();
    });

    it('still delivers by polling with notifications turned off', async () => {
      const schema = schemas.next();
      const events = store({ schema, notifications: false });
      const received: string[] = [];
      const subscription = events.subscribeToAll({ pollIntervalMs: 10, onEvent: (e) => void received.push(e.type) });
      await events.appendToStream('s-1', [{ type: 'Polled', data: {} }]);
      await waitUntil(() => received.length === 1);
      await subscription.stop();
      const listening = await admin.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE $1`,
        [`LISTEN "thidua_appended_${schema}"`],
      );
      expect(listening.rows[0]?.n).toBe('0');
    });
  });
});
