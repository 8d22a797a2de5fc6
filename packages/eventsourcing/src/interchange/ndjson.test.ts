import { z } from 'zod';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { ChainVerifier } from '../hash-chain/hash-chain';
import { createEventRegistry, defineEvent } from '../registry/event-registry';
import { parseNdjsonLine, payloadProblem, recordedFromNdjson, toNdjsonLine } from '.';

describe('NDJSON interchange', () => {
  it('writes the interchange keys in order and reads them back into a chain that verifies', async () => {
    const store = createInMemoryEventStore();
    await store.appendToStream('pledge-a.b', [{ type: 'T', data: { title: 'Sở Xây dựng' } }, { type: 'T', data: { n: 2 } }]);
    const verifier = new ChainVerifier();
    let line = 0;
    for await (const event of store.readAll({ raw: true })) {
      line += 1;
      const text = toNdjsonLine(event);
      expect(text.endsWith('\n')).toBe(true);
      expect(Object.keys(JSON.parse(text))).toEqual(['streamId', 'revision', 'id', 'type', 'schemaVersion', 'data', 'metadata', 'recordedAt']);
      const parsed = parseNdjsonLine(text.trim());
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parsed.revision).toBe(event.revision);
      expect(verifier.check(recordedFromNdjson(parsed.event, parsed.revision, BigInt(line)))).toBeNull();
    }
  });

  it('says what is wrong with a line, naming its stream when it can', () => {
    expect(parseNdjsonLine('{nope')).toMatchObject({ ok: false, reason: expect.stringContaining('not JSON') });
    const bad = parseNdjsonLine(JSON.stringify({ streamId: 's', revision: 1, position: '3' }));
    expect(bad).toMatchObject({ ok: false, streamId: 's', reason: expect.stringContaining('revision') });
    if (!bad.ok) expect(bad.reason).toContain('position');
  });

  it('flags payloads the registry refuses or would store differently', () => {
    const registry = createEventRegistry([defineEvent('T', z.object({ n: z.number() }))]);
    expect(payloadProblem(registry, 'T', 1, { n: 1 })).toBeNull();
    expect(payloadProblem(registry, 'T', 1, { n: 'x' })).toContain('refused');
    expect(payloadProblem(registry, 'T', 1, { n: 1, extra: true })).toContain('differently');
    expect(payloadProblem(registry, 'U', 1, {})).toContain('unknown event type');
  });

  it('refuses text not every store can hold, in a line and in a payload, naming where (as the kernel refuses it on append)', () => {
    const line = (patch: Record<string, unknown>) =>
      JSON.stringify({
        streamId: 'pledge-a.b',
        revision: '0',
        id: '0b8f2a3e-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
        type: 'T',
        schemaVersion: 1,
        data: { note: 'fine' },
        metadata: { prevHash: null, hash: 'a'.repeat(64) },
        recordedAt: '2013-12-20T08:00:00.000Z',
        ...patch,
      });
    expect(parseNdjsonLine(line({})).ok).toBe(true);
    // JSON text escapes are how such characters reach a file: "\u0000", a lone "\ud83d".
    expect(parseNdjsonLine(line({ data: { note: 'a\u0000b' } }))).toMatchObject({ ok: false, streamId: 'pledge-a.b', reason: expect.stringContaining('data.note') });
    const lone = parseNdjsonLine(line({ metadata: { prevHash: null, hash: 'a'.repeat(64), actor: { id: 'x\ud83d' } } }));
    expect(lone).toMatchObject({ ok: false, reason: expect.stringContaining('metadata.actor.id') });
    if (!lone.ok) expect(lone.reason).toContain('lone surrogate');
    const registry = createEventRegistry([defineEvent('T', z.object({ note: z.string() }))]);
    expect(payloadProblem(registry, 'T', 1, { note: 'a\u0000b' })).toContain('data.note');
    expect(payloadProblem(registry, 'T', 1, { note: 'emoji 🏅 fine' })).toBeNull();
  });
});
