import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { createCommandHandler } from '../command-handler/command-handler';
import { add, counter } from '../command-handler/counter.test-helper';
import type { RecordedEvent } from '../envelope/envelope';
import type { EventStoreDriver } from '../driver/event-store-driver';
import type { EventStore } from '../event-store/event-store';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { createEventRegistry, defineEvent } from '../registry/event-registry';
import { createAnchor, signAnchor } from './anchor';
import { anchorToFile, parseAnchor } from './anchor-file';
import type { AuditRule } from './audit-rule';
import { verifyLog } from './verify-log';

const registry = createEventRegistry([defineEvent('Added', z.object({ n: z.number() }))]);
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const otherKey = generateKeyPairSync('ed25519').privateKey;

/** A store with two counters, three commands each, through the command handler (so ids derive from command ids). */
async function counters(wrap?: (driver: EventStoreDriver) => EventStoreDriver): Promise<EventStore> {
  const store = createInMemoryEventStore({ registry, ...(wrap ? { wrapDriver: wrap } : {}) });
  const handle = createCommandHandler({ eventStore: store, decider: counter, streamId: (command) => `counter-${command.data.counter}` });
  for (const name of ['a', 'b']) for (const n of [1, 2, 6]) await handle(add(`${name}-${n}`, n, name));
  return store;
}

/** A driver whose reads of `$all` pass through `edit` (the test's stand-in for an edit made in the database). */
function tampered(edit: (page: RecordedEvent[]) => RecordedEvent[]): (driver: EventStoreDriver) => EventStoreDriver {
  return (driver) =>
    Object.assign(Object.create(driver) as EventStoreDriver, {
      readAllPage: async (options: Parameters<EventStoreDriver['readAllPage']>[0]) => edit(await driver.readAllPage(options)),
    });
}

