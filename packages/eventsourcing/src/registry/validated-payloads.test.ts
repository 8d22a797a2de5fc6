import { z } from 'zod';
import { recordedFromJsonText } from '../envelope/lazy-json-event';
import { CorruptLogError } from '../errors/errors';
import { createEventRegistry, defineEvent } from '.';

/*
 * A store that hands payloads out as JSON text gets each distinct text
 * validated once; the guarantee stays: a payload whose bytes are invalid is
 * a corrupt_log error naming its stream and revision, whatever was read
 * before.
 */
const fromText = (type: string, schemaVersion: number, dataText: string, revision = 4n) =>
  recordedFromJsonText(
    { id: 'id', streamId: 'pledge-c.u', revision, position: revision + 1n, type, schemaVersion, recordedAt: '2026-01-01T00:00:00.000Z' },
    dataText,
    '{"prevHash":null,"hash":"h"}',
  );

function counted<T extends z.ZodType>(schema: T): { schema: T; calls: () => number } {
  let calls = 0;
  const original = schema.safeParse.bind(schema);
  (schema as { safeParse: (data: unknown) => unknown }).safeParse = (data: unknown) => {
    calls += 1;
    return original(data);
  };
  return { schema, calls: () => calls };
}

describe('event registry: payloads read as text', () => {
  it('validates a text once and gives the same parsed payload on every later read', () => {
    const scored = counted(z.object({ points: z.number().max(10), note: z.string().optional() }));
    const registry = createEventRegistry([defineEvent('Scored', scored.schema)]);
    const first = registry.read(fromText('Scored', 1, '{"note":"Minh chứng","points":9.5}'));
    const second = registry.read(fromText('Scored', 1, '{"note":"Minh chứng","points":9.5}', 5n));
    expect(scored.calls()).toBe(1);
    // The schema's output (its key order), both times.
    expect(Object.keys(second.data as object)).toEqual(Object.keys(first.data as object));
    expect(second).toMatchObject({ revision: 5n, data: { points: 9.5, note: 'Minh chứng' } });
    expect(second.data).not.toBe(first.data);
  });

  it('still refuses an invalid text as corrupt_log naming stream and revision, after a valid one of the same type', () => {
    const registry = createEventRegistry([defineEvent('Scored', z.object({ points: z.number().max(10) }))]);
    registry.read(fromText('Scored', 1, '{"points":9}'));
    let refusal: unknown;
    try {
      registry.read(fromText('Scored', 1, '{"points":11}', 7n));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(CorruptLogError);
    expect(refusal).toMatchObject({ code: 'corrupt_log', streamId: 'pledge-c.u', revision: 7n });
  });

  it('validates the same text again at another stored version', () => {
    const v1 = counted(z.object({ name: z.string() }));
    const Renamed = defineEvent('Renamed', z.object({ fullName: z.string() }), {
      version: 2,
      history: { 1: { schema: v1.schema, upcast: (d) => ({ fullName: (d as { name: string }).name }) } },
    });
    const registry = createEventRegistry([Renamed]);
    expect(registry.read(fromText('Renamed', 1, '{"name":"Sở"}')).data).toEqual({ fullName: 'Sở' });
    expect(() => registry.read(fromText('Renamed', 2, '{"name":"Sở"}'))).toThrow(CorruptLogError);
    expect(registry.read(fromText('Renamed', 1, '{"name":"Sở"}')).data).toEqual({ fullName: 'Sở' });
    expect(v1.calls()).toBe(1);
  });

  it('does not remember a payload JSON would not give back (a transform making a Date)', () => {
    const dated = counted(z.object({ at: z.string().transform((s) => new Date(s)) }));
    const registry = createEventRegistry([defineEvent('Dated', dated.schema)]);
    const text = '{"at":"2026-01-01T00:00:00.000Z"}';
    expect((registry.read(fromText('Dated', 1, text)).data as { at: unknown }).at).toBeInstanceOf(Date);
    expect((registry.read(fromText('Dated', 1, text)).data as { at: unknown }).at).toBeInstanceOf(Date);
    expect(dated.calls()).toBe(2);
  });
});
