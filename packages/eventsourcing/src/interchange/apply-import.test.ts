import { z } from 'zod';
import type { EventStoreDriver } from '../driver/event-store-driver';
import type { EventStore } from '../event-store/event-store';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { createEventRegistry, defineEvent } from '../registry/event-registry';
import { applyImport, ndjsonTextLines, planImport, toNdjsonLine } from '.';

const registry = createEventRegistry([defineEvent('Scored', z.object({ points: z.number() }))]);

/**
 * An export of `streams` streams written round-robin, one event per command
 * except every 7th command, which records three events: the worst case for
 * a per-stream import (a new run at almost every line).
 */
async function interleavedExport(streams: number, rounds: number): Promise<{ text: string; events: number }> {
  const source = createInMemoryEventStore({ registry });
  let commands = 0;
  for (let round = 0; round < rounds; round++) {
    for (let s = 0; s < streams; s++) {
      commands += 1;
      const size = commands % 7 === 0 ? 3 : 1;
      const metadata = { commandId: `cmd-${commands}` };
      await source.appendToStream(`pledge-${s}`, Array.from({ length: size }, (_, i) => ({ type: 'Scored', data: { points: i }, metadata })));
    }
  }
  let text = '';
  let events = 0;
  for await (const event of source.readAll({ raw: true })) {
    text += toNdjsonLine(event);
    events += 1;
  }
  return { text, events };
}

/** Counts the driver calls of a store, and can hide its multi-stream append. */
function counting(options: { multiStream: boolean }) {
  const calls = { append: 0, appendMany: 0, requests: [] as number[] };
  /** Per multi-stream call, the command ids of the events it recorded. */
  const commandsPerCall: string[][] = [];
  const wrapDriver = (driver: EventStoreDriver): EventStoreDriver => {
    const wrapped: EventStoreDriver = Object.create(driver) as EventStoreDriver;
    Object.defineProperty(wrapped, 'capabilities', { value: { ...driver.capabilities, multiStreamAppend: options.multiStream } });
    wrapped.append = (streamId, seal) => {
      calls.append += 1;
      return driver.append(streamId, seal);
    };
    wrapped.appendMany = (requests) => {
      calls.appendMany += 1;
      calls.requests.push(requests.length);
      return driver.appendMany!(requests).then((recorded) => {
        commandsPerCall.push(recorded.flat().map((event) => String(event.metadata.commandId)));
        return recorded;
      });
    };
    return wrapped;
  };
  return { calls, commandsPerCall, store: createInMemoryEventStore({ registry, wrapDriver }) };
}

const logOf = async (store: EventStore) => {
  let text = '';
  for await (const event of store.readAll({ raw: true })) text += toNdjsonLine(event);
  return text.trim().split('\n').map((line) => ({ ...JSON.parse(line), recordedAt: undefined }));
};

describe('applyImport', () => {
  it('commits an interleaved export in a few multi-stream appends, keeping the order of the file', async () => {
    const { text, events } = await interleavedExport(40, 30);
    const { calls, store } = counting({ multiStream: true });
    const lines = ndjsonTextLines(text);
    const plan = await planImport({ lines, eventStore: store, registry });
    expect(await applyImport({ lines, eventStore: store, plan })).toEqual({ appended: events, streams: 40 });
    // 1 200 commands over 40 streams: one call where a per-stream import made one per line.
    expect(calls).toEqual({ append: 0, appendMany: 1, requests: [1_200] });
    expect(await logOf(store)).toEqual(text.trim().split('\n').map((line) => ({ ...JSON.parse(line), recordedAt: undefined })));
  });

  it('bounds a multi-stream append at 5 000 events, closing batches between commands only', async () => {
    const { text, events } = await interleavedExport(50, 160);
    expect(events).toBeGreaterThan(10_000);
    const { calls, commandsPerCall, store } = counting({ multiStream: true });
    const lines = ndjsonTextLines(text);
    const plan = await planImport({ lines, eventStore: store, registry });
    expect(await applyImport({ lines, eventStore: store, plan })).toEqual({ appended: events, streams: 50 });
    expect(calls.appendMany).toBe(3);
    const sizes = commandsPerCall.map((ids) => ids.length);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(events);
    // Full batches (a 3-event command that does not fit waits for the next one), the rest in the last.
    expect(sizes.slice(0, 2).every((size) => size <= 5_000 && size >= 4_998)).toBe(true);
    // No command has events in two calls.
    const callOf = new Map<string, number>();
    const split = new Set<string>();
    commandsPerCall.forEach((ids, call) =>
      ids.forEach((id) => {
        if ((callOf.get(id) ?? call) !== call) split.add(id);
        callOf.set(id, call);
      }),
    );
    expect([...split]).toEqual([]);
    expect(callOf.size).toBe(50 * 160);
  });

  it('appends run by run on a store without a multi-stream append', async () => {
    const { text, events } = await interleavedExport(3, 2);
    const { calls, store } = counting({ multiStream: false });
    const lines = ndjsonTextLines(text);
    const plan = await planImport({ lines, eventStore: store, registry });
    expect(await applyImport({ lines, eventStore: store, plan })).toEqual({ appended: events, streams: 3 });
    expect(calls).toEqual({ append: 6, appendMany: 0, requests: [] });
    expect(await logOf(store)).toEqual(text.trim().split('\n').map((line) => ({ ...JSON.parse(line), recordedAt: undefined })));
  });

  it('stops at a concurrent writer where a per-stream import would, and a re-run appends only the rest', async () => {
    const { text, events } = await interleavedExport(4, 3);
    const { store } = counting({ multiStream: true });
    const lines = ndjsonTextLines(text);
    const plan = await planImport({ lines, eventStore: store, registry });
    // Another writer takes the first revision of the last stream between validation and append.
    await store.appendToStream('pledge-3', [{ type: 'Scored', data: { points: 99 } }], { expectedRevision: 'no_stream' });
    await expect(applyImport({ lines, eventStore: store, plan })).rejects.toMatchObject({ code: 'concurrency', streamId: 'pledge-3' });
    // The three runs before pledge-3's first line went in, nothing after it.
    expect(await store.headPosition()).toBe(1n + 3n);
    const fresh = createInMemoryEventStore({ registry });
    const stopped = ndjsonTextLines(text.trim().split('\n').slice(0, 3).join('\n'));
    const first = await planImport({ lines: stopped, eventStore: fresh, registry });
    await applyImport({ lines: stopped, eventStore: fresh, plan: first });
    const rest = await planImport({ lines, eventStore: fresh, registry });
    expect(rest).toMatchObject({ badLines: [], present: 3, newEvents: events - 3 });
    expect(await applyImport({ lines, eventStore: fresh, plan: rest })).toEqual({ appended: events - 3, streams: 4 });
  });
});
