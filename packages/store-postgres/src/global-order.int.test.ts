import type { AppendResult, EventStore, RecordedEvent } from '@thidua/eventsourcing';
import { waitUntil } from '@thidua/eventsourcing/testing';
import type { Pool } from 'pg';
import { describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-target';
import { createPostgresEventStore } from './postgres-event-store';
import { createFaultyPool, isAppendStatement } from './testing';

const WRITERS = 8;
const APPENDS_PER_WRITER = 24;
const randomMs = (max: number) => Math.floor(Math.random() * (max + 1));

describePostgres('gap-free global order under contention', () => {
  const schemas = testSchemas('order');

  it('gives a racing subscriber every committed event exactly once, in position order, and never shows a position before its predecessors', async () => {
    const schema = schemas.next();
    // Every writer is its own store with its own pool, like separate processes;
    // the pool makes each append's transaction sleep a random time before the
    // append and again while holding its position, before commit.
    const pools: Pool[] = Array.from({ length: WRITERS }, () =>
      createFaultyPool({ connectionString: TEST_DATABASE_URL, max: 2 }, (statement) =>
        isAppendStatement(statement) ? { kind: 'stretch', beforeMs: randomMs(12), holdMs: randomMs(8) } : undefined,
      ),
    );
    const writers: EventStore[] = pools.map((pool) => createPostgresEventStore({ pool, schema }));
    const reader = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 });
    try {
      await reader.headPosition();

      const received: RecordedEvent[] = [];
      const subscription = reader.subscribeToAll({
        batchSize: 3,
        pollIntervalMs: 1,
        onEvent: (event) => {
          received.push(event);
        },
      });

      // A second reader checks the two promises a poller relies on while the writers run.
      const violations: string[] = [];
      let writing = true;
      let pages = 0;
      const checker = (async () => {
        while (writing || pages === 0) {
          pages += 1;
          const head = await reader.headPosition();
          if (head === null) continue;
          const from = head > 20n ? head - 20n : 1n;
          const page = await reader.readAllPage({ fromPosition: from, maxCount: 40 });
          // Dense positions: any gap is a position returned while an earlier one was not yet visible.
          page.forEach((event, i) => {
            if (event.position !== from + BigInt(i)) violations.push(`page from ${from}: #${i} is ${event.position}`);
          });
          if (page.length === 0 || page[page.length - 1]!.position < head) violations.push(`head ${head} not readable`);
        }
      })();

      const results: AppendResult[] = [];
      await Promise.all(
        writers.map(async (writer, w) => {
          for (let i = 0; i < APPENDS_PER_WRITER; i += 1) {
            // The checker keeps pace: it has read a page for every round of appends, whatever the machine's speed.
            await waitUntil(() => pages > i, { what: `the checker's page ${i + 1}` });
            const own = `order-w${w}`;
            const size = 1 + (i % 3);
            const events = Array.from({ length: size }, (_, k) => ({ type: 'Ordered', data: { w, i, k } }));
            // Every fourth append goes to a stream all writers share, so stream conflicts mix with order.
            const streamId = i % 4 === 3 ? 'order-shared' : own;
            results.push(await writer.appendToStream(streamId, events, { expectedRevision: 'any' }));
          }
        }),
      );
      writing = false;
      const committed = results.flatMap((r) => r.events);
      const total = committed.length;
      await checker;

      await waitUntil(() => received.length >= total, { what: `the subscriber received all ${total} events` });
      await subscription.stop();
      await subscription.done;

      expect(violations).toEqual([]);
      // Exactly once each, in position order, and nothing else.
      expect(received).toHaveLength(total);
      expect(new Set(received.map((e) => e.id)).size).toBe(total);
      expect(received.map((e) => e.position)).toEqual(Array.from({ length: total }, (_, i) => BigInt(i + 1)));
      const byId = new Map(received.map((e) => [e.id, e]));
      for (const event of committed) expect(byId.get(event.id)?.position).toBe(event.position);
      // Each stream's revisions follow the global order too.
      const lastRevision = new Map<string, bigint>();
      for (const event of received) {
        expect(event.revision).toBe((lastRevision.get(event.streamId) ?? -1n) + 1n);
        lastRevision.set(event.streamId, event.revision);
      }
      expect(await reader.headPosition()).toBe(BigInt(total));
    } finally {
      await Promise.all([...writers, reader].map((store) => store.close()));
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});
