import { EventStoreDBClient, jsonEvent, MaxAppendSizeExceededError } from '@eventstore/db-client';
import {
  applyImport,
  createEventRegistry,
  createInMemoryEventStore,
  defineEvent,
  ndjsonTextLines,
  planImport,
  toNdjsonLine,
  type EventStore,
} from '@thidua/eventsourcing';
import { expectRejectedWithNothingAppended } from '@thidua/eventsourcing/testing';
import { z } from 'zod';
import { createEventStoreDbEventStore } from './eventstoredb-event-store';
import { startEventStoreDbDouble, type EventStoreDbDouble, type EventStoreDbDoubleOptions } from './testing-double';

const LIMIT = 64 * 1024;
const registry = createEventRegistry([defineEvent('Noted', z.object({ text: z.string() }))]);
const noted = (bytes: number, commandId: string) => ({ type: 'Noted', data: { text: 'x'.repeat(bytes) }, metadata: { commandId } });

describe.each<[string, EventStoreDbDoubleOptions]>([
  ['batch appends', {}],
  ['legacy appends', { legacyAppend: true }],
])('the server maximum append size (%s)', (_mode, doubleOptions) => {
  let double: EventStoreDbDouble;
  let store: EventStore;
  afterEach(async () => {
    await store.close();
    await double.close();
  });

  it('is 1 MiB by default in the double, which refuses a bigger append through the client and writes nothing', async () => {
    double = await startEventStoreDbDouble(doubleOptions);
    store = createEventStoreDbEventStore({ connectionString: double.connectionString });
    const client = EventStoreDBClient.connectionString(double.connectionString);
    try {
      const half = (i: number) => jsonEvent({ type: 'Big', data: { text: 'x'.repeat(512 * 1024 + i) } });
      await expect(client.appendToStream('big', [half(0), half(1)])).rejects.toBeInstanceOf(MaxAppendSizeExceededError);
      await expect(client.appendToStream('big', [half(0), half(1)])).rejects.toMatchObject({ maxAppendSize: 1_048_576 });
      expect(double.log.stream('big')).toBeNull();
      // Just under the limit goes through.
      await client.appendToStream('big', [jsonEvent({ type: 'Big', data: { text: 'x'.repeat(1_048_576 - 200) } })]);
      expect(double.log.stream('big')).toHaveLength(1);
    } finally {
      await client.dispose();
    }
  });

  it('declares the limit as maxAppendBytes and maps the refusal to append_too_large, naming stream, size and limit', async () => {
    double = await startEventStoreDbDouble({ ...doubleOptions, maxAppendSize: LIMIT });
    store = createEventStoreDbEventStore({ connectionString: double.connectionString, registry, maxAppendSize: LIMIT });
    expect(store.capabilities.maxAppendBytes).toBe(LIMIT);
    const events = [noted(40_000, 'c-1'), noted(40_000, 'c-1')];
    const error = await expectRejectedWithNothingAppended(store, () => store.appendToStream('notes-1', events), 'append_too_large');
    expect(error).toMatchObject({ name: 'AppendTooLargeError', streamId: 'notes-1', limit: LIMIT });
    expect((error as unknown as { bytes: number }).bytes).toBeGreaterThan(LIMIT);
    expect(error.message).toContain('notes-1');
    expect(double.log.stream('notes-1')).toBeNull();
  });

  it('imports a file whose one stream holds more than 1 MiB, in appends under the limit, each with whole commands', async () => {
    double = await startEventStoreDbDouble({ ...doubleOptions, maxAppendSize: LIMIT });
    store = createEventStoreDbEventStore({ connectionString: double.connectionString, registry, maxAppendSize: LIMIT });
    const source = createInMemoryEventStore({ registry });
    for (let c = 0; c < 140; c += 1) await source.appendToStream('notes-1', [noted(4_000, `c-${c}`), noted(4_000, `c-${c}`)]);
    let text = '';
    for await (const event of source.readAll({ raw: true })) text += toNdjsonLine(event);
    expect(Buffer.byteLength(text)).toBeGreaterThan(1_048_576);

    const lines = ndjsonTextLines(text);
    const plan = await planImport({ lines, eventStore: store, registry });
    expect(plan.badLines).toEqual([]);
    expect(await applyImport({ lines, eventStore: store, plan })).toEqual({ appended: 280, streams: 1 });
    expect(double.log.stream('notes-1')).toHaveLength(280);
    // Several appends, none refused, and no command cut: each pair shares one commit position (one append).
    expect(double.appendCalls.get('notes-1')).toBeGreaterThan(16);
    const records = double.log.stream('notes-1')!;
    for (let i = 0; i < records.length; i += 2) expect(records[i]!.commit).toBe(records[i + 1]!.commit);
    const again = await planImport({ lines, eventStore: store, registry });
    expect(again).toMatchObject({ badLines: [], newEvents: 0, present: 280 });
  });

  it('refuses, before appending anything, an import with a command whose events alone exceed the limit', async () => {
    double = await startEventStoreDbDouble({ ...doubleOptions, maxAppendSize: LIMIT });
    store = createEventStoreDbEventStore({ connectionString: double.connectionString, registry, maxAppendSize: LIMIT });
    const source = createInMemoryEventStore({ registry });
    await source.appendToStream('notes-1', [noted(1_000, 'small')]);
    await source.appendToStream('notes-2', [noted(40_000, 'huge'), noted(40_000, 'huge')]);
    let text = '';
    for await (const event of source.readAll({ raw: true })) text += toNdjsonLine(event);
    const lines = ndjsonTextLines(text);
    const plan = await planImport({ lines, eventStore: store, registry });
    expect(plan.badLines).toEqual([expect.objectContaining({ lineNumber: 3, streamId: 'notes-2', reason: expect.stringContaining('command huge') })]);
    await expect(applyImport({ lines, eventStore: store, plan })).rejects.toMatchObject({ code: 'corrupt_log' });
    expect(await store.headPosition()).toBeNull();
  });
});
