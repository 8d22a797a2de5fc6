import { createInMemoryEventStore, createProjectionRunner } from '@thidua/eventsourcing';
import { TALLY_PROJECTION, tallyProjection } from '@thidua/eventsourcing/testing';
import { tempDatabasePath } from './__fixtures__/sqlite-target';
import { createSqliteProjectionLeases, createSqliteProjectionStore } from '.';

describe('SQLite projection leases', () => {
  let file: ReturnType<typeof tempDatabasePath>;
  let now = 1_000_000;
  const clock = () => now;
  const closers: (() => Promise<void>)[] = [];
  const open = () => {
    const leases = createSqliteProjectionLeases({ database: file.path, clock });
    closers.push(() => leases.close());
    return leases;
  };
  beforeEach(() => {
    file = tempDatabasePath();
    now = 1_000_000;
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    file.remove();
  });

  it('gives a lease to one holder across connections until it expires or is released', async () => {
    const a = open();
    const b = open();
    expect(await a.tryAcquire('standings', 'a', 1_000)).toBe(true);
    expect(await b.tryAcquire('standings', 'b', 1_000)).toBe(false);
    expect(await b.holder('standings')).toEqual({ owner: 'a', expiresAt: 1_001_000 });
    // Renewal by the holder moves the expiry.
    now += 900;
    expect(await a.tryAcquire('standings', 'a', 1_000)).toBe(true);
    now += 900;
    expect(await b.tryAcquire('standings', 'b', 1_000)).toBe(false);
    // Past the expiry anyone may take it.
    now += 200;
    expect(await b.holder('standings')).toBeNull();
    expect(await b.tryAcquire('standings', 'b', 1_000)).toBe(true);
    // Releasing someone else's lease does nothing; releasing one's own frees it.
    await a.release('standings', 'a');
    expect((await a.holder('standings'))?.owner).toBe('b');
    await b.release('standings', 'b');
    expect(await a.tryAcquire('standings', 'a', 1_000)).toBe(true);
    expect(await a.tryAcquire('other', 'b', 1_000)).toBe(true);
  });

  it('lets exactly one of many racing holders take a free lease', async () => {
    const contenders = Array.from({ length: 6 }, () => open());
    const won = await Promise.all(contenders.map((leases, i) => leases.tryAcquire('audit', `p${i}`, 5_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('serves leased runners: the second stands by while the first holds the lease, then takes over', async () => {
    now = Date.now();
    const events = createInMemoryEventStore();
    const score = (n: number) => events.appendToStream('pledge-a', [{ type: 'Counted', data: { n } }]);
    await score(1);
    const projections = createSqliteProjectionStore({ database: file.path });
    closers.push(() => projections.close());
    const runner = (owner: string) =>
      createProjectionRunner({ eventStore: events, projectionStore: projections, projection: tallyProjection({ applier: owner }), lease: { leases: open(), owner, ttlMs: 60_000, retryMs: 5 } });
    const first = runner('first');
    first.start();
    await first.waitForPosition(1n);
    const second = runner('second');
    second.start();
    await score(2);
    await first.waitForPosition(2n);
    expect((await open().holder(TALLY_PROJECTION))?.owner).toBe('first');
    await first.stop();
    await score(3);
    await second.waitForPosition(3n);
    expect((await open().holder(TALLY_PROJECTION))?.owner).toBe('second');
    await second.stop();
    expect(await projections.getDocument(TALLY_PROJECTION, 'pledge-a')).toEqual({ version: 1, positions: ['1', '2', '3'], appliedBy: ['first', 'first', 'second'] });
    await events.close();
  });
});
