import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { createInMemoryProjectionStore } from '../in-memory/in-memory-projection-store';
import type { Projection } from '../projections/projection';
import type { ProjectionLeases } from '../projections/projection-leases';
import { createProjectionRunner } from '../projections/projection-runner';
import { waitUntil } from './wait-until';

/**
 * One fresh lease storage (a database, a file, a map) for one test. `open()`
 * returns another handle on that same storage, as a second process or
 * connection would open it; adapters whose handles cannot differ may return
 * the same object every time.
 */
export interface ProjectionLeasesFixture {
  open(): Promise<ProjectionLeases>;
  /** Closes every handle `open()` returned and removes the storage. */
  close(): Promise<void>;
}

/** Builds a {@link ProjectionLeasesFixture} over fresh, empty storage; the suite closes it after each test. */
export type ProjectionLeasesFactory = () => Promise<ProjectionLeasesFixture>;

let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${process.pid}-${(counter += 1)}`;
/** Long enough that no test ever sees it run out by accident, however slow the machine. */
const LONG_TTL_MS = 60_000;

interface Positions {
  positions: string[];
}

/** Records every position applied per stream, so an event applied twice or missed changes the document. */
function positionsProjection(name: string): Projection<Positions> {
  return {
    name,
    version: 1,
    handles: ['Ticked'],
    keys: (event) => [event.streamId],
    apply(event, docs) {
      const doc = docs.get(event.streamId) ?? { positions: [] };
      docs.set(event.streamId, { positions: [...doc.positions, event.position.toString()] });
    },
  };
}

/**
 * The conformance suite every `ProjectionLeases` adapter runs: one holder per
 * projection across handles, renewal, release, expiry and takeover, a race
 * for a free lease, and the kernel's leased runner on top. Expiry is tested
 * on the adapter's own clock (a short lease is left to run out), so no test
 * needs a fake clock and every assertion holds on a slow machine.
 *
 * @example
 * describeProjectionLeasesContract('memory', async () => {
 *   const leases = createInMemoryProjectionLeases();
 *   return { open: async () => leases, close: async () => undefined };
 * });
 */
export function describeProjectionLeasesContract(name: string, factory: ProjectionLeasesFactory): void {
  describe(`ProjectionLeases contract: ${name}`, () => {
    let fixture: ProjectionLeasesFixture;
    let first: ProjectionLeases;
    let second: ProjectionLeases;
    beforeEach(async () => {
      fixture = await factory();
      first = await fixture.open();
      second = await fixture.open();
    });
    afterEach(async () => {
      await fixture.close();
    });

    it('knows no holder of a projection nobody leased, and releasing it does nothing', async () => {
      const p = uniqueName('unknown');
      expect(await first.holder(p)).toBeNull();
      await first.release(p, 'a');
      expect(await second.holder(p)).toBeNull();
    });

    it('gives a free lease to the first owner, and every handle sees that holder', async () => {
      const p = uniqueName('free');
      expect(await first.tryAcquire(p, 'a', LONG_TTL_MS)).toBe(true);
      const seen = await second.holder(p);
      expect(seen).toEqual({ owner: 'a', expiresAt: expect.any(Number) });
      expect(await first.holder(p)).toEqual(seen);
    });

    it('refuses another owner while the lease runs, from any handle', async () => {
      const p = uniqueName('held');
      expect(await first.tryAcquire(p, 'a', LONG_TTL_MS)).toBe(true);
      expect(await second.tryAcquire(p, 'b', LONG_TTL_MS)).toBe(false);
      expect(await first.tryAcquire(p, 'b', LONG_TTL_MS)).toBe(false);
      expect((await second.holder(p))?.owner).toBe('a');
    });

    it('lets the holder renew from any handle, moving the expiry forward', async () => {
      const p = uniqueName('renew');
      expect(await first.tryAcquire(p, 'a', 10_000)).toBe(true);
      const before = (await first.holder(p))!.expiresAt;
      expect(await second.tryAcquire(p, 'a', LONG_TTL_MS)).toBe(true);
      const after = await first.holder(p);
      expect(after?.owner).toBe('a');
      // 50 s further out: no clock jitter or slow round trip can explain that away.
      expect(after!.expiresAt).toBeGreaterThan(before + 40_000);
    });

    it('frees the lease when its holder releases it, and only then', async () => {
      const p = uniqueName('release');
      expect(await first.tryAcquire(p, 'a', LONG_TTL_MS)).toBe(true);
      await second.release(p, 'b');
      expect((await first.holder(p))?.owner).toBe('a');
      expect(await second.tryAcquire(p, 'b', LONG_TTL_MS)).toBe(false);
      await second.release(p, 'a');
      expect(await first.holder(p)).toBeNull();
      expect(await second.tryAcquire(p, 'b', LONG_TTL_MS)).toBe(true);
      expect((await first.holder(p))?.owner).toBe('b');
    });

    it('hands an expired lease to another owner, and the former holder cannot renew it back', async () => {
      const p = uniqueName('expiry');
      expect(await first.tryAcquire(p, 'a', 100)).toBe(true);
      await waitUntil(async () => (await second.holder(p)) === null, { what: 'the 100 ms lease to expire' });
      expect(await second.tryAcquire(p, 'b', LONG_TTL_MS)).toBe(true);
      expect(await first.tryAcquire(p, 'a', LONG_TTL_MS)).toBe(false);
      expect((await first.holder(p))?.owner).toBe('b');
    });

    it('keeps the leases of different projections apart', async () => {
      const [p, q] = [uniqueName('apart'), uniqueName('apart')];
      expect(await first.tryAcquire(p, 'a', LONG_TTL_MS)).toBe(true);
      expect(await second.tryAcquire(q, 'b', LONG_TTL_MS)).toBe(true);
      await first.release(p, 'a');
      expect(await first.holder(p)).toBeNull();
      expect((await first.holder(q))?.owner).toBe('b');
    });

    it('gives a free lease to exactly one of many owners racing for it', async () => {
      const p = uniqueName('race');
      const handles = [first, second, await fixture.open(), await fixture.open()];
      const owners = Array.from({ length: 8 }, (_, i) => `owner-${i}`);
      const won = await Promise.all(owners.map((owner, i) => handles[i % handles.length]!.tryAcquire(p, owner, LONG_TTL_MS)));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect((await first.holder(p))?.owner).toBe(owners[won.indexOf(true)]);
    });

    it('serves the leased runner: one runner applies, the other stands by and takes over from the checkpoint', async () => {
      const projection = positionsProjection(uniqueName('runner'));
      const events = createInMemoryEventStore();
      const documents = createInMemoryProjectionStore();
      const tick = (stream: string) => events.appendToStream(stream, [{ type: 'Ticked', data: {} }]);
      const runner = (leases: ProjectionLeases, owner: string) =>
        createProjectionRunner({
          eventStore: events,
          projectionStore: documents,
          projection,
          batchSize: 2,
          lease: { leases, owner, ttlMs: LONG_TTL_MS, retryMs: 10 },
        });
      const a = runner(first, 'a');
      const b = runner(second, 'b');
      try {
        await tick('s-1');
        a.start();
        await a.waitForPosition(1n);
        b.start();
        for (let i = 0; i < 5; i += 1) await tick(`s-${i % 2}`);
        await a.waitForPosition(6n);
        expect((await second.holder(projection.name))?.owner).toBe('a');

        // Stopping releases the lease: the standby takes over at once, not after the ttl.
        await a.stop();
        for (let i = 0; i < 5; i += 1) await tick(`s-${i % 2}`);
        await b.waitForPosition(11n, { timeoutMs: 10_000 });
        expect((await first.holder(projection.name))?.owner).toBe('b');
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      expect(await first.holder(projection.name)).toBeNull();

      const log: string[][] = [[], []];
      for await (const event of events.readAll()) log[event.streamId === 's-0' ? 0 : 1]!.push(event.position.toString());
      expect(await documents.getDocument(projection.name, 's-0')).toEqual({ positions: log[0] });
      expect(await documents.getDocument(projection.name, 's-1')).toEqual({ positions: log[1] });
      await Promise.all([events.close(), documents.close()]);
    });
  });
}
