import { v4 as uuidv4 } from 'uuid';
import { createCommandHandler } from '../command-handler/command-handler';
import { eventIdFor } from '../command-handler/event-ids';
import type { Command } from '../command-handler/command';
import type { Decider, DomainEvent } from '../decider/decider';
import type { NewEvent } from '../envelope/envelope';
import type { EventStore, ExpectedRevision } from '../event-store';
import type { EventStoreFactory } from './event-store-contract';
import { expectRejectedWithNothingAppended } from './expect-nothing-appended';
import { lostReplies, type LostReplies } from './lost-reply-driver';
import { collect } from './store-log-checks';

let counter = 0;
const uniqueStream = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter += 1)}`;
const batchOf = (...ns: number[]): NewEvent[] => ns.map((n) => ({ id: uuidv4(), type: 'Tested', data: { n }, metadata: { note: `n=${n}` } }));

/** A one-rule decider for the command-id cases: every command appends one event to the stream it names. */
type Count = Command<'Count', { stream: string }>;
type Counted = DomainEvent<'Counted', { stream: string }>;
const tally: Decider<Count, Counted, number> = {
  initialState: () => 0,
  decide: (command) => [{ type: 'Counted', data: { stream: command.data.stream } }],
  evolve: (state) => state + 1,
};

/** Each expected-revision form, and how to set a stream up so the form fits before the first try. */
const FORMS: { label: string; existing: boolean; expected: ExpectedRevision }[] = [
  { label: "'any'", existing: true, expected: 'any' },
  { label: "'any' on a new stream", existing: false, expected: 'any' },
  { label: "'stream_exists'", existing: true, expected: 'stream_exists' },
  { label: "'no_stream'", existing: false, expected: 'no_stream' },
  { label: 'an exact revision', existing: true, expected: 0n },
];

/**
 * The integrity rules every store keeps (run by `describeEventStoreContract`):
 * ids derived from the command and the stream, the idempotent re-append under
 * every expected-revision form (also after a lost reply), ids unique in the
 * whole store where the store declares `uniqueEventIds`, and text every store
 * can hold. The store's own capabilities decide what is asserted. The factory
 * must pass `wrapDriver` on to the store: the lost replies are injected
 * through it.
 */
export function describeIntegrityContract(name: string, factory: EventStoreFactory): void {
  describe(`EventStore integrity: ${name}`, () => {
    let store: EventStore;
    let replies: LostReplies;
    beforeEach(async () => {
      replies = lostReplies();
      store = await factory({ wrapDriver: replies.wrapDriver });
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores distinct event ids when one commandId is used on two streams', async () => {
      const handle = createCommandHandler({ eventStore: store, decider: tally, streamId: (command: Count) => command.data.stream });
      const [a, b] = [uniqueStream('cmd-a'), uniqueStream('cmd-b')];
      const commandId = `shared-${uuidv4()}`;
      const actor = { id: 'tester', role: 'council' };
      await handle({ command: 'Count', commandId, actor, data: { stream: a } });
      const second = await handle({ command: 'Count', commandId, actor, data: { stream: b } });
      expect(second.duplicate).toBe(false);
      const [inA, inB] = [await collect(store.readStream(a, { raw: true })), await collect(store.readStream(b, { raw: true }))];
      expect(inA.map((e) => e.id)).toEqual([eventIdFor(commandId, a, 0)]);
      expect(inB.map((e) => e.id)).toEqual([eventIdFor(commandId, b, 0)]);
      expect(inA[0]!.id).not.toBe(inB[0]!.id);
    });

    describe('the same events appended again', () => {
      for (const form of FORMS) {
        it(`append nothing and return the first events under ${form.label}, whether or not the first reply was lost`, async () => {
          const s = uniqueStream('again');
          const before = form.existing ? (await store.appendToStream(s, batchOf(0), { expectedRevision: 'no_stream' })).events : [];
          const batch = batchOf(1, 2);
          const options = { expectedRevision: form.expected };

          replies.loseNextReplies();
          await expect(store.appendToStream(s, batch, options)).rejects.toMatchObject({ code: 'store_unavailable', transient: true });
          expect(replies.lost).toBe(1);
          const head = await store.headPosition();
          const stored = await collect(store.readStream(s, { raw: true }));
          expect(stored.map((e) => e.id)).toEqual([...before.map((e) => e.id), ...batch.map((e) => e.id)]);

          for (const attempt of ['after the lost reply', 'sent once more']) {
            const again = await store.appendToStream(s, batch, options);
            expect([attempt, again.alreadyAppended]).toEqual([attempt, true]);
            expect(again.events.map((e) => [e.id, e.revision, e.position])).toEqual(
              stored.slice(before.length).map((e) => [e.id, e.revision, e.position]),
            );
            expect(again.nextExpectedRevision).toBe(stored[stored.length - 1]!.revision);
            expect(again.position).toBe(stored[stored.length - 1]!.position);
            expect(await store.headPosition()).toBe(head);
          }
          expect((await collect(store.readStream(s, { raw: true }))).map((e) => e.id)).toEqual(stored.map((e) => e.id));
        });
      }

      it('are refused when the ids come back with other content, appending nothing', async () => {
        const s = uniqueStream('altered');
        const batch = batchOf(1, 2);
        await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
        const altered = batch.map((event, i) => ({ ...event, data: { n: 10 + i } }));
        // Where the append names its place, the stream has moved on: a conflict. Elsewhere the id is taken.
        await expectRejectedWithNothingAppended(store, () => store.appendToStream(s, altered, { expectedRevision: 'no_stream' }), 'concurrency');
        await expectRejectedWithNothingAppended(store, () => store.appendToStream(s, altered, { expectedRevision: 0n }), 'concurrency');
        for (const expectedRevision of ['any', 'stream_exists'] as const) {
          const refused = await expectRejectedWithNothingAppended(
            store,
            () => store.appendToStream(s, altered, { expectedRevision }),
            'duplicate_event_id',
          );
          expect(refused).toMatchObject({ eventId: batch[0]!.id, streamId: s, existing: { streamId: s, revision: 0n } });
        }
        expect(await store.streamRevision(s)).toBe(1n);
      });
    });

    it('refuses an id already in another stream with duplicate_event_id where it declares uniqueEventIds (writing none of the batch); lets it through where it does not', async () => {
      const [a, b] = [uniqueStream('owner'), uniqueStream('thief')];
      const [taken] = batchOf(1);
      await store.appendToStream(a, [taken!], { expectedRevision: 'no_stream' });
      if (!store.capabilities.uniqueEventIds) {
        // Honest about it: a store that does refuse it should declare uniqueEventIds and meet the stricter branch.
        const result = await store.appendToStream(b, [taken!], { expectedRevision: 'no_stream' });
        expect(result.alreadyAppended).toBe(false);
        expect(result.events.map((e) => [e.streamId, e.id])).toEqual([[b, taken!.id]]);
        return;
      }
      for (const expectedRevision of ['any', 'no_stream'] as const) {
        const refused = await expectRejectedWithNothingAppended(
          store,
          () => store.appendToStream(b, [...batchOf(7), { ...taken!, data: { n: 2 } }], { expectedRevision }),
          'duplicate_event_id',
        );
        expect(refused).toMatchObject({ eventId: taken!.id, streamId: b, existing: { streamId: a, revision: 0n } });
        // The same event, unchanged, is no re-append either when it belongs to another stream.
        await expectRejectedWithNothingAppended(store, () => store.appendToStream(b, [taken!], { expectedRevision }), 'duplicate_event_id');
      }
      expect(await store.streamRevision(b)).toBeNull();
    });

    it("recognises a re-append under 'any' after other writers appended behind the first try where it declares uniqueEventIds; refuses it while the ids are in the stream's tail where it does not", async () => {
      const s = uniqueStream('overtaken');
      const batch = batchOf(1, 2);
      replies.loseNextReplies();
      await expect(store.appendToStream(s, batch)).rejects.toMatchObject({ code: 'store_unavailable' });
      await store.appendToStream(s, batchOf(3));
      const head = await store.headPosition();
      if (!store.capabilities.uniqueEventIds) {
        // Only the tail is looked at: the second event of the batch is there, so the re-send is refused, not written twice.
        await expectRejectedWithNothingAppended(store, () => store.appendToStream(s, batch), 'duplicate_event_id');
        expect(await store.streamRevision(s)).toBe(2n);
        return;
      }
      const again = await store.appendToStream(s, batch);
      expect(again.alreadyAppended).toBe(true);
      expect(again.events.map((e) => [e.id, e.revision])).toEqual([
        [batch[0]!.id, 0n],
        [batch[1]!.id, 1n],
      ]);
      expect(await store.headPosition()).toBe(head);
      expect(await store.streamRevision(s)).toBe(2n);
    });

    it('refuses U+0000 and lone surrogates anywhere in an event with validation_failed naming the path, appending nothing', async () => {
      const s = uniqueStream('text');
      await store.appendToStream(s, batchOf(0));
      const cases: [NewEvent, string][] = [
        [{ type: 'Tested', data: { note: 'a\u0000b' } }, 'events.0.data.note'],
        [{ type: 'Tested', data: { items: ['ok', 'lone \uD83D here'] } }, 'events.0.data.items.1'],
        [{ type: 'Tested', data: { 'k\uDC00': 1 } }, 'events.0.data."k\\udc00"'],
        [{ type: 'Tes\u0000ted', data: {} }, 'events.0.type'],
        [{ type: 'Tested', data: {}, metadata: { actor: { id: 'u\uD800', role: 'council' } } }, 'events.0.metadata.actor.id'],
      ];
      for (const [event, path] of cases) {
        const refused = await expectRejectedWithNothingAppended(
          store,
          () => store.appendToStream(s, [{ type: 'Tested', data: { fine: 'emoji 🏅 and tiếng Việt' } }, event]),
          'validation_failed',
        );
        expect(refused).toMatchObject({ issues: [{ path: path.replace('events.0', 'events.1'), code: 'unstorable_text' }] });
      }
      await expectRejectedWithNothingAppended(store, () => store.appendToStream(`bad-\u0000-${s}`, batchOf(1)), 'validation_failed');
      expect(await store.streamRevision(s)).toBe(0n);
    });

    it('hands out frozen events where it declares keepsValidatedPayloads (reads skip a second parse); fresh copies elsewhere', async () => {
      const s = uniqueStream('frozen');
      await store.appendToStream(s, [{ type: 'Tested', data: { nested: { list: [1, { deep: true }] } } }]);
      const [event] = await collect(store.readStream(s));
      const data = event!.data as { nested: { list: [number, { deep: boolean }] } };
      if (store.capabilities.keepsValidatedPayloads) {
        expect([Object.isFrozen(event), Object.isFrozen(data), Object.isFrozen(data.nested.list), Object.isFrozen(data.nested.list[1])]).toEqual([
          true,
          true,
          true,
          true,
        ]);
        return;
      }
      // Not frozen, so the caller may change what it got: the next read must not see it.
      data.nested.list[1].deep = false;
      const [again] = await collect(store.readStream(s));
      expect(again!.data).toEqual({ nested: { list: [1, { deep: true }] } });
    });
  });
}
