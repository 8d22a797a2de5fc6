import { v4 as uuidv4 } from 'uuid';
import type { NewEvent, RecordedEvent } from '../envelope/envelope';
import type { EventStore, StreamAppendRequest } from '../event-store/event-store';
import { verifyChains } from '../hash-chain/hash-chain';
import type { EventStoreFactory } from './event-store-contract';
import { expectRejectedWithNothingAppended } from './expect-nothing-appended';
import { lostReplies, type LostReplies } from './lost-reply-driver';
import { collect } from './store-log-checks';

let counter = 0;
const uniqueStream = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter += 1)}`;
const batchOf = (...ns: number[]): NewEvent[] => ns.map((n) => ({ id: uuidv4(), type: 'Tested', data: { n } }));

/** The raw events of each stream, in stream order. */
const streamsOf = (store: EventStore, ...streamIds: string[]): Promise<RecordedEvent[][]> =>
  Promise.all(streamIds.map((streamId) => collect(store.readStream(streamId, { raw: true }))));

/**
 * The atomic multi-stream append (`appendToStreams`), run by
 * `describeEventStoreContract` on every store. A store that declares
 * `capabilities.multiStreamAppend` must append all of a call or nothing,
 * check each stream against its own tip, number positions in request order
 * and keep each stream's hash chain; one that does not must refuse every
 * call with `unsupported` and write nothing. The same tests run on both:
 * only what they assert changes.
 */
export function describeMultiStreamAppendContract(name: string, factory: EventStoreFactory): void {
  describe(`EventStore multi-stream append: ${name}`, () => {
    let store: EventStore;
    let supported: boolean;
    let replies: LostReplies;
    beforeEach(async () => {
      replies = lostReplies();
      store = await factory({ wrapDriver: replies.wrapDriver });
      supported = store.capabilities.multiStreamAppend === true;
    });
    afterEach(async () => {
      await store.close();
    });

    /** Without the capability, the call must be refused whole; returns true when the test should go on. */
    const refusedUnlessSupported = async (requests: StreamAppendRequest[]): Promise<boolean> => {
      if (supported) return true;
      const error = await expectRejectedWithNothingAppended(store, () => store.appendToStreams(requests), 'unsupported');
      expect(error.message).toContain('appendToStreams');
      return false;
    };

    it('appends to several streams in one call, positions increasing in request order', async () => {
      const [a, b] = [uniqueStream('many-a'), uniqueStream('many-b')];
      const requests: StreamAppendRequest[] = [
        { streamId: a, events: batchOf(1, 2), expectedRevision: 'no_stream' },
        { streamId: b, events: batchOf(1), expectedRevision: 'no_stream' },
        { streamId: a, events: batchOf(3), expectedRevision: 1n },
      ];
      if (!(await refusedUnlessSupported(requests))) return;
      const result = await store.appendToStreams(requests);
      expect(result.alreadyAppended).toBe(false);
      expect(result.results.map((r) => r.nextExpectedRevision)).toEqual([1n, 0n, 2n]);
      const positions = result.results.flatMap((r) => r.events.map((e) => e.position));
      for (let i = 1; i < positions.length; i++) {
        if (store.capabilities.densePositions) expect(positions[i]).toBe(positions[i - 1]! + 1n);
        else expect(positions[i]! > positions[i - 1]!).toBe(true);
      }
      expect(result.position).toBe(positions[positions.length - 1]);
      const [readA, readB] = await streamsOf(store, a, b);
      expect(readA!.map((e) => [e.revision, e.data])).toEqual([[0n, { n: 1 }], [1n, { n: 2 }], [2n, { n: 3 }]]);
      expect(readB!.map((e) => [e.revision, e.data])).toEqual([[0n, { n: 1 }]]);
      // The log holds them in request order: the interleaving of the call is kept.
      const log = await collect(store.readAll({ fromPosition: positions[0]!, maxCount: 4 }));
      expect(log.map((e) => [e.streamId, e.revision])).toEqual([[a, 0n], [a, 1n], [b, 0n], [a, 2n]]);
    });

    it("appends nothing of any stream when one stream's expected revision fails", async () => {
      const [a, b, c] = [uniqueStream('none-a'), uniqueStream('none-b'), uniqueStream('none-c')];
      if (supported) await store.appendToStream(b, batchOf(0), { expectedRevision: 'no_stream' });
      const requests: StreamAppendRequest[] = [
        { streamId: a, events: batchOf(1), expectedRevision: 'no_stream' },
        { streamId: b, events: batchOf(1), expectedRevision: 5n },
        { streamId: c, events: batchOf(1) },
      ];
      if (!(await refusedUnlessSupported(requests))) return;
      const error = await expectRejectedWithNothingAppended(store, () => store.appendToStreams(requests), 'concurrency');
      expect(error).toMatchObject({ streamId: b, expected: 5n, actual: 0n });
      const [readA, readB, readC] = await streamsOf(store, a, b, c);
      expect([readA!.length, readB!.length, readC!.length]).toEqual([0, 1, 0]);
    });

    it('checks each request against its own stream, and a stream named twice against its earlier request', async () => {
      const [a, b] = [uniqueStream('exp-a'), uniqueStream('exp-b')];
      if (supported) await store.appendToStream(a, batchOf(0, 1), { expectedRevision: 'no_stream' });
      const accepted: StreamAppendRequest[] = [
        { streamId: a, events: batchOf(2), expectedRevision: 1n },
        { streamId: b, events: batchOf(0), expectedRevision: 'no_stream' },
        { streamId: a, events: batchOf(3), expectedRevision: 'stream_exists' },
        { streamId: b, events: batchOf(1), expectedRevision: 0n },
      ];
      if (!(await refusedUnlessSupported(accepted))) return;
      await store.appendToStreams(accepted);
      // The second request for b expects the tip as it was before the call, not as the first left it: refused.
      const stale: StreamAppendRequest[] = [
        { streamId: b, events: batchOf(2), expectedRevision: 1n },
        { streamId: b, events: batchOf(3), expectedRevision: 1n },
      ];
      const error = await expectRejectedWithNothingAppended(store, () => store.appendToStreams(stale), 'concurrency');
      expect(error).toMatchObject({ streamId: b, expected: 1n, actual: 2n });
      const [readA, readB] = await streamsOf(store, a, b);
      expect(readA!.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]);
      expect(readB!.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }]);
    });

    it('keeps the hash chain of every stream across the requests of a call', async () => {
      const [a, b] = [uniqueStream('chain-a'), uniqueStream('chain-b')];
      if (supported) await store.appendToStream(a, batchOf(0));
      const requests: StreamAppendRequest[] = [
        { streamId: b, events: batchOf(0, 1) },
        { streamId: a, events: batchOf(1) },
        { streamId: b, events: batchOf(2) },
      ];
      if (!(await refusedUnlessSupported(requests))) return;
      await store.appendToStreams(requests);
      const [readA, readB] = await streamsOf(store, a, b);
      for (const events of [readA!, readB!]) {
        expect(events[0]!.metadata.prevHash).toBeNull();
        for (let i = 1; i < events.length; i++) expect(events[i]!.metadata.prevHash).toBe(events[i - 1]!.metadata.hash);
      }
      const verified = await verifyChains([...readA!, ...readB!]);
      expect(verified.firstBreak).toBeNull();
      expect(verified.verified).toBe(5);
    });

    it('refuses an id twice in one call, or an id already in the log, appending nothing', async () => {
      const [a, b] = [uniqueStream('dup-a'), uniqueStream('dup-b')];
      const [twice] = batchOf(1);
      const requests: StreamAppendRequest[] = [
        { streamId: a, events: [twice!] },
        { streamId: b, events: [twice!] },
      ];
      if (!(await refusedUnlessSupported(requests))) return;
      const error = await expectRejectedWithNothingAppended(store, () => store.appendToStreams(requests), 'validation_failed');
      expect(error.message).toContain(twice!.id);
      const [taken] = batchOf(9);
      await store.appendToStream(uniqueStream('dup-owner'), [taken!]);
      const reused: StreamAppendRequest[] = [
        { streamId: a, events: batchOf(1) },
        { streamId: b, events: [{ ...taken!, data: { n: 10 } }] },
      ];
      const refusal = await expectRejectedWithNothingAppended(store, () => store.appendToStreams(reused), 'duplicate_event_id');
      expect(refusal).toMatchObject({ eventId: taken!.id });
      const [readA, readB] = await streamsOf(store, a, b);
      expect([readA!.length, readB!.length]).toEqual([0, 0]);
    });

    it('refuses a call with an invalid request whole, naming the request', async () => {
      const [a, b] = [uniqueStream('bad-a'), uniqueStream('bad-b')];
      const requests: StreamAppendRequest[] = [
        { streamId: a, events: batchOf(1) },
        { streamId: b, events: [{ type: 'Tested', data: { text: 'nul \u0000 here' } }] },
      ];
      if (!(await refusedUnlessSupported(requests))) return;
      const error = await expectRejectedWithNothingAppended(store, () => store.appendToStreams(requests), 'validation_failed');
      expect(error.message).toContain('Request #1');
      await expectRejectedWithNothingAppended(store, () => store.appendToStreams([]), 'validation_failed');
    });

    it('appends nothing and returns the first recording when the same call is sent again', async () => {
      const [a, b] = [uniqueStream('again-a'), uniqueStream('again-b')];
      const exact: StreamAppendRequest[] = [
        { streamId: a, events: batchOf(1, 2), expectedRevision: 'no_stream' },
        { streamId: b, events: batchOf(1), expectedRevision: 'no_stream' },
        { streamId: a, events: batchOf(3), expectedRevision: 1n },
      ];
      if (!(await refusedUnlessSupported(exact))) return;
      const first = await store.appendToStreams(exact);
      const head = await store.headPosition();
      const again = await store.appendToStreams(exact);
      expect(again.alreadyAppended).toBe(true);
      expect(again.results.map((r) => r.events.map((e) => [e.id, e.position]))).toEqual(
        first.results.map((r) => r.events.map((e) => [e.id, e.position])),
      );
      // Under loose expectations too, while nobody wrote after the call.
      const loose = exact.map(({ streamId, events }) => ({ streamId, events }));
      expect((await store.appendToStreams(loose)).alreadyAppended).toBe(true);
      expect(await store.headPosition()).toBe(head);
      // The same ids with other content are no re-send.
      const changed = exact.map((request, index) =>
        index === 1 ? { ...request, events: request.events.map((e) => ({ ...e, data: { n: 99 } })) } : request,
      );
      await expectRejectedWithNothingAppended(store, () => store.appendToStreams(changed), 'concurrency');
    });

    it('appends nothing when a call whose reply was lost is sent again, and returns its first recording', async () => {
      const [a, b] = [uniqueStream('lost-a'), uniqueStream('lost-b')];
      const requests: StreamAppendRequest[] = [
        { streamId: a, events: batchOf(1), expectedRevision: 'no_stream' },
        { streamId: b, events: batchOf(1, 2) },
        { streamId: a, events: batchOf(2), expectedRevision: 0n },
      ];
      if (!(await refusedUnlessSupported(requests))) return;
      replies.loseNextReplies();
      await expect(store.appendToStreams(requests)).rejects.toMatchObject({ code: 'store_unavailable', transient: true });
      expect(replies.lost).toBe(1);
      const head = await store.headPosition();
      const again = await store.appendToStreams(requests);
      expect(again.alreadyAppended).toBe(true);
      expect(await store.headPosition()).toBe(head);
      const [readA, readB] = await streamsOf(store, a, b);
      expect(again.results.flatMap((r) => r.events.map((e) => e.id))).toEqual([readA![0]!.id, readB![0]!.id, readB![1]!.id, readA![1]!.id]);
    });
  });
}