describe('verifyLog', () => {
  it('finds a sound log sound and lists every check it ran or skipped', async () => {
    const store = await counters();
    const report = await verifyLog(store, { registry });
    expect(report).toMatchObject({ sound: true, events: 8, streams: 2, finding: null, findings: [] });
    expect(Object.fromEntries(report.checks.map((check) => [check.name, check.status]))).toEqual({
      'hash-chains': 'passed',
      payloads: 'passed',
      'event-ids': 'passed',
      positions: 'passed',
      bookkeeping: 'passed',
      'domain-rules': 'skipped',
      anchors: 'skipped',
      'anchor-signatures': 'skipped',
      replay: 'skipped',
    });
  });

  it('names an event whose id is not the one derived from its command id', async () => {
    const store = await counters(tampered((page) => page.map((event) => (event.position === 3n ? { ...event, id: '00000000-0000-4000-8000-000000000000' } : event))));
    const report = await verifyLog(store, { registry });
    expect(report.sound).toBe(false);
    expect(report.findings).toEqual([
      expect.objectContaining({ check: 'event-ids', event: expect.objectContaining({ position: 3n, streamId: 'counter-a' }) }),
    ]);
  });

  it('names a hole in dense positions, and the head the store records past the events', async () => {
    const store = await counters(tampered((page) => page.filter((event) => event.position !== 4n && event.position !== 8n)));
    const report = await verifyLog(store, { registry });
    expect(report.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ check: 'positions', event: expect.objectContaining({ position: 5n }), problem: expect.stringContaining('hole in positions: 4 missing') }),
        expect.objectContaining({ check: 'bookkeeping', problem: expect.stringContaining('log head at position 8, its events up to there end at 7') }),
        expect.objectContaining({ check: 'bookkeeping', problem: expect.stringContaining('stream counter-b at revision 3') }),
      ]),
    );
  });

  it('takes appends made while it runs (a live store) for what they are, not for events added behind its back', async () => {
    let store: EventStore | null = null;
    let live = 0;
    // Another writer appends just before each read of the store's bookkeeping.
    const busy = (driver: EventStoreDriver): EventStoreDriver =>
      Object.assign(Object.create(driver) as EventStoreDriver, {
        bookkeeping: async () => {
          if (store) await store.appendToStream('counter-live', [{ type: 'Added', data: { n: (live += 1) } }]);
          return driver.bookkeeping!();
        },
      });
    store = await counters(busy);
    const report = await verifyLog(store, { registry });
    expect(live).toBe(2);
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ sound: true, events: 9 });
  });

  it('takes a store that was empty when it began, and written to since, for sound', async () => {
    let store: EventStore | null = null;
    let reads = 0;
    const startsEmpty = (driver: EventStoreDriver): EventStoreDriver =>
      Object.assign(Object.create(driver) as EventStoreDriver, {
        bookkeeping: async () => {
          const books = await driver.bookkeeping!();
          // The other writer's append lands just after the first read.
          if (store && (reads += 1) === 1) await store.appendToStream('counter-live', [{ type: 'Added', data: { n: 1 } }]);
          return books;
        },
      });
    store = createInMemoryEventStore({ registry, wrapDriver: startsEmpty });
    const report = await verifyLog(store, { registry });
    expect(report).toMatchObject({ sound: true, events: 1, findings: [] });
  });

  it('runs the rules it is given and names the event each finds', async () => {
    const noSixes: AuditRule = {
      name: 'no-six',
      start: () => ({ check: (event) => ((event.data as { n: number }).n === 6 ? 'six is not allowed here' : null) }),
    };
    const report = await verifyLog(await counters(), { registry, rules: [noSixes] });
    expect(report.findings.map((finding) => [finding.check, finding.event?.streamId, finding.event?.revision, finding.problem])).toEqual([
      ['domain-rules', 'counter-a', 2n, 'no-six: six is not allowed here'],
      ['domain-rules', 'counter-b', 2n, 'no-six: six is not allowed here'],
    ]);
  });

  it('is unsound when the log no longer extends an anchor: a cut tail the chain cannot see', async () => {
    const whole = await counters();
    const anchor = await createAnchor(whole, { privateKey });
    expect(anchor.position).toBe(8n);
    // The last command of counter-b (positions 7 and 8) cut off: every remaining chain is intact.
    const cut = await counters(tampered((page) => page.filter((event) => event.position < 7n)));
    const without = await verifyLog(cut, { registry });
    expect(without.checks.find((check) => check.name === 'hash-chains')?.status).toBe('passed');
    const withAnchor = await verifyLog(cut, { registry, anchors: [anchor], publicKey });
    expect(withAnchor.sound).toBe(false);
    expect(withAnchor.findings.filter((finding) => finding.check === 'anchors').map((finding) => finding.problem)).toEqual([
      expect.stringContaining('the log ends at position 6, before the position 8'),
      expect.stringContaining('the stream tips up to position 8 no longer match'),
      expect.stringContaining('the events up to position 8 no longer match'),
    ]);
  });

  it('checks the events digest only when the anchor has one, and says so', async () => {
    const store = await counters();
    const { eventsDigest: _digest, ...older } = await createAnchor(store);
    const report = await verifyLog(store, { registry, anchors: [older] });
    expect(report.sound).toBe(true);
    expect(report.checks.find((check) => check.name === 'anchors')?.detail).toContain('1 without an events digest, whose event-by-event check was skipped');
    // A changed recordedAt is in no chain and no tip: only the events digest sees it.
    const moved = await counters(tampered((page) => page.map((event) => (event.position === 2n ? { ...event, recordedAt: '2001-01-01T00:00:00.000Z' } : event))));
    expect((await verifyLog(moved, { registry, anchors: [older] })).sound).toBe(true);
    expect((await verifyLog(moved, { registry, anchors: [await createAnchor(store)] })).findings).toEqual([
      expect.objectContaining({ check: 'anchors', problem: expect.stringContaining('the events up to position 8 no longer match') }),
    ]);
  });

  it('checks signatures with a public key and counts the events after the last signed anchor', async () => {
    const store = await counters();
    const signed = await createAnchor(store, { privateKey });
    await store.recordAnchor!(signed);
    const handle = createCommandHandler({ eventStore: store, decider: counter, streamId: (command) => `counter-${command.data.counter}` });
    await handle(add('c-1', 1, 'c'));
    await store.recordAnchor!(await createAnchor(store));
    await handle(add('c-2', 6, 'c'));

    const report = await verifyLog(store, { registry, publicKey });
    expect(report).toMatchObject({ sound: true, anchors: { checked: 2, stored: 2 }, lastSignedAnchor: { position: 8n }, eventsAfterLastSignedAnchor: 3 });
    expect((await verifyLog(store, { registry })).eventsAfterLastSignedAnchor).toBeUndefined();

    const forged = { ...signAnchor(signed, otherKey) };
    const refused = await verifyLog(store, { registry, publicKey, anchors: [forged] });
    expect(refused.findings).toEqual([expect.objectContaining({ check: 'anchor-signatures', problem: expect.stringContaining('does not hold under the public key') })]);
    const altered = { ...signed, anchoredAt: '2020-01-01T00:00:00.000Z' };
    expect((await verifyLog(store, { registry, publicKey, anchors: [parseAnchor(anchorToFile(altered))] })).sound).toBe(false);
  });

  it('reports a stored anchor that cannot be read as a finding', async () => {
    const store = await counters((driver) =>
      Object.assign(Object.create(driver) as EventStoreDriver, { readAnchors: async () => [{ position: 'x' }] }),
    );
    const report = await verifyLog(store, { registry });
    expect(report.findings).toEqual([expect.objectContaining({ check: 'anchors', problem: expect.stringContaining('stored anchor 1 of memory is not a thidua anchor') })]);
  });
});
