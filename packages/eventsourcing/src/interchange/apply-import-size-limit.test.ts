import { z } from 'zod';
import type { EventStore, NewEvent } from '..';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { createEventRegistry, defineEvent } from '../registry/event-registry';
import { applyImport, appendSizeOf, ndjsonTextLines, planImport, toNdjsonLine } from '.';

const registry = createEventRegistry([defineEvent('Noted', z.object({ text: z.string() }))]);
const LIMIT = 10_000;

/** A memory store that declares (and enforces) a per-append byte limit, and records each append's events. */
function limitedStore(limit: number): { store: EventStore; appends: NewEvent[][] } {
  const inner = createInMemoryEventStore({ registry });
  const appends: NewEvent[][] = [];
  const store: EventStore = {
    ...inner,
    // Like EventStoreDB: a size limit, and no multi-stream append (the import appends stream by stream).
    capabilities: { ...inner.capabilities, maxAppendBytes: limit, multiStreamAppend: false },
    appendToStream: async (streamId, events, options) => {
      const bytes = events.reduce((sum, event) => sum + appendSizeOf(event), 0);
      if (bytes > limit) throw new Error(`test store: append of ${bytes} bytes over ${limit}`);
      appends.push([...events]);
      return inner.appendToStream(streamId, events, options);
    },
  };
  return { store, appends };
}

/** An export of one stream: `commands` commands of `perCommand` events of about 1 kB each. */
async function exportOf(commands: number, perCommand: number, big?: { streamId: string; bytesPerEvent: number }): Promise<string> {
  const source = createInMemoryEventStore({ registry });
  const noted = (count: number, bytes: number, commandId: string) =>
    Array.from({ length: count }, () => ({ type: 'Noted', data: { text: 'x'.repeat(bytes) }, metadata: { commandId } }));
  for (let c = 0; c < commands; c += 1) await source.appendToStream('notes-1', noted(perCommand, 1_000, `cmd-${c}`));
  if (big) await source.appendToStream(big.streamId, noted(2, big.bytesPerEvent, 'cmd-big'));
  let text = '';
  for await (const event of source.readAll({ raw: true })) text += toNdjsonLine(event);
  return text;
}

describe('applyImport into a store with a size limit per append', () => {
  it('splits one big stream into appends under the limit, each holding whole commands, and the copy is exact', async () => {
    const text = await exportOf(12, 3); // about 36 kB in one stream, several times the limit
    const { store, appends } = limitedStore(LIMIT);
    const lines = ndjsonTextLines(text);
    const plan = await planImport({ lines, eventStore: store, registry });
    expect(plan.badLines).toEqual([]);
    expect(await applyImport({ lines, eventStore: store, plan })).toEqual({ appended: 36, streams: 1 });
    expect(appends.length).toBeGreaterThan(3);
    for (const batch of appends) {
      const commands = new Set(batch.map((event) => event.metadata?.['commandId']));
      // Each command has exactly its 3 events in the batch: none was cut.
      expect(batch.length).toBe(commands.size * 3);
    }
    let copied = '';
    for await (const event of store.readAll({ raw: true })) copied += toNdjsonLine(event);
    const withoutClock = (ndjson: string) => ndjson.trim().split('\n').map((line) => ({ ...JSON.parse(line), recordedAt: undefined }));
    expect(withoutClock(copied)).toEqual(withoutClock(text));
  });

  it('refuses, before anything is appended, a command whose events alone exceed the limit', async () => {
    const input = await exportOf(1, 2, { streamId: 'notes-2', bytesPerEvent: 6_000 });
    const { store } = limitedStore(LIMIT);
    const lines = ndjsonTextLines(input);
    const plan = await planImport({ lines, eventStore: store, registry });
    expect(plan.badLines).toEqual([
      { lineNumber: 4, streamId: 'notes-2', revision: 1n, reason: expect.stringMatching(/command cmd-big \(from line 3\).*limit of 10000 bytes/) },
    ]);
    await expect(applyImport({ lines, eventStore: store, plan })).rejects.toMatchObject({ code: 'corrupt_log' });
    expect(await store.headPosition()).toBeNull();
  });

  it('keeps one command of more than 500 events in one append, and cuts the run around it', async () => {
    const source = createInMemoryEventStore({ registry });
    const noted = (count: number, commandId: string) => Array.from({ length: count }, () => ({ type: 'Noted', data: { text: 'x' }, metadata: { commandId } }));
    await source.appendToStream('notes-1', noted(300, 'before'));
    await source.appendToStream('notes-1', noted(1_200, 'big'));
    await source.appendToStream('notes-1', noted(2, 'after'));
    let text = '';
    for await (const event of source.readAll({ raw: true })) text += toNdjsonLine(event);
    const { store, appends } = limitedStore(10_000_000);
    const lines = ndjsonTextLines(text);
    const plan = await planImport({ lines, eventStore: store, registry });
    expect(await applyImport({ lines, eventStore: store, plan })).toEqual({ appended: 1_502, streams: 1 });
    expect(appends.map((batch) => [...new Set(batch.map((event) => event.metadata?.['commandId']))].join(','))).toEqual(['before', 'big', 'after']);
  });

  it('treats events without a command id as a command each, and the same id further on as another command', async () => {
    const source = createInMemoryEventStore({ registry });
    const noted = (count: number, metadata: Record<string, string>) => Array.from({ length: count }, () => ({ type: 'Noted', data: { text: 'x'.repeat(1_000) }, metadata }));
    await source.appendToStream('notes-1', noted(2, {}));
    await source.appendToStream('notes-1', noted(1, { commandId: 'a' }));
    await source.appendToStream('notes-1', noted(1, { commandId: 'b' }));
    await source.appendToStream('notes-1', noted(1, { commandId: 'a' }));
    let text = '';
    for await (const event of source.readAll({ raw: true })) text += toNdjsonLine(event);
    const { store, appends } = limitedStore(appendSizeOf(noted(1, { commandId: 'a' })[0]!) * 2 + 100);
    const lines = ndjsonTextLines(text);
    const plan = await planImport({ lines, eventStore: store, registry });
    expect(await applyImport({ lines, eventStore: store, plan })).toEqual({ appended: 5, streams: 1 });
    expect(appends.map((batch) => batch.map((event) => event.metadata?.['commandId'] ?? '-').join(','))).toEqual(['-,-', 'a,b', 'a']);
  });

  it('appends in bounded runs when the store declares no limit, as before', async () => {
    const text = await exportOf(3, 2);
    const inner = createInMemoryEventStore({ registry });
    const lines = ndjsonTextLines(text);
    const plan = await planImport({ lines, eventStore: inner, registry });
    expect(await applyImport({ lines, eventStore: inner, plan })).toEqual({ appended: 6, streams: 1 });
  });
});
