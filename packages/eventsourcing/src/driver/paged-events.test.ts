import type { RecordedEvent } from '../envelope/envelope';
import { PagedEvents } from './paged-events';

const event = (n: number): RecordedEvent => ({
  id: `id-${n}`,
  streamId: 's',
  revision: BigInt(n),
  position: BigInt(n + 1),
  type: 'T',
  schemaVersion: 1,
  data: { n },
  metadata: { prevHash: null, hash: 'h' },
  recordedAt: '2026-01-01T00:00:00.000Z',
});

/** Pages of the given sizes, then null; counts how many times a page was asked for. */
function source(sizes: number[]) {
  let next = 0;
  let asked = 0;
  return {
    get asked() {
      return asked;
    },
    nextPage: async () => {
      asked += 1;
      const size = sizes.shift();
      if (size === undefined) return null;
      const page = Array.from({ length: size }, () => event(next++));
      return page;
    },
  };
}

const collect = async (iterable: AsyncIterable<RecordedEvent>) => {
  const out: number[] = [];
  for await (const e of iterable) out.push(Number(e.revision));
  return out;
};

describe('paged events', () => {
  it('hands out every event of every page in order, skipping empty pages, and fetches nothing before the first next()', async () => {
    const pages = source([2, 0, 3]);
    const events = new PagedEvents(pages.nextPage, (e) => e);
    expect(pages.asked).toBe(0);
    expect(await collect(events)).toEqual([0, 1, 2, 3, 4]);
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });

  it('queues calls made while a page loads, as an async generator does', async () => {
    const pages = source([3]);
    const events = new PagedEvents(pages.nextPage, (e) => e);
    const results = await Promise.all([events.next(), events.next(), events.next(), events.next()]);
    expect(results.map((r) => (r.done ? 'done' : Number(r.value.revision)))).toEqual([0, 1, 2, 'done']);
    expect(pages.asked).toBe(2);
  });

  it('stops on return() (a break out of for await) and asks for no further page', async () => {
    const pages = source([2, 2, 2]);
    const events = new PagedEvents(pages.nextPage, (e) => e);
    const seen: number[] = [];
    for await (const e of events) {
      seen.push(Number(e.revision));
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(pages.asked).toBe(2);
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });

  it('rejects with the error of a failed page or a failed delivery, then is done', async () => {
    const failing = new PagedEvents(() => Promise.reject(new Error('store down')), (e) => e);
    await expect(failing.next()).rejects.toThrow('store down');
    expect(await failing.next()).toEqual({ value: undefined, done: true });

    const pages = source([3]);
    const corrupt = new PagedEvents(pages.nextPage, (e) => {
      if (e.revision === 1n) throw new Error('corrupt');
      return e;
    });
    expect((await corrupt.next()).value?.revision).toBe(0n);
    await expect(corrupt.next()).rejects.toThrow('corrupt');
    expect(await corrupt.next()).toEqual({ value: undefined, done: true });
  });
});
