import type { EventStore } from '../event-store/event-store';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { expectRejectedWithNothingAppended } from '../testing/expect-nothing-appended';
import { v5 as uuidv5 } from 'uuid';
import { createCommandHandler, eventIdFor, THIDUA_EVENT_NAMESPACE } from '.';
import { actor, add, counter, type Add, type Added } from './counter.test-helper';

describe('command handler', () => {
  let store: EventStore;
  beforeEach(() => {
    store = createInMemoryEventStore();
  });

  const handlerFor = (extra: Partial<Parameters<typeof createCommandHandler<Add, Added, number>>[0]> = {}) =>
    createCommandHandler<Add, Added, number>({ eventStore: store, decider: counter, streamId: (c) => `counter-${c.data.counter}`, ...extra });

  it('loads, decides and appends with command metadata and ids derived from the command id', async () => {
    const handle = handlerFor();
    await handle(add('cmd-1', 2));
    const result = await handle({ ...add('cmd-2', 6), correlationId: 'corr-9' });
    expect(result.state).toBe(8);
    expect(result.revision).toBe(2n);
    expect(result.duplicate).toBe(false);
    expect(result.events.map((e) => e.id)).toEqual([eventIdFor('cmd-2', 'counter-c1', 0), eventIdFor('cmd-2', 'counter-c1', 1)]);
    expect(result.events[0]!.metadata).toMatchObject({ commandId: 'cmd-2', correlationId: 'corr-9', causationId: 'cmd-2', actor });
    expect(eventIdFor('cmd-2', 'counter-c1', 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('is idempotent by commandId: a re-sent command appends nothing and returns the first result', async () => {
    const handle = handlerFor();
    const first = await handle(add('cmd-1', 6));
    const head = await store.headPosition();
    // Even a re-send that would now break a rule returns the first result.
    const again = await handle(add('cmd-1', 6));
    expect(again.duplicate).toBe(true);
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(again.position).toBe(first.position);
    expect(await store.headPosition()).toBe(head);
  });

  it('appends nothing when decide rejects or decides nothing', async () => {
    const handle = handlerFor();
    await handle(add('cmd-1', 9));
    await expectRejectedWithNothingAppended(store, () => handle(add('cmd-2', 5)), 'rule_violated', 'counter.over_ten');
    const none = await handle(add('cmd-3', 0));
    expect(none.events).toEqual([]);
    expect(none.revision).toBe(1n);
  });

  it('retries on a concurrent write, deciding again on the new state', async () => {
    let interfere = true;
    const handle = handlerFor({
      loadContext: async () => {
        if (interfere) {
          interfere = false;
          await store.appendToStream('counter-c1', [{ type: 'Added', data: { n: 3 } }]);
        }
        return undefined;
      },
    });
    const result = await handle(add('cmd-1', 2));
    expect(result.state).toBe(5);
    expect(result.revision).toBe(1n);
  });

  it('gives up after the bounded number of attempts with a concurrency error, appending nothing of its own', async () => {
    let n = 0;
    const handle = handlerFor({
      retry: { maxAttempts: 3, initialDelayMs: 0 },
      loadContext: async () => {
        n += 1;
        await store.appendToStream('counter-c1', [{ type: 'Added', data: { n: 0 } }]);
        return undefined;
      },
    });
    await expect(handle(add('cmd-1', 1))).rejects.toMatchObject({ code: 'concurrency', streamId: 'counter-c1' });
    expect(n).toBe(3);
    const events = [];
    for await (const e of store.readStream('counter-c1')) events.push(e);
    expect(events.every((e) => e.metadata.commandId === undefined)).toBe(true);
  });

  it('derives event ids from the command id and the stream: one commandId on two streams gives distinct ids', async () => {
    const handle = handlerFor();
    const one = await handle(add('shared-1', 2, 'c1'));
    const two = await handle(add('shared-1', 2, 'c2'));
    expect(two.duplicate).toBe(false);
    expect(one.events[0]!.id).toBe(eventIdFor('shared-1', 'counter-c1', 0));
    expect(two.events[0]!.id).toBe(eventIdFor('shared-1', 'counter-c2', 0));
    expect(one.events[0]!.id).not.toBe(two.events[0]!.id);
    // Pinned: a changed derivation would stop EventStoreDB's dedupe from recognising re-sent commands.
    expect(eventIdFor('shared-1', 'counter-c1', 0)).toBe(uuidv5('["shared-1","counter-c1",0]', THIDUA_EVENT_NAMESPACE));
    // Parts cannot run into each other: a slash in a command id does not fake another stream or index.
    expect(eventIdFor('a/b', 'c', 0)).not.toBe(eventIdFor('a', 'b/c', 0));
  });

  it('refuses the same commandId for another command, actor or data with command_id_reused naming the first use', async () => {
    const handle = handlerFor();
    const first = await handle(add('g-1', 9));
    const firstEvent = first.events[0]!;
    const reuses: Add[] = [
      add('g-1', 3),
      { ...add('g-1', 9), actor: { id: 'someone-else', role: 'council' } },
      { ...add('g-1', 9), command: 'Subtract' } as unknown as Add,
    ];
    for (const reuse of reuses) {
      const refused = await expectRejectedWithNothingAppended(store, () => handle(reuse), 'command_id_reused');
      expect(refused).toMatchObject({
        commandId: 'g-1',
        firstUse: { streamId: 'counter-c1', revision: firstEvent.revision, recordedAt: firstEvent.recordedAt },
      });
      expect((refused as Error).message).toContain(`counter-c1@${firstEvent.revision}`);
    }
    // The same command again is still a plain re-send, whatever correlation it comes with.
    const again = await handle({ ...add('g-1', 9), correlationId: 'retry-from-elsewhere' });
    expect(again.duplicate).toBe(true);
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
  });

  it('takes a re-send against events recorded without a command digest (older logs) for the same command', async () => {
    // Written as an earlier version did: ids from commandId/index only, no digest in the metadata.
    const legacyId = uuidv5('old-1/0', THIDUA_EVENT_NAMESPACE);
    await store.appendToStream(
      'counter-c1',
      [{ id: legacyId, type: 'Added', data: { n: 4 }, metadata: { commandId: 'old-1', correlationId: 'old-1', causationId: 'old-1', actor } }],
      { expectedRevision: 'no_stream' },
    );
    const head = await store.headPosition();
    const again = await handlerFor()(add('old-1', 1));
    expect(again.duplicate).toBe(true);
    expect(again.events.map((e) => e.id)).toEqual([legacyId]);
    expect(again.state).toBe(4);
    expect(await store.headPosition()).toBe(head);
  });
});
