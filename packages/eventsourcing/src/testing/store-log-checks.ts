import type { RecordedEvent } from '../envelope/envelope';
import type { EventStore, StoreCapabilities } from '../event-store/event-store';
import { verifyChains } from '../hash-chain/hash-chain';

/** Every item of an async iterable, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * Reads the whole raw log and checks what every store promises of it after
 * anything (a crash, racing processes): positions increasing (exactly 1, 2,
 * 3… where the store says they are dense), the head at the last one, and
 * every hash chain whole.
 */
export async function expectSoundLog(store: EventStore, capabilities: StoreCapabilities = store.capabilities): Promise<RecordedEvent[]> {
  const events = await collect(store.readAll({ raw: true }));
  if (capabilities.densePositions) expect(events.map((e) => e.position)).toEqual(events.map((_, i) => BigInt(i + 1)));
  for (let i = 1; i < events.length; i += 1) expect(events[i]!.position > events[i - 1]!.position).toBe(true);
  expect(await store.headPosition()).toBe(events.length === 0 ? null : events[events.length - 1]!.position);
  const chains = await verifyChains(events);
  expect(chains.firstBreak).toBeNull();
  expect(chains.verified).toBe(events.length);
  return events;
}

/** What the appender children write: `of` events per append, `k` = 0…of−1, all carrying the append's `batch` id. */
export interface BatchData {
  batch: string;
  k: number;
  of: number;
}

/**
 * The appends found in `events`, by batch id, in log order; each checked
 * whole: all of its events, on one stream, at consecutive revisions (and
 * consecutive positions where positions are dense).
 */
export function wholeBatches(events: readonly RecordedEvent[], densePositions: boolean): Map<string, RecordedEvent[]> {
  const batches = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const { batch } = event.data as BatchData;
    if (typeof batch !== 'string') continue;
    batches.set(batch, [...(batches.get(batch) ?? []), event]);
  }
  for (const [batch, members] of batches) {
    const first = members[0]!;
    const { of } = first.data as BatchData;
    expect({ batch, k: members.map((e) => (e.data as BatchData).k) }).toEqual({ batch, k: Array.from({ length: of }, (_, k) => k) });
    expect({ batch, streams: new Set(members.map((e) => e.streamId)).size }).toEqual({ batch, streams: 1 });
    expect({ batch, revisions: members.map((e) => e.revision - first.revision) }).toEqual({ batch, revisions: members.map((_, k) => BigInt(k)) });
    if (densePositions) {
      expect({ batch, positions: members.map((e) => e.position - first.position) }).toEqual({ batch, positions: members.map((_, k) => BigInt(k)) });
    }
  }
  return batches;
}
