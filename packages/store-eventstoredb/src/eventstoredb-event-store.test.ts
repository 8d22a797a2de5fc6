import { EventStoreDBClient } from '@eventstore/db-client';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TelemetryAttributes } from '@thidua/eventsourcing';
import { createServer } from 'node:net';
import { createEventStoreDbEventStore } from './eventstoredb-event-store';
import { startEventStoreDbDouble, type EventStoreDbDouble } from './testing-double';
import { waitUntil } from '@thidua/eventsourcing/testing';

/** A port nothing listens on: bound once on 127.0.0.1, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('createEventStoreDbEventStore', () => {
  let double: EventStoreDbDouble;
  beforeEach(async () => {
    double = await startEventStoreDbDouble();
  });
  afterEach(async () => {
    await double.close();
  });

  it('declares honest capabilities under the name eventstoredb', async () => {
    const store = createEventStoreDbEventStore({ connectionString: double.connectionString });
    expect(store.name).toBe('eventstoredb');
    expect(store.capabilities).toEqual({ densePositions: false, concurrentWriters: true, durable: true, maxAppendBytes: 1_048_576 });
    await store.close();
  });

  it('disposes the client it created on close, and refuses calls afterwards', async () => {
    const store = createEventStoreDbEventStore({ connectionString: double.connectionString });
    await store.appendToStream('s', [{ type: 'Tested', data: {} }]);
    // The client keeps its BatchAppend call open for the next append until it is disposed.
    expect(double.openBatchAppendCalls()).toBe(1);
    await store.close();
    await waitUntil(() => double.openBatchAppendCalls() === 0);
    await expect(store.headPosition()).rejects.toThrow('closed');
    await store.close();
  });

  it('leaves a client it was given open', async () => {
    const client = EventStoreDBClient.connectionString(double.connectionString);
    try {
      const store = createEventStoreDbEventStore({ client });
      await store.appendToStream('s', [{ type: 'Tested', data: {} }]);
      await store.close();
      expect(double.openBatchAppendCalls()).toBe(1);
      const again = createEventStoreDbEventStore({ client });
      expect(await again.streamRevision('s')).toBe(0n);
      await again.close();
    } finally {
      await client.dispose();
    }
  });

  it('connects through gossip with a cluster connection string, skipping nodes that are down', async () => {
    const [down1, down2] = [await closedPort(), await closedPort()];
    const cluster = `esdb://127.0.0.1:${down1},127.0.0.1:${double.port},127.0.0.1:${down2}?tls=false&nodePreference=leader`;
    const store = createEventStoreDbEventStore({ connectionString: cluster });
    try {
      await store.appendToStream('clustered', [{ type: 'Tested', data: { n: 1 } }], { expectedRevision: 'no_stream' });
      expect(await store.streamRevision('clustered')).toBe(0n);
    } finally {
      await store.close();
    }
  });

  it('accepts esdb+discover:// and kurrentdb:// connection strings', async () => {
    for (const connectionString of [
      `esdb+discover://127.0.0.1:${double.port}?tls=false`,
      `kurrentdb://127.0.0.1:${double.port}?tls=false&defaultDeadline=5000`,
      `kurrent+discover://127.0.0.1:${double.port}?tls=false`,
    ]) {
      const store = createEventStoreDbEventStore({ connectionString });
      try {
        await store.appendToStream('schemes', [{ type: 'Tested', data: {} }]);
      } finally {
        await store.close();
      }
    }
    expect(double.log.stream('schemes')).toHaveLength(3);
  });

  it('hands its telemetry option to the kernel: appends and reads are traced as KurrentDB operations', async () => {
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const store = createEventStoreDbEventStore({ connectionString: double.connectionString, telemetry: { tracerProvider } });
    try {
      await store.appendToStream('traced-1', [{ type: 'Tested', data: {} }]);
      await store.aggregateStream('traced-1', { initialState: () => 0, evolve: (n) => n + 1 });
      expect(spans.getFinishedSpans().map((span) => [span.name, span.attributes[TelemetryAttributes.dbSystemName]])).toEqual([
        ['appendToStream traced', 'kurrentdb'],
        ['aggregateStream traced', 'kurrentdb'],
      ]);
    } finally {
      await store.close();
      await tracerProvider.shutdown();
    }
  });

  it('refuses options it cannot work with', () => {
    expect(() => createEventStoreDbEventStore({ connectionString: 'http://localhost:2113' })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
    expect(() => createEventStoreDbEventStore({ connectionString: double.connectionString, namespace: '$system' })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
    // Without TypeScript's help (plain JavaScript callers), neither way to connect is an error too.
    const untyped = createEventStoreDbEventStore as (options: object) => unknown;
    expect(() => untyped({})).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});
