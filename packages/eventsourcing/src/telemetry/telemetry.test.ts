import { context, metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createCommandHandler } from '../command-handler';
import { add, counter, type Add, type Added } from '../command-handler/counter.test-helper';
import type { RecordedEvent } from '../envelope/envelope';
import type { EventStore } from '../event-store/event-store';
import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { createInMemoryProjectionStore } from '../in-memory/in-memory-projection-store';
import type { Projection } from '../projections/projection';
import { createProjectionRunner } from '../projections/projection-runner';
import { expectRejectedWithNothingAppended } from '../testing/expect-nothing-appended';
import { TelemetryAttributes as A, TelemetryMetrics as M, type TelemetryOption } from '.';

/** Counts events per stream; `poison` makes it throw, to see a failed batch. */
const counting = (poison = -1): Projection<{ n: number }> => ({
  name: 'counting',
  version: 1,
  handles: ['Added'],
  keys: (e) => [e.streamId],
  apply(e, docs) {
    if ((e.data as { n: number }).n === poison) throw new Error('poisoned');
    docs.set(e.streamId, { n: (docs.get(e.streamId)?.n ?? 0) + 1 });
  },
});

// Spans and metrics go to in-memory exporters; the context manager lets a command's appends find their parent.
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
// The reader exports only when the test flushes it (the interval is a safety net far beyond any test).
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
const telemetry: TelemetryOption = { tracerProvider, meterProvider };
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});

afterAll(async () => {
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
  context.disable();
});

beforeEach(() => {
  spans.reset();
});

const named = (name: string): ReadableSpan[] => spans.getFinishedSpans().filter((span) => span.name === name);
const only = (name: string): ReadableSpan => {
  const found = named(name);
  expect(found).toHaveLength(1);
  return found[0]!;
};

/** The metric's data points as they stand now (cumulative since the test file started). */
async function metric(name: string): Promise<MetricData | undefined> {
  metricExporter.reset();
  await reader.forceFlush();
  const exported = metricExporter.getMetrics();
  const all = exported.flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
  return all.filter((m) => m.descriptor.name === name).pop();
}

/** Sum of a counter's points whose attributes include `where`. */
async function counted(name: string, where: Record<string, unknown>): Promise<number> {
  const data = await metric(name);
  if (!data) return 0;
  return data.dataPoints
    .filter((point) => Object.entries(where).every(([key, value]) => point.attributes[key] === value))
    .reduce((sum, point) => sum + (point.value as number), 0);
}

/** Histogram counts of the points whose attributes include `where`. */
async function recorded(name: string, where: Record<string, unknown>): Promise<number> {
  const data = await metric(name);
  if (!data) return 0;
  expect(data.dataPointType).toBe(DataPointType.HISTOGRAM);
  return data.dataPoints
    .filter((point) => Object.entries(where).every(([key, value]) => point.attributes[key] === value))
    .reduce((sum, point) => sum + (point.value as { count: number }).count, 0);
}

const handlerFor = (store: EventStore, extra: Partial<Parameters<typeof createCommandHandler<Add, Added, number>>[0]> = {}) =>
  createCommandHandler<Add, Added, number>({
    eventStore: store,
    decider: counter,
    streamId: (c) => `counter-${c.data.counter}`,
    telemetry,
    ...extra,
  });

