import { EventStoreDBClient, UnavailableError, WrongExpectedVersionError } from '@eventstore/db-client';
import type { EventStore, ExpectedRevision, RecordedEvent } from '@thidua/eventsourcing';
import { fromClientExpectedRevision, toClientExpectedRevision, toConcurrencyError } from './append';
import { createEventStoreDbEventStore } from './eventstoredb-event-store';
import { startEventStoreDbDouble, type EventStoreDbDouble, type EventStoreDbDoubleOptions } from './testing-double';

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};
let counter = 0;
const uniqueStream = (prefix: string) => `${prefix}-${(counter += 1)}`;
const ids = (n: number) => Array.from({ length: n }, (_, i) => `5a1c0f3e-2b7d-4c89-9e10-${String(counter * 100 + i).padStart(12, '0')}`);
const tested = (n: number) => ids(n).map((id, i) => ({ id, type: 'Tested', data: { i } }));

describe('expected revision mapping', () => {
  it('maps the four kernel forms to the client and back', () => {
    const forms: ExpectedRevision[] = ['any', 'no_stream', 'stream_exists', 7n];
    expect(forms.map(toClientExpectedRevision)).toEqual(['any', 'no_stream', 'stream_exists', 7n]);
    expect(forms.map((form) => fromClientExpectedRevision(toClientExpectedRevision(form)))).toEqual(forms);
  });

  it('turns WrongExpectedVersion into ConcurrencyError with the actual revision (null for no stream)', () => {
    const existing = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 3n, current: 5n });
    expect(toConcurrencyError('s', existing)).toMatchObject({ code: 'concurrency', streamId: 's', expected: 3n, actual: 5n });
    const missing = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 'stream_exists', current: 'no_stream' });
    expect(toConcurrencyError('s', missing)).toMatchObject({ expected: 'stream_exists', actual: null });
  });
});

