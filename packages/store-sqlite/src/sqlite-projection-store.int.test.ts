import Database from 'better-sqlite3';
import { createProjectionRunner, type ProjectionStore } from '@thidua/eventsourcing';
import { TALLY_PROJECTION, tallyProjection, type TallyDoc } from '@thidua/eventsourcing/testing';
import { createSqliteEventStore, createSqliteProjectionStore } from '.';

describe('SQLite projection store', () => {
  let db: Database.Database;
  let store: ProjectionStore;
  beforeEach(() => {
    db = new Database(':memory:');
    store = createSqliteProjectionStore({ database: db });
  });
  afterEach(async () => {
    await store.close();
    db.close();
  });

  it('shares a host connection with the event store and leaves it open on close', async () => {
    const events = createSqliteEventStore({ database: db });
    await events.appendToStream('pledge-a', [{ type: 'Counted', data: {} }]);
    await events.appendToStream('pledge-b', [{ type: 'Counted', data: {} }]);
    await createProjectionRunner({ eventStore: events, projectionStore: store, projection: tallyProjection({ applier: 'host' }) }).catchUp();
    expect(await store.getDocument<TallyDoc>(TALLY_PROJECTION, 'pledge-b')).toEqual({ version: 1, positions: ['2'], appliedBy: ['host'] });
    await events.close();
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT checkpoint FROM thidua_projections WHERE name = ?').pluck().get(TALLY_PROJECTION)).toBe('2');
    await expect(store.getState(TALLY_PROJECTION)).rejects.toThrow(/closed/);
  });

  it('loads any number of documents in one read, whatever their keys hold', async () => {
    const keys = Array.from({ length: 2_000 }, (_, i) => `k:${i}:"quoted"\\'ẩ`);
    await store.commit('many', { version: 1, expectedCheckpoint: null, checkpoint: 1n, changes: new Map(keys.map((k, i) => [k, { i }])) });
    const loaded = await store.getDocuments('many', [...keys, 'missing']);
    expect(loaded.size).toBe(2_000);
    expect(loaded.get(keys[1_999]!)).toEqual({ i: 1_999 });
    expect(await store.getDocuments('many', [])).toEqual(new Map());
    expect(await store.getDocuments('many', [keys[7]!])).toEqual(new Map([[keys[7]!, { i: 7 }]]));
    expect(await store.getDocuments('many', ['missing'])).toEqual(new Map());
  });

  it('lists by prefix literally: LIKE wildcards and the last code point are plain characters', async () => {
    const keys = ['a%b', 'a%c', 'axb', 'a_b', 'aab', 'z\u{10FFFF}1', 'z\u{10FFFF}', 'z'];
    await store.commit('prefixes', { version: 1, expectedCheckpoint: null, checkpoint: 1n, changes: new Map(keys.map((k) => [k, { k }])) });
    const list = async (prefix: string) => (await store.listDocuments('prefixes', { prefix })).map((d) => d.key);
    expect(await list('a%')).toEqual(['a%b', 'a%c']);
    expect(await list('a_')).toEqual(['a_b']);
    expect(await list('z\u{10FFFF}')).toEqual(['z\u{10FFFF}', 'z\u{10FFFF}1']);
    expect(await list('')).toHaveLength(keys.length);
  });

  it('refuses a commit for another version of the projection, writing nothing', async () => {
    await store.commit('v', { version: 1, expectedCheckpoint: null, checkpoint: 3n, changes: new Map([['k', { n: 1 }]]) });
    await expect(store.commit('v', { version: 2, expectedCheckpoint: 3n, checkpoint: 4n, changes: new Map([['k', { n: 2 }]]) })).rejects.toMatchObject({
      code: 'concurrency',
    });
    expect(await store.getDocument('v', 'k')).toEqual({ n: 1 });
  });

  it('refuses a document that is not JSON with validation_failed naming the key', async () => {
    await expect(
      store.commit('bad', { version: 1, expectedCheckpoint: null, checkpoint: 1n, changes: new Map<string, unknown>([['fn', () => 1]]) }),
    ).rejects.toMatchObject({ code: 'validation_failed', issues: [{ path: 'changes.fn' }] });
    expect(await store.getState('bad')).toBeNull();
  });

  it('resets one projection without touching another, and refuses to promote nothing', async () => {
    await store.commit('p', { version: 1, expectedCheckpoint: null, checkpoint: 2n, changes: new Map([['k', { of: 'p' }]]) });
    await store.commit('q', { version: 1, expectedCheckpoint: null, checkpoint: 2n, changes: new Map([['k', { of: 'q' }]]) });
    await store.reset('p', 2);
    expect(await store.getDocument('q', 'k')).toEqual({ of: 'q' });
    expect(await store.getState('p')).toEqual({ version: 2, checkpoint: null });
    await expect(store.promote('nothing~rebuild', 'q')).rejects.toThrow(/Nothing staged/);
    expect(await store.getDocument('q', 'k')).toEqual({ of: 'q' });
  });
});
