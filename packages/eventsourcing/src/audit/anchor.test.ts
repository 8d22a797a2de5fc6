import { generateKeyPairSync } from 'node:crypto';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { createAnchor, verifyAnchor } from './anchor';
import { anchorToJson, parseAnchor } from './anchor-file';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const pem = (key: typeof privateKey) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();

describe('anchors', () => {
  it('takes the head, the streams and both digests, signs them, and reads back from its file', async () => {
    const store = createInMemoryEventStore();
    await store.appendToStream('s-1', [{ type: 'A', data: {} }]);
    await store.appendToStream('s-2', [{ type: 'A', data: {} }, { type: 'B', data: {} }]);
    const anchor = await createAnchor(store, { privateKey: pem(privateKey), now: () => new Date('2026-01-02T03:04:05.000Z') });
    expect(anchor).toEqual({
      position: 3n,
      streams: 2,
      tipsDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      eventsDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      anchoredAt: '2026-01-02T03:04:05.000Z',
      signature: expect.any(String),
    });
    const text = anchorToJson(anchor);
    expect(JSON.parse(text)).toMatchObject({ position: '3' });
    const read = parseAnchor(text, 'anchor.json');
    expect(read).toEqual(anchor);
    expect(verifyAnchor(read, pem(publicKey))).toBe('valid');
    expect(verifyAnchor({ ...read, streams: 3 }, publicKey)).toBe('invalid');
    const { signature: _signature, ...unsigned } = read;
    expect(verifyAnchor(unsigned, publicKey)).toBe('unsigned');
  });

  it('refuses a file that is no anchor, and a key that is no Ed25519 key, with typed errors', async () => {
    expect(() => parseAnchor('{', 'a.json')).toThrow(expect.objectContaining({ code: 'invalid_anchor', message: 'a.json is not a thidua anchor: not JSON' }));
    expect(() => parseAnchor({ position: 1, streams: 0, tipsDigest: 'x', anchoredAt: 'now' }, 'b.json')).toThrow(
      expect.objectContaining({ code: 'invalid_anchor', message: expect.stringContaining('b.json is not a thidua anchor: position') }),
    );
    const anchor = await createAnchor(createInMemoryEventStore());
    expect(() => parseAnchor({ ...JSON.parse(anchorToJson(anchor)), extra: 1 }, 'c.json')).toThrow(expect.objectContaining({ code: 'invalid_anchor' }));
    const store = createInMemoryEventStore();
    await expect(createAnchor(store, { privateKey: 'not a key' })).rejects.toMatchObject({ code: 'invalid_key' });
    await expect(createAnchor(store, { privateKey: pem(publicKey) })).rejects.toMatchObject({ code: 'invalid_key' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    await expect(createAnchor(store, { privateKey: rsa })).rejects.toMatchObject({ code: 'invalid_key', message: expect.stringContaining('rsa key, not ed25519') });
  });

  it('anchors an empty log at position 0', async () => {
    const anchor = await createAnchor(createInMemoryEventStore());
    expect(anchor).toMatchObject({ position: 0n, streams: 0 });
  });
});
