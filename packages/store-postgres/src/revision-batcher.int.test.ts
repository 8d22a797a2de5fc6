import { Pool, type QueryConfig } from 'pg';
import { describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-target';
import { createPostgresEventStore } from './postgres-event-store';

describePostgres('PostgreSQL: stream revisions asked together', () => {
  const schemas = testSchemas('revisions');

  it('answers the streamRevision calls of one turn with one query, each with its own stream', async () => {
    const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 3 });
    const store = createPostgresEventStore({ pool, schema: schemas.next(), notifications: false });
    try {
      await store.appendToStream('s-a', [{ type: 'T', data: {} }, { type: 'T', data: {} }]);
      await store.appendToStream('s-b', [{ type: 'T', data: {} }]);
      const texts: string[] = [];
      const query = pool.query.bind(pool) as (config: QueryConfig) => Promise<unknown>;
      (pool as unknown as { query: (config: QueryConfig) => Promise<unknown> }).query = (config: QueryConfig) => {
        texts.push(typeof config === 'string' ? config : config.text);
        return query(config);
      };
      const answers = await Promise.all(['s-a', 's-b', 's-missing', 's-a'].map((streamId) => store.streamRevision(streamId)));
      expect(answers).toEqual([1n, 0n, null, 1n]);
      expect(texts.filter((text) => text.includes('.streams'))).toHaveLength(1);
      // A call made after an append returned sees it.
      await store.appendToStream('s-b', [{ type: 'T', data: {} }]);
      expect(await store.streamRevision('s-b')).toBe(1n);
    } finally {
      await store.close();
      await pool.end();
    }
  });
});
