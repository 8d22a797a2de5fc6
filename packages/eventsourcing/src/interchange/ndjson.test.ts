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

  it('refuses every near miss of a good line, each for its own reason', () => {
    const good = {
      streamId: 'pledge-a.b',
      revision: '0',
      id: '0b7c4d58-3f5c-4a41-9d0e-6f1d2c3b4a59',
      type: 'T',
      schemaVersion: 1,
      data: { n: 1 },
      metadata: { prevHash: null, hash: 'a'.repeat(64) },
      recordedAt: '2026-12-03T07:00:00.000Z',
    };
    expect(parseNdjsonLine(JSON.stringify(good)).ok).toBe(true);
    const { data: _data, ...withoutData } = good;
    const nearMisses: [string, unknown][] = [
      ['position', { ...good, position: '1' }],
      ['data', withoutData],
      ['streamId', { ...good, streamId: 'a b' }],
      ['revision', { ...good, revision: '01' }],
      ['id', { ...good, id: 'not-a-uuid' }],
      ['type', { ...good, type: '' }],
      ['schemaVersion', { ...good, schemaVersion: 1.5 }],
      ['schemaVersion', { ...good, schemaVersion: 0 }],
      ['metadata', { ...good, metadata: [] }],
      ['prevHash', { ...good, metadata: { hash: good.metadata.hash } }],
      ['prevHash', { ...good, metadata: { prevHash: 'b'.repeat(63), hash: good.metadata.hash } }],
      ['hash', { ...good, metadata: { prevHash: null, hash: 'A'.repeat(64) } }],
      ['recordedAt', { ...good, recordedAt: '2026-13-03T07:00:00Z' }],
      ['recordedAt', { ...good, recordedAt: '2026-12-03 07:00:00' }],
    ];
    for (const [field, line] of nearMisses) {
      const parsed = parseNdjsonLine(JSON.stringify(line));
      expect([field, parsed.ok]).toEqual([field, false]);
      if (!parsed.ok) expect([field, parsed.reason]).toEqual([field, expect.stringContaining(field)]);
    }
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
