import { z } from 'zod';
import type { RecordedEvent } from '../envelope/envelope';
import { createInMemoryEventStore } from '../in-memory';
import { createEventRegistry, defineEvent } from '.';

const recorded = (type: string, schemaVersion: number, data: unknown): RecordedEvent => ({
  id: 'id',
  streamId: 'pledge-c.u',
  revision: 4n,
  position: 10n,
  type,
  schemaVersion,
  data,
  metadata: { prevHash: null, hash: 'h' },
  recordedAt: '2026-01-01T00:00:00.000Z',
});

describe('event registry', () => {
  const Renamed = defineEvent('Renamed', z.object({ fullName: z.string().min(1), shortName: z.string() }), {
    version: 3,
    history: {
      1: { schema: z.object({ name: z.string() }), upcast: (d) => ({ fullName: (d as { name: string }).name }) },
      2: {
        schema: z.object({ fullName: z.string() }),
        upcast: (d) => ({ ...(d as object), shortName: (d as { fullName: string }).fullName.slice(0, 3) }),
      },
    },
  });
  const registry = createEventRegistry([Renamed]);

  it('upcasts through every older version on read', () => {
    expect(registry.read(recorded('Renamed', 1, { name: 'Sở Xây dựng' }))).toMatchObject({
      schemaVersion: 3,
      data: { fullName: 'Sở Xây dựng', shortName: 'Sở ' },
    });
    expect(registry.currentVersion('Renamed')).toBe(3);
    expect(registry.types()).toEqual(['Renamed']);
  });

  it('reports unknown types, versions and invalid payloads read back as corrupt_log naming stream and revision', () => {
    for (const event of [
      recorded('Nope', 1, {}),
      recorded('Renamed', 7, {}),
      recorded('Renamed', 3, { fullName: '' }),
      recorded('Renamed', 1, { wrong: true }),
    ]) {
      expect(() => registry.read(event)).toThrow(expect.objectContaining({ code: 'corrupt_log', streamId: 'pledge-c.u', revision: 4n }));
    }
  });

  it('validates appends against the claimed version, keeping older versions as written', () => {
    expect(registry.prepareForAppend('Renamed', undefined, { fullName: 'A', shortName: 'A', extra: 1 })).toEqual({
      schemaVersion: 3,
      data: { fullName: 'A', shortName: 'A' },
    });
    expect(registry.prepareForAppend('Renamed', 1, { name: 'x' })).toEqual({ schemaVersion: 1, data: { name: 'x' } });
    expect(() => registry.prepareForAppend('Renamed', undefined, { fullName: 1 })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => registry.prepareForAppend('Other', undefined, {})).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => registry.prepareForAppend('Renamed', 9, {})).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('refuses incomplete histories and duplicate types at definition time', () => {
    expect(() => defineEvent('X', z.object({}), { version: 2 })).toThrow(/no history entry for v1/);
    expect(() => createEventRegistry([Renamed, Renamed])).toThrow(/registered twice/);
  });

  it('hands out the very definition registered for a type, and a store shows the registry it was created with', async () => {
    const registry = createEventRegistry([Renamed]);
    expect(registry.definition('Renamed')).toBe(Renamed);
    expect(registry.definition('Other')).toBeUndefined();
    const withRegistry = createInMemoryEventStore({ registry });
    const without = createInMemoryEventStore();
    expect(withRegistry.registry).toBe(registry);
    expect(without.registry).toBeUndefined();
    await Promise.all([withRegistry.close(), without.close()]);
  });
});
