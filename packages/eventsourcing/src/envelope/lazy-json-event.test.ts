import { recordedFromJsonText, unparsedPayloadOf, withPayload } from './lazy-json-event';

const fields = { id: 'e-1', streamId: 's-1', revision: 0n, position: 1n, type: 'A', schemaVersion: 1, recordedAt: '2026-01-01T00:00:00.000Z' };
const metadataText = '{"prevHash":null,"hash":"ab","actor":{"id":"u"}}';

describe('recordedFromJsonText', () => {
  it('reads like a plain envelope: own enumerable fields in envelope order, spread, JSON and deep equality', () => {
    const event = recordedFromJsonText(fields, '{"n":1}', metadataText);
    const plain = { ...fields, data: { n: 1 }, metadata: JSON.parse(metadataText) as unknown };
    expect(Object.keys(event)).toEqual(['id', 'streamId', 'revision', 'position', 'type', 'schemaVersion', 'data', 'metadata', 'recordedAt']);
    expect(event).toEqual(plain);
    expect({ ...event }).toEqual(plain);
    expect(JSON.parse(JSON.stringify({ ...event, revision: '0', position: '1' }))).toEqual({ ...plain, revision: '0', position: '1' });
  });

  it('parses each field once, on first access, and keeps what is assigned', () => {
    const event = recordedFromJsonText(fields, '{"n":1}', metadataText);
    expect(unparsedPayloadOf(event)).toBe('{"n":1}');
    expect(event.data).toBe(event.data);
    expect(unparsedPayloadOf(event)).toBeUndefined();
    expect(event.metadata).toBe(event.metadata);
    event.metadata = { prevHash: null, hash: 'cd' };
    expect(event.metadata).toEqual({ prevHash: null, hash: 'cd' });
  });

  it('does not decode metadata until someone reads it, through withPayload too', () => {
    const event = recordedFromJsonText(fields, '{"n":1}', '{not json');
    const copy = withPayload(event, 2, { n: 2 });
    expect(copy).toMatchObject({ id: 'e-1', schemaVersion: 2, data: { n: 2 }, revision: 0n });
    expect(() => copy.metadata).toThrow(SyntaxError);
  });

  it('leaves other events to a spread', () => {
    const plain = { ...fields, data: { n: 1 }, metadata: { prevHash: null, hash: 'ab' } };
    expect(withPayload(plain, 2, { n: 2 })).toEqual({ ...plain, schemaVersion: 2, data: { n: 2 } });
    expect(unparsedPayloadOf(plain)).toBeUndefined();
  });
});