describe.each<[string, EventStoreDbDoubleOptions]>([
  ['batch appends', {}],
  ['legacy appends', { legacyAppend: true }],
])('append through the client (%s)', (_mode, doubleOptions) => {
  let double: EventStoreDbDouble;
  let store: EventStore;
  /** Another thidua process writing to the same server. */
  let rival: EventStore;

  const open = async (options: EventStoreDbDoubleOptions = {}) => {
    double = await startEventStoreDbDouble({ ...doubleOptions, ...options });
    rival = createEventStoreDbEventStore({ connectionString: double.connectionString });
  };
  afterEach(async () => {
    await store.close();
    await rival.close();
    await double.close();
  });

  /** A store whose client lets a rival write right after the tip read, once: a real race. */
  const racedStore = (race: () => Promise<unknown>) => {
    const client = EventStoreDBClient.connectionString(double.connectionString);
    const appendToStream = client.appendToStream.bind(client);
    let raced = false;
    jest.spyOn(client, 'appendToStream').mockImplementation(async (...args: Parameters<EventStoreDBClient['appendToStream']>) => {
      if (!raced) {
        raced = true;
        await race();
      }
      return appendToStream(...args);
    });
    const raceStore = createEventStoreDbEventStore({ client, retry: { initialDelayMs: 1 } });
    return { store: raceStore, dispose: () => client.dispose() };
  };

  it('surfaces a writer that got in after the tip read as ConcurrencyError with the actual revision', async () => {
    await open();
    store = createEventStoreDbEventStore({ connectionString: double.connectionString });
    const s = uniqueStream('race');
    await store.appendToStream(s, tested(2), { expectedRevision: 'no_stream' });
    const raced = racedStore(() => rival.appendToStream(s, [{ type: 'Rival', data: {} }]));
    try {
      await expect(raced.store.appendToStream(s, [{ type: 'Tested', data: { late: true } }], { expectedRevision: 1n })).rejects.toMatchObject({
        code: 'concurrency',
        streamId: s,
        expected: 1n,
        actual: 2n,
      });
    } finally {
      await raced.dispose();
    }
    const fresh = uniqueStream('race');
    const created = racedStore(() => rival.appendToStream(fresh, [{ type: 'Rival', data: {} }]));
    try {
      await expect(created.store.appendToStream(fresh, tested(1), { expectedRevision: 'no_stream' })).rejects.toMatchObject({
        code: 'concurrency',
        expected: 'no_stream',
        actual: 0n,
      });
    } finally {
      await created.dispose();
    }
  });

  it('lets the kernel retry a loose expectation (any) that lost a race, appending once', async () => {
    await open();
    store = createEventStoreDbEventStore({ connectionString: double.connectionString });
    const s = uniqueStream('loose');
    await store.appendToStream(s, tested(1));
    const raced = racedStore(() => rival.appendToStream(s, [{ type: 'Rival', data: {} }]));
    try {
      const result = await raced.store.appendToStream(s, [{ type: 'Tested', data: { mine: true } }], { expectedRevision: 'any' });
      expect(result.nextExpectedRevision).toBe(2n);
    } finally {
      await raced.dispose();
    }
    expect((await collect(store.readStream(s))).map((e) => e.type)).toEqual(['Tested', 'Rival', 'Tested']);
    expect(double.appendCalls.get(s)).toBe(4);
  });

  it.each(['deadline-exceeded', 'unavailable'] as const)(
    'retries an append whose reply failed (%s) after it committed, writing the events once',
    async (status) => {
      await open();
      store = createEventStoreDbEventStore({ connectionString: double.connectionString, retry: { initialDelayMs: 1 } });
      const s = uniqueStream('lost-reply');
      double.failAppendReplies(1, { status, commit: true });
      const result = await store.appendToStream(s, tested(3), { expectedRevision: 'no_stream' });
      expect(result.alreadyAppended).toBe(false);
      expect(result.events.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      expect(double.appendCalls.get(s)).toBe(2);
      const read = await collect(store.readStream(s));
      expect(read.map((e) => e.id)).toEqual(result.events.map((e) => e.id));
      expect(read.map((e) => e.position)).toEqual(result.events.map((e) => e.position));
    },
  );

  it('retries an append whose first try never reached the log, writing it once', async () => {
    await open();
    store = createEventStoreDbEventStore({ connectionString: double.connectionString, retry: { initialDelayMs: 1 } });
    const s = uniqueStream('not-committed');
    double.failAppendReplies(1, { status: 'unavailable', commit: false });
    const result = await store.appendToStream(s, tested(2), { expectedRevision: 'no_stream' });
    expect(result.events).toHaveLength(2);
    expect((await collect(store.readStream(s))).length).toBe(2);
  });

  it('recognises its own events by id when a retry meets WrongExpectedVersion instead of the server dedupe', async () => {
    await open({ idempotentAppends: false });
    store = createEventStoreDbEventStore({ connectionString: double.connectionString, retry: { initialDelayMs: 1 } });
    const s = uniqueStream('no-dedupe');
    double.failAppendReplies(1, { status: 'deadline-exceeded', commit: true });
    const result = await store.appendToStream(s, tested(2), { expectedRevision: 'no_stream' });
    expect(result.alreadyAppended).toBe(false);
    expect(result.events.map((e) => e.revision)).toEqual([0n, 1n]);
    expect(double.appendCalls.get(s)).toBe(2);
    expect((await collect(store.readStream(s))).length).toBe(2);
  });

  it('gives up after the configured number of retries with the client error, having written nothing', async () => {
    await open();
    store = createEventStoreDbEventStore({ connectionString: double.connectionString, retry: { maxRetries: 2, initialDelayMs: 1 } });
    const s = uniqueStream('gives-up');
    double.failAppendReplies(5, { status: 'unavailable', commit: false });
    await expect(store.appendToStream(s, tested(1), { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(UnavailableError);
    expect(double.appendCalls.get(s)).toBe(3);
    expect(await store.streamRevision(s)).toBeNull();
  });

  it('refuses $-types, the reserved metadata key and system stream names, writing nothing', async () => {
    await open();
    store = createEventStoreDbEventStore({ connectionString: double.connectionString });
    const s = uniqueStream('reserved');
    await expect(store.appendToStream(s, [{ type: '$Tested', data: {} }])).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(store.appendToStream(s, [{ type: 'Tested', data: {}, metadata: { $schemaVersion: 9 } }])).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(store.appendToStream('$system', [{ type: 'Tested', data: {} }])).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await store.streamRevision(s)).toBeNull();
    expect(double.appendCalls.size).toBe(0);
  });

  it('stores schemaVersion and the hash chain in the JSON metadata, and reads back exactly the hashed metadata', async () => {
    await open();
    store = createEventStoreDbEventStore({ connectionString: double.connectionString });
    const s = uniqueStream('meta');
    const [written] = (await store.appendToStream(s, [{ type: 'Tested', schemaVersion: 3, data: { n: 1 }, metadata: { actor: { id: 'u', role: 'council' } } }]))
      .events as [RecordedEvent];
    const stored = double.log.stream(s)![0]!;
    expect(stored.contentType).toBe('application/json');
    const storedMetadata = JSON.parse(Buffer.from(stored.customMetadata).toString('utf8')) as Record<string, unknown>;
    expect(storedMetadata).toEqual({ actor: { id: 'u', role: 'council' }, prevHash: null, hash: written.metadata.hash, $schemaVersion: 3 });
    const [read] = await collect(store.readStream(s, { raw: true }));
    expect(read!.schemaVersion).toBe(3);
    expect(read!.metadata).toEqual({ actor: { id: 'u', role: 'council' }, prevHash: null, hash: written.metadata.hash });
  });
});
