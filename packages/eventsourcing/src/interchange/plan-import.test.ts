import { z } from 'zod';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { createEventRegistry, defineEvent } from '../registry/event-registry';
import { applyImport, ndjsonTextLines, planImport, toNdjsonLine } from '.';

const registry = createEventRegistry([defineEvent('Scored', z.object({ points: z.number() }))]);

/** An export of two interleaved streams, as `thidua export` writes it. */
async function exportOf(): Promise<string> {
  const source = createInMemoryEventStore({ registry });
  await source.appendToStream('pledge-a', [{ type: 'Scored', data: { points: 1 } }]);
  await source.appendToStream('pledge-b', [{ type: 'Scored', data: { points: 2 } }]);
  await source.appendToStream('pledge-a', [{ type: 'Scored', data: { points: 3 } }]);
  let text = '';
  for await (const event of source.readAll({ raw: true })) text += toNdjsonLine(event);
  return text;
}

describe('import planning', () => {
  it('plans and applies an export into an empty store, keeping ids and hashes; a second import appends nothing', async () => {
    const text = await exportOf();
    const target = createInMemoryEventStore({ registry });
    const lines = ndjsonTextLines(text);
    const plan = await planImport({ lines, eventStore: target, registry });
    expect(plan).toMatchObject({ badLines: [], newEvents: 3, present: 0 });
    expect(await target.headPosition()).toBeNull(); // planning appends nothing
    expect(await applyImport({ lines, eventStore: target, plan })).toEqual({ appended: 3, streams: 2 });
    let copied = '';
    for await (const event of target.readAll({ raw: true })) copied += toNdjsonLine(event);
    const withoutClock = (ndjson: string) => ndjson.trim().split('\n').map((line) => ({ ...JSON.parse(line), recordedAt: undefined }));
    expect(withoutClock(copied)).toEqual(withoutClock(text));

    const again = await planImport({ lines, eventStore: target, registry });
    expect(again).toMatchObject({ badLines: [], newEvents: 0, present: 3 });
    expect(await applyImport({ lines, eventStore: target, plan: again })).toEqual({ appended: 0, streams: 0 });
  });

  it('names every bad line with its stream and revision, and applyImport refuses a plan that has any', async () => {
    const good = (await exportOf()).trim().split('\n');
    const tampered = { ...JSON.parse(good[2]!), data: { points: 4 } };
    const refused = { ...JSON.parse(good[1]!), id: '00000000-0000-4000-8000-000000000000', data: { points: 'two' } };
    const text = [good[0], 'not json', JSON.stringify(refused), JSON.stringify(tampered)].join('\n');
    const target = createInMemoryEventStore({ registry });
    const lines = ndjsonTextLines(text);
    const plan = await planImport({ lines, eventStore: target, registry });
    expect(plan.badLines).toEqual([
      { lineNumber: 2, reason: expect.stringContaining('not JSON') },
      { lineNumber: 3, streamId: 'pledge-b', revision: 0n, reason: expect.stringContaining('payload refused by the registry') },
      { lineNumber: 4, streamId: 'pledge-a', revision: 1n, reason: expect.stringContaining('hash chain of pledge-a') },
    ]);
    await expect(applyImport({ lines, eventStore: target, plan })).rejects.toMatchObject({ code: 'corrupt_log' });
    expect(await target.headPosition()).toBeNull();
  });

  it('refuses a new line whose id the store already holds on another stream, and reports progress by phase', async () => {
    const text = await exportOf();
    const first = JSON.parse(text.split('\n')[0]!) as { id: string };
    const target = createInMemoryEventStore({ registry });
    await target.appendToStream('pledge-z', [{ id: first.id, type: 'Scored', data: { points: 9 } }]);
    const phases = new Set<string>();
    const plan = await planImport({ lines: ndjsonTextLines(text), eventStore: target, registry, onProgress: (progress) => phases.add(progress.phase) });
    expect(plan.badLines).toEqual([{ lineNumber: 1, streamId: 'pledge-a', revision: 0n, reason: `event id ${first.id} is already in the store, at pledge-z@0` }]);
    expect([...phases]).toEqual(['validating', 'checking-ids']);
  });
});
