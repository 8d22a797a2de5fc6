import type { RecordedEvent } from '../envelope/envelope';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { canonicalJson, computeEventHash, sealEvents, verifyChains } from '.';

const collect = async (it: AsyncIterable<RecordedEvent>) => {
  const out: RecordedEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
};

describe('canonical JSON', () => {
  it('is independent of key order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1}');
    expect(canonicalJson({ a: { c: null, d: [1, 'x'] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } }));
    expect(canonicalJson('Tây Ninh')).toBe('"Tây Ninh"');
  });

  it('hashes values with toJSON (a Date) as JSON stores them, so chains verify after a round trip', () => {
    const at = new Date('2014-02-13T08:00:00.000Z');
    expect(canonicalJson({ at })).toBe('{"at":"2014-02-13T08:00:00.000Z"}');
    expect(canonicalJson({ at })).toBe(canonicalJson(JSON.parse(JSON.stringify({ at }))));
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });
});

describe('hash chain', () => {
  const base = { type: 'T', schemaVersion: 1, data: { n: 1 }, metadata: { actor: { id: 'a', role: 'council' } } };

  it('links each event to the previous one and covers every hashed field', () => {
    const [first, second] = sealEvents('s', { revision: null, hash: null }, [
      { id: 'i1', ...base },
      { id: 'i2', ...base, data: { n: 2 } },
    ]);
    expect(first!.metadata.prevHash).toBeNull();
    expect(second!.metadata.prevHash).toBe(first!.metadata.hash);
    expect(second!.revision).toBe(1n);
    const fields = { streamId: 's', revision: 0n, type: 'T', schemaVersion: 1, data: { n: 1 }, metadata: base.metadata };
    const hash = computeEventHash(null, fields);
    expect(hash).toBe(first!.metadata.hash);
    expect(computeEventHash(null, { ...fields, streamId: 't' })).not.toBe(hash);
    expect(computeEventHash(null, { ...fields, revision: 1n })).not.toBe(hash);
    expect(computeEventHash(null, { ...fields, type: 'U' })).not.toBe(hash);
    expect(computeEventHash(null, { ...fields, schemaVersion: 2 })).not.toBe(hash);
    expect(computeEventHash(null, { ...fields, data: { n: 2 } })).not.toBe(hash);
    expect(computeEventHash(null, { ...fields, metadata: { actor: { id: 'b', role: 'council' } } })).not.toBe(hash);
    expect(computeEventHash('x', fields)).not.toBe(hash);
    // The stored hashes themselves are not part of what is hashed.
    expect(computeEventHash(null, { ...fields, metadata: { ...base.metadata, prevHash: null, hash: 'zz' } })).toBe(hash);
  });

  it('names the first altered, reordered or missing event', async () => {
    const store = createInMemoryEventStore();
    await store.appendToStream('a', [{ type: 'T', data: { n: 1 } }, { type: 'T', data: { n: 2 } }, { type: 'T', data: { n: 3 } }]);
    await store.appendToStream('b', [{ type: 'T', data: { n: 9 } }]);
    const log = (await collect(store.readAll({ raw: true }))).map((e) => structuredClone(e) as RecordedEvent);
    expect((await verifyChains(log)).firstBreak).toBeNull();

    const altered = log.map((e) => ({ ...e }));
    altered[1] = { ...altered[1]!, data: { n: 20 } };
    expect((await verifyChains(altered)).firstBreak).toMatchObject({ streamId: 'a', revision: 1n, reason: expect.stringContaining('altered') });

    const reordered = [log[0]!, log[2]!, log[1]!, log[3]!];
    expect((await verifyChains(reordered)).firstBreak).toMatchObject({ streamId: 'a', revision: 2n, reason: expect.stringContaining('expected') });

    const missing = [log[0]!, log[2]!];
    expect((await verifyChains(missing)).firstBreak).toMatchObject({ streamId: 'a', revision: 2n });

    const relinked = log.map((e) => ({ ...e }));
    relinked[3] = { ...relinked[3]!, metadata: { ...relinked[3]!.metadata, prevHash: log[0]!.metadata.hash } };
    expect((await verifyChains(relinked)).firstBreak).toMatchObject({ streamId: 'b', revision: 0n, reason: expect.stringContaining('prevHash') });
  });
});

describe('hash stability', () => {
  // Pinned with the original (pre-optimisation) canonicalJson/computeEventHash: stored chains must keep verifying.
  it('hashes an event to the same bytes as every earlier version did', () => {
    const fields = {
      streamId: 'pledge-tn-2013.so-tt-tt',
      revision: 12n,
      type: 'ScoreRecorded',
      schemaVersion: 1,
      data: {
        pledgeId: 'tn-2013.so-tt-tt',
        criterionId: 'tc-1',
        points: 8.25,
        assessor: 'cross',
        note: 'Tây Ninh "đạt" \\ \n\u2028😀',
        skipped: undefined,
        list: [1, undefined, { b: 2, a: null }],
        zero: -0,
      },
      metadata: {
        commandId: 'c-1',
        actor: { id: 'hđtđkt', role: 'council' },
        correlationId: 'c-1',
        prevHash: 'x',
        hash: 'y',
        extra: { z: true, a: [false] },
      },
    };
    expect(computeEventHash('ab'.repeat(32), fields)).toBe('e5814eba1bd6f08b834fe66582988f37e6bab740c6b155f2588b6836c4fc82ab');
    expect(computeEventHash(null, fields)).toBe('a8141d952a64dd36b86f52bd5c0ab9221b27fa009581a7106da513ae1404564e');
  });
});