describe('telemetry of a command', () => {
  it('records one span per command, with its reads and append as children, and the command metrics', async () => {
    const store = createInMemoryEventStore({ telemetry });
    const handle = handlerFor(store);
    const before = await recorded(M.commandDuration, { [A.commandName]: 'Add', [A.commandOutcome]: 'appended' });

    const result = await handle({ ...add('cmd-1', 2), correlationId: 'corr-1' });

    const command = only('handle Add');
    expect(command.kind).toBe(SpanKind.INTERNAL);
    expect(command.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(command.attributes).toMatchObject({
      [A.commandName]: 'Add',
      [A.messagingMessageId]: 'cmd-1',
      [A.messagingConversationId]: 'corr-1',
      [A.streamId]: 'counter-c1',
      [A.streamCategory]: 'counter',
      [A.actorRole]: 'council',
      [A.commandOutcome]: 'appended',
      [A.commandDuplicate]: false,
      [A.commandAttempts]: 1,
      [A.messagingBatchMessageCount]: 1,
      [A.streamRevision]: 0,
    });
    const load = only('aggregateStream counter');
    const append = only('appendToStream counter');
    for (const child of [load, append]) {
      expect(child.parentSpanContext?.spanId).toBe(command.spanContext().spanId);
      expect(child.kind).toBe(SpanKind.CLIENT);
    }
    expect(append.attributes).toMatchObject({
      [A.dbSystemName]: 'memory',
      [A.dbOperationName]: 'appendToStream',
      [A.store]: 'memory',
      [A.streamId]: 'counter-c1',
      [A.expectedRevision]: 'no_stream',
      [A.appendOutcome]: 'appended',
      [A.messagingBatchMessageCount]: 1,
      [A.streamRevision]: 0,
      [A.appendPosition]: result.position!.toString(),
    });
    expect(load.attributes).toMatchObject({ [A.dbOperationName]: 'aggregateStream', [A.dbResponseReturnedRows]: 0 });
    expect(command.instrumentationScope.name).toBe('@thidua/eventsourcing');

    expect(await recorded(M.commandDuration, { [A.commandName]: 'Add', [A.commandOutcome]: 'appended' })).toBe(before + 1);
    const attempts = await metric(M.commandAttempts);
    expect(attempts?.descriptor.unit).toBe('{attempt}');
    expect((await metric(M.commandDuration))?.descriptor.unit).toBe('s');
  });

  it('marks a refused command as an error with its rule, and it appends nothing', async () => {
    const store = createInMemoryEventStore({ telemetry });
    const handle = handlerFor(store);
    await handle(add('cmd-1', 9));
    spans.reset();
    const refusedBefore = await recorded(M.commandDuration, { [A.commandOutcome]: 'refused', [A.errorType]: 'rule_violated' });

    await expectRejectedWithNothingAppended(store, () => handle(add('cmd-2', 5)), 'rule_violated', 'counter.over_ten');

    const command = named('handle Add').find((span) => span.attributes[A.messagingMessageId] === 'cmd-2')!;
    expect(command.status).toEqual({ code: SpanStatusCode.ERROR, message: 'A counter never exceeds 10' });
    expect(command.attributes).toMatchObject({
      [A.commandOutcome]: 'refused',
      [A.errorType]: 'rule_violated',
      [A.commandRule]: 'counter.over_ten',
      [A.commandAttempts]: 1,
    });
    expect(command.events.map((event) => event.name)).toEqual(['exception']);
    expect(named('appendToStream counter')).toEqual([]);
    expect(await recorded(M.commandDuration, { [A.commandOutcome]: 'refused', [A.errorType]: 'rule_violated' })).toBe(refusedBefore + 1);
  });

  it('counts the attempts of a command that lost a race, and reports one that lost every race as a conflict', async () => {
    const store = createInMemoryEventStore({ telemetry });
    let interfere = 1;
    const retried = handlerFor(store, {
      loadContext: async () => {
        if (interfere-- > 0) await store.appendToStream('counter-c1', [{ type: 'Added', data: { n: 1 } }]);
        return undefined;
      },
    });
    await retried(add('cmd-1', 2));
    expect(only('handle Add').attributes).toMatchObject({ [A.commandOutcome]: 'appended', [A.commandAttempts]: 2 });
    const conflicted = named('appendToStream counter').find((span) => span.attributes[A.appendOutcome] === 'conflict')!;
    expect(conflicted.attributes).toMatchObject({ [A.expectedRevision]: 'no_stream', [A.errorType]: 'concurrency' });
    expect(conflicted.status.code).toBe(SpanStatusCode.ERROR);

    spans.reset();
    const hopeless = handlerFor(store, {
      retry: { maxAttempts: 2, initialDelayMs: 0 },
      loadContext: async () => {
        await store.appendToStream('counter-c1', [{ type: 'Added', data: { n: 0 } }]);
        return undefined;
      },
    });
    await expect(hopeless(add('cmd-2', 1))).rejects.toMatchObject({ code: 'concurrency' });
    expect(only('handle Add').attributes).toMatchObject({
      [A.commandOutcome]: 'conflict',
      [A.commandAttempts]: 2,
      [A.errorType]: 'concurrency',
    });
  });

  it('reports a re-sent command as a duplicate that appended nothing', async () => {
    const store = createInMemoryEventStore({ telemetry });
    const handle = handlerFor(store);
    await handle(add('cmd-1', 2));
    spans.reset();
    const again = await handle(add('cmd-1', 2));
    expect(again.duplicate).toBe(true);
    expect(only('handle Add').attributes).toMatchObject({
      [A.commandOutcome]: 'duplicate',
      [A.commandDuplicate]: true,
      [A.messagingBatchMessageCount]: 1,
    });
    expect(named('appendToStream counter')).toEqual([]);

    spans.reset();
    await handle(add('cmd-2', 0));
    expect(only('handle Add').attributes).toMatchObject({ [A.commandOutcome]: 'unchanged', [A.messagingBatchMessageCount]: 0 });
  });
});

describe('telemetry of a store', () => {
  it('records appends with their expected revision form and outcome, and counts the events', async () => {
    const store = createInMemoryEventStore({ telemetry });
    const appendedBefore = await counted(M.storeEvents, { [A.dbOperationName]: 'appendToStream', [A.dbSystemName]: 'memory' });
    const ids = [{ id: '2f1d7b1e-0000-4000-8000-000000000001', type: 'Added', data: { n: 1 } }];
    await store.appendToStream('tally-a', ids, { expectedRevision: 'no_stream' });
    await store.appendToStream('tally-a', [{ type: 'Added', data: { n: 1 } }, { type: 'Added', data: { n: 2 } }], { expectedRevision: 0n });
    await store.appendToStream('tally-a', [{ type: 'Added', data: { n: 3 } }]);
    // The first append again, after a lost reply: nothing is written.
    await store.appendToStream('tally-a', ids, { expectedRevision: 'no_stream' });
    await expect(store.appendToStream('tally-a', [{ type: 'Added', data: { n: 4 } }], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
      code: 'concurrency',
    });
    await expect(store.appendToStream('tally a', [{ type: 'Added', data: { n: 4 } }])).rejects.toMatchObject({ code: 'validation_failed' });
    // What plain JavaScript may pass is still the kernel's to refuse, with its own error.
    const untyped = store.appendToStream as (streamId: unknown, events: unknown) => Promise<unknown>;
    await expect(untyped(undefined, undefined)).rejects.toMatchObject({ code: 'validation_failed' });
    expect(only('appendToStream invalid').attributes).toMatchObject({ [A.appendOutcome]: 'refused', [A.messagingBatchMessageCount]: 0 });

    const appends = named('appendToStream tally');
    expect(appends.map((span) => [span.attributes[A.expectedRevision], span.attributes[A.appendOutcome]])).toEqual([
      ['no_stream', 'appended'],
      ['exact', 'appended'],
      ['any', 'appended'],
      ['no_stream', 'already_appended'],
      ['no_stream', 'conflict'],
    ]);
    const refused = only('appendToStream tally a');
    expect(refused.attributes).toMatchObject({ [A.appendOutcome]: 'refused', [A.errorType]: 'validation_failed' });
    expect(refused.status.code).toBe(SpanStatusCode.ERROR);
    expect(appends[1]!.attributes).toMatchObject({ [A.messagingBatchMessageCount]: 2, [A.streamRevision]: 2 });
    // A re-sent append says what it was asked to write, though it wrote nothing (the events counter shows that).
    expect(appends[3]!.attributes).toMatchObject({ [A.messagingBatchMessageCount]: 1, [A.streamRevision]: 0 });
    expect(await counted(M.storeEvents, { [A.dbOperationName]: 'appendToStream', [A.dbSystemName]: 'memory' })).toBe(appendedBefore + 4);
    expect(
      await recorded(M.storeOperationDuration, {
        [A.dbOperationName]: 'appendToStream',
        [A.appendOutcome]: 'conflict',
        [A.expectedRevision]: 'no_stream',
        [A.errorType]: 'concurrency',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('records reads of a stream and of the log with the number of events they returned', async () => {
    const store = createInMemoryEventStore({ telemetry, pageSize: 2 });
    await store.appendToStream('tally-r', [1, 2, 3, 4, 5].map((n) => ({ type: 'Added', data: { n } })));
    await store.appendToStream('other-r', [{ type: 'Added', data: { n: 6 } }]);
    spans.reset();
    const readBefore = await counted(M.storeEvents, { [A.dbOperationName]: 'readStream' });

    const forwards: RecordedEvent[] = [];
    for await (const event of store.readStream('tally-r')) forwards.push(event);
    let taken = 0;
    for await (const _ of store.readStream('tally-r', { direction: 'backwards' })) if (++taken === 2) break;
    store.readStream('tally-r'); // never iterated: no span
    const all: RecordedEvent[] = [];
    for await (const event of store.readAll()) all.push(event);
    const page = await store.readAllPage({ maxCount: 4 });

    const reads = named('readStream tally');
    expect(reads.map((span) => [span.attributes[A.readDirection], span.attributes[A.dbResponseReturnedRows]])).toEqual([
      ['forwards', 5],
      ['backwards', 2],
    ]);
    expect(reads[0]!.attributes).toMatchObject({ [A.streamId]: 'tally-r', [A.dbOperationName]: 'readStream', [A.dbSystemName]: 'memory' });
    expect(only('readAll $all').attributes).toMatchObject({ [A.dbResponseReturnedRows]: all.length, [A.dbOperationName]: 'readAll' });
    expect(only('readAllPage $all').attributes).toMatchObject({ [A.dbResponseReturnedRows]: page.length });
    expect(forwards).toHaveLength(5);
    expect(all).toHaveLength(6);
    expect(await counted(M.storeEvents, { [A.dbOperationName]: 'readStream' })).toBe(readBefore + 7);
  });
});

describe('telemetry of projection batches', () => {
  it('records one span per committed batch, with its events, positions and lag, and the batch metrics', async () => {
    const store = createInMemoryEventStore();
    const projectionStore = createInMemoryProjectionStore();
    for (let n = 1; n <= 5; n++) await store.appendToStream(`tally-${n % 2}`, [{ type: 'Added', data: { n } }]);
    const eventsBefore = await counted(M.projectionEvents, { [A.projectionName]: 'counting' });
    const runner = createProjectionRunner({ eventStore: store, projectionStore, projection: counting(), batchSize: 2, telemetry });

    await runner.catchUp();

    const batches = named('apply counting');
    expect(
      batches.map((span) => [
        span.attributes[A.messagingBatchMessageCount],
        span.attributes[A.projectionPositionFrom],
        span.attributes[A.projectionPositionTo],
        span.attributes[A.projectionLag],
      ]),
    ).toEqual([
      [2, undefined, '2', 3],
      [2, '2', '4', 1],
      [1, '4', '5', 0],
    ]);
    for (const batch of batches) {
      expect(batch.kind).toBe(SpanKind.CONSUMER);
      expect(batch.attributes).toMatchObject({
        [A.projectionName]: 'counting',
        [A.projectionVersion]: 1,
        [A.projectionRebuild]: false,
        [A.projectionOutcome]: 'committed',
      });
    }
    expect(await counted(M.projectionEvents, { [A.projectionName]: 'counting' })).toBe(eventsBefore + 5);
    const lag = await metric(M.projectionLag);
    expect(lag?.dataPointType).toBe(DataPointType.GAUGE);
    expect(lag?.dataPoints.find((point) => point.attributes[A.projectionName] === 'counting')?.value).toBe(0);

    spans.reset();
    await runner.rebuild();
    expect(named('apply counting').every((span) => span.attributes[A.projectionRebuild] === true)).toBe(true);
    expect(named('apply counting').length).toBeGreaterThan(0);
  });

  it('marks a batch whose projection throws as failed', async () => {
    const store = createInMemoryEventStore();
    await store.appendToStream('tally-p', [1, 2, 3].map((n) => ({ type: 'Added', data: { n } })));
    const runner = createProjectionRunner({
      eventStore: store,
      projectionStore: createInMemoryProjectionStore(),
      projection: counting(3),
      telemetry,
    });
    await expect(runner.catchUp()).rejects.toMatchObject({ code: 'projection_failed' });
    const batch = only('apply counting');
    expect(batch.status.code).toBe(SpanStatusCode.ERROR);
    expect(batch.attributes).toMatchObject({ [A.projectionOutcome]: 'failed', [A.errorType]: 'projection_failed' });
    expect(
      await recorded(M.projectionBatchDuration, { [A.projectionName]: 'counting', [A.projectionOutcome]: 'failed' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('reports the batches of a live runner as it follows the log', async () => {
    const store = createInMemoryEventStore();
    const projectionStore = createInMemoryProjectionStore();
    const runner = createProjectionRunner({ eventStore: store, projectionStore, projection: counting(), telemetry });
    const live = runner.start();
    await store.appendToStream('tally-l', [{ type: 'Added', data: { n: 1 } }]);
    await runner.waitForPosition(1n, { timeoutMs: 20_000 });
    await runner.stop();
    await live.done;
    const committed = named('apply counting').filter((span) => span.attributes[A.projectionPositionTo] === '1');
    expect(committed).toHaveLength(1);
    expect(committed[0]!.attributes).toMatchObject({ [A.messagingBatchMessageCount]: 1, [A.projectionLag]: 0 });
  });
});

/** What the scenario below builds on: the kernel as this file imports it, or a fresh copy of it. */
type Kernel = Pick<
  typeof import('../index'),
  'createCommandHandler' | 'createInMemoryEventStore' | 'createInMemoryProjectionStore' | 'createProjectionRunner'
>;
const kernel: Kernel = { createCommandHandler, createInMemoryEventStore, createInMemoryProjectionStore, createProjectionRunner };

/** The same commands, appends, reads and projection on a fresh store, with `option` as every component's telemetry. */
async function scenario(k: Kernel, option: TelemetryOption | undefined) {
  const telemetryOption = option === undefined ? {} : { telemetry: option };
  let clock = Date.parse('2013-01-02T01:00:00Z');
  const store = k.createInMemoryEventStore({ clock: () => new Date((clock += 1_000)), ...telemetryOption });
  const handle = k.createCommandHandler<Add, Added, number>({
    eventStore: store,
    decider: counter,
    streamId: (c) => `counter-${c.data.counter}`,
    ...telemetryOption,
  });
  const results = [await handle(add('cmd-1', 4)), await handle(add('cmd-2', 5)), await handle(add('cmd-1', 4))];
  const refusal = await handle(add('cmd-3', 5)).catch((error: unknown) => error);
  const projectionStore = k.createInMemoryProjectionStore();
  await k.createProjectionRunner({ eventStore: store, projectionStore, projection: counting(), ...telemetryOption }).catchUp();
  const log: RecordedEvent[] = [];
  for await (const event of store.readAll()) log.push(event);
  const documents = await projectionStore.getDocuments('counting', ['counter-c1']);
  return { results, refusal, log, documents: [...documents], state: await projectionStore.getState('counting') };
}

describe('telemetry off', () => {
  it('records nothing, even with providers registered globally, and behaves exactly as with telemetry on', async () => {
    // Registered globally, so `telemetry: true` reaches these providers; without the option nothing may.
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    try {
      const countsBefore = await counted(M.storeEvents, {});
      const off = await scenario(kernel, undefined);
      expect(off.log).toHaveLength(2);
      expect(off.refusal).toMatchObject({ code: 'rule_violated' });
      const offExplicitly = await scenario(kernel, false);
      const disabled = await scenario(kernel, { tracerProvider, meterProvider, enabled: false });
      expect(spans.getFinishedSpans()).toEqual([]);
      expect(await counted(M.storeEvents, {})).toBe(countsBefore);

      const on = await scenario(kernel, true);
      expect(named('handle Add')).toHaveLength(4);
      expect(await counted(M.storeEvents, {})).toBeGreaterThan(countsBefore);
      for (const other of [offExplicitly, disabled, on]) expect(other).toEqual(off);
    } finally {
      trace.disable();
      metrics.disable();
    }
  });

  it('without @opentelemetry/api installed: never loads it unless asked, then warns once and runs unchanged', async () => {
    const expected = await scenario(kernel, undefined);
    const warnings = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const loads = { count: 0 };
    try {
      // A fresh copy of the kernel, for which the API cannot be found, as in a project that never installed it.
      jest.resetModules();
      jest.doMock('@opentelemetry/api', () => {
        loads.count += 1;
        throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: 'MODULE_NOT_FOUND' });
      });
      const bare = jest.requireActual<typeof import('../index')>('../index');
      expect(await scenario(bare, undefined)).toEqual(expected);
      expect(loads.count).toBe(0);
      expect(warnings).not.toHaveBeenCalled();

      expect(await scenario(bare, true)).toEqual(expected);
      expect(await scenario(bare, { tracerProvider, meterProvider })).toEqual(expected);
      expect(loads.count).toBe(1);
      expect(warnings).toHaveBeenCalledTimes(1);
      expect(warnings.mock.calls[0]?.[1]).toMatchObject({ code: 'THIDUA_TELEMETRY_UNAVAILABLE' });
      expect(spans.getFinishedSpans()).toEqual([]);
    } finally {
      warnings.mockRestore();
      jest.dontMock('@opentelemetry/api');
    }
  });
});
