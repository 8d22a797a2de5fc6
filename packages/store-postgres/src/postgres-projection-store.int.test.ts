import type { ProjectionStore } from '@thidua/eventsourcing';
import { Pool } from 'pg';
import { describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-target';
import { createPostgresProjectionStore } from './postgres-projection-store';

describePostgres('PostgreSQL projection store', () => {
  const schemas = testSchemas('projections');
  let store: ProjectionStore;
  let schema: string;
  beforeEach(() => {
    schema = schemas.next();
    store = createPostgresProjectionStore({ connectionString: TEST_DATABASE_URL, schema });
  });
  afterEach(async () => {
    await store.close();
  });

  it.each([
    ['read committed', undefined],
    ['serializable', '-c default_transaction_isolation=serializable'],
  ])('lets exactly one of two runners commit from the same checkpoint (%s sessions)', async (_isolation, sessionOptions) => {
    const hosts = [0, 1].map(() => new Pool({ connectionString: TEST_DATABASE_URL, max: 2, ...(sessionOptions ? { options: sessionOptions } : {}) }));
    const [mine, other] = hosts.map((pool) => createPostgresProjectionStore({ pool, schema })) as [ProjectionStore, ProjectionStore];
    await mine.commit('p', { version: 1, expectedCheckpoint: null, checkpoint: 3n, changes: new Map([['k', { by: 'first' }]]) });
    try {
      const results = await Promise.allSettled([
        mine.commit('p', { version: 1, expectedCheckpoint: 3n, checkpoint: 5n, changes: new Map([['k', { by: 'a' }]]) }),
        other.commit('p', { version: 1, expectedCheckpoint: 3n, checkpoint: 6n, changes: new Map([['k', { by: 'b' }]]) }),
      ]);
      const won = results.findIndex((r) => r.status === 'fulfilled');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results[1 - won] as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({ code: 'concurrency', expected: 3n, actual: won === 0 ? 5n : 6n });
      expect(await store.getDocument('p', 'k')).toEqual({ by: won === 0 ? 'a' : 'b' });
      expect(await store.getState('p')).toEqual({ version: 1, checkpoint: won === 0 ? 5n : 6n });
    } finally {
      await Promise.all([mine.close(), other.close()]);
      await Promise.all(hosts.map((pool) => pool.end()));
    }
  });

  it('refuses a commit of another version than the stored one', async () => {
    await store.commit('p', { version: 1, expectedCheckpoint: null, checkpoint: 3n, changes: new Map([['k', { n: 1 }]]) });
    await expect(
      store.commit('p', { version: 2, expectedCheckpoint: 3n, checkpoint: 4n, changes: new Map([['k', { n: 2 }]]) }),
    ).rejects.toMatchObject({ code: 'concurrency' });
    expect(await store.getDocument('p', 'k')).toEqual({ n: 1 });
  });

  it('lists by prefix literally, whatever the characters, in code point order', async () => {
    const keys = ['a%b:1', 'a_b:1', 'ab:1', 'a\\b:1', 'ả:2', 'ả:1', 'a', 'b'];
    await store.commit('p', { version: 1, expectedCheckpoint: null, checkpoint: 1n, changes: new Map(keys.map((k) => [k, { k }])) });
    const list = async (prefix?: string) => (await store.listDocuments('p', prefix === undefined ? {} : { prefix })).map((d) => d.key);
    expect(await list('a%')).toEqual(['a%b:1']);
    expect(await list('a_')).toEqual(['a_b:1']);
    expect(await list('a\\')).toEqual(['a\\b:1']);
    expect(await list('ả')).toEqual(['ả:1', 'ả:2']);
    expect(await list('a')).toEqual(['a', 'a%b:1', 'a\\b:1', 'a_b:1', 'ab:1']);
    expect(await list()).toEqual([...keys].sort());
  });

  it('refuses to promote what was never staged', async () => {
    await expect(store.promote('nothing~rebuild', 'nothing')).rejects.toMatchObject({ code: 'not_found' });
  });

  it("works on the host's pool and leaves it open on close", async () => {
    const host = new Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    try {
      const hosted = createPostgresProjectionStore({ pool: host, schema });
      await hosted.commit('p', { version: 1, expectedCheckpoint: null, checkpoint: 1n, changes: new Map([['k', { n: 1 }]]) });
      await hosted.close();
      expect(await store.getDocument('p', 'k')).toEqual({ n: 1 });
      expect((await host.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
    } finally {
      await host.end();
    }
  });
});
