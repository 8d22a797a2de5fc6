import { createInMemoryEventStore } from './in-memory-event-store';
import type { RecordedEvent } from '../envelope/envelope';

/*
 * The in-memory store holds one copy of what consecutive events of a stream
 * share (the actor, short ids): smaller, and still each event's own value.
 */
async function readAll(store: ReturnType<typeof createInMemoryEventStore>, streamId: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(streamId)) events.push(event);
  return events;
}

const actor = () => ({ id: 'can-bo-1', role: 'member', unitId: 'don-vi-1' });

describe('in-memory store representation', () => {
  it("shares the previous event's actor when it is the same, across appends", async () => {
    const store = createInMemoryEventStore();
    await store.appendToStream('s-1', [{ type: 'A', data: { n: 1 }, metadata: { actor: actor() } }], { expectedRevision: 'no_stream' });
    await store.appendToStream('s-1', [{ type: 'A', data: { n: 2 }, metadata: { actor: actor() } }, { type: 'A', data: { n: 3 }, metadata: { actor: actor() } }], { expectedRevision: 0n });
    const [first, second, third] = await readAll(store, 's-1');
    expect(second!.metadata['actor']).toBe(first!.metadata['actor']);
    expect(third!.metadata['actor']).toBe(first!.metadata['actor']);
    expect(Object.isFrozen(first!.metadata['actor'])).toBe(true);
  });

  it('keeps an actor of its own when it differs in a value, a key or key order', async () => {
    const store = createInMemoryEventStore();
    const variants = [actor(), { ...actor(), role: 'chair' }, { id: 'can-bo-1', role: 'member' }, { role: 'member', id: 'can-bo-1', unitId: 'don-vi-1' }, { ...actor(), unitId: { nested: true } }];
    await store.appendToStream('s-2', variants.map((a, n) => ({ type: 'A', data: { n }, metadata: { actor: a } })), { expectedRevision: 'no_stream' });
    const events = await readAll(store, 's-2');
    events.forEach((event, i) => {
      expect(event.metadata['actor']).toEqual(variants[i]);
      // Key order is kept as given: it is what an export writes.
      expect(Object.keys(event.metadata['actor'] as object)).toEqual(Object.keys(variants[i]!));
      if (i > 0) expect(event.metadata['actor']).not.toBe(events[i - 1]!.metadata['actor']);
    });
  });

  it("is not changed by the caller's objects changing after the append", async () => {
    const store = createInMemoryEventStore();
    const shared = actor();
    const data = { note: 'Minh chứng số 1', tags: ['a'] };
    await store.appendToStream('s-3', [{ type: 'A', data, metadata: { actor: shared } }], { expectedRevision: 'no_stream' });
    shared.role = 'chair';
    data.tags.push('b');
    const [event] = await readAll(store, 's-3');
    expect(event!.metadata['actor']).toEqual(actor());
    expect(event!.data).toEqual({ note: 'Minh chứng số 1', tags: ['a'] });
  });

  it("keeps each event's own values where it shares others with the event before it", async () => {
    const store = createInMemoryEventStore();
    const events = [
      { type: 'A', data: { pledgeId: 'p-1', points: 1, tags: ['x', 'y'], nested: { k: 'v' } }, metadata: { commandId: 'c-1', correlationId: 'c-1', causationId: 'c-0' } },
      { type: 'A', data: { pledgeId: 'p-1', points: 2, tags: ['x', 'z'], nested: { k: 'w' } }, metadata: { commandId: 'c-2', correlationId: 'c-1', causationId: 'c-2' } },
      { type: 'B', data: { pledgeId: 'p-2', tags: ['x'], extra: 'p-1' }, metadata: { commandId: 'c-2', correlationId: 'c-2', causationId: 'c-2' } },
    ];
    await store.appendToStream('s-5', events.slice(0, 1), { expectedRevision: 'no_stream' });
    await store.appendToStream('s-5', events.slice(1), { expectedRevision: 0n });
    const read = await readAll(store, 's-5');
    expect(read.map((e) => ({ type: e.type, data: e.data, metadata: { ...e.metadata, prevHash: undefined, hash: undefined } }))).toEqual(
      events.map((e) => ({ ...e, metadata: { ...e.metadata, prevHash: undefined, hash: undefined } })),
    );
    expect(read.map((e) => e.streamId)).toEqual(['s-5', 's-5', 's-5']);
  });

  it('gives revisions and positions as bigints, past the shared small revisions too', async () => {
    const store = createInMemoryEventStore();
    const events = Array.from({ length: 1_030 }, (_, n) => ({ type: 'A', data: { n } }));
    await store.appendToStream('s-4', events, { expectedRevision: 'no_stream' });
    const read = await readAll(store, 's-4');
    expect(read.map((e) => e.revision)).toEqual(events.map((_, n) => BigInt(n)));
    expect(read[1_029]!.position).toBe(1_030n);
  });
});
