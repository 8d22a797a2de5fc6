import { context, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createThidua, thiduaRegistry } from '@thidua/domain';
import { TelemetryAttributes as A, type EventStore, type ProjectionStore } from '@thidua/eventsourcing';
import { expectRejectedWithNothingAppended } from '@thidua/eventsourcing/testing';
import { createThiduaProjections } from '@thidua/projections';
import { describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-target';
import { createPostgresEventStore } from './postgres-event-store';
import { createPostgresProjectionStore } from './postgres-projection-store';

// The wiring a service does, on the real store: the `telemetry` option reaches the kernel through the
// PostgreSQL store, `createThidua` and `createThiduaProjections`.
describePostgres('telemetry on PostgreSQL', () => {
  const schemas = testSchemas('telemetry');
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const contextManager = new AsyncLocalStorageContextManager();
  let eventStore: EventStore;
  let projectionStore: ProjectionStore;

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    const schema = schemas.next();
    eventStore = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, registry: thiduaRegistry, telemetry: { tracerProvider } });
    projectionStore = createPostgresProjectionStore({ connectionString: TEST_DATABASE_URL, schema });
  });
  afterAll(async () => {
    await Promise.all([eventStore.close(), projectionStore.close()]);
    await tracerProvider.shutdown();
    context.disable();
  });

  it('traces a command, its append to PostgreSQL, a refused command and the projection batches', async () => {
    const thidua = createThidua({ eventStore, telemetry: { tracerProvider } });
    const council = { id: 'hdtdkt', role: 'council' };
    const establish = {
      command: 'EstablishBloc',
      commandId: `otel-${process.pid}-1`,
      actor: council,
      data: { blocId: 'kt-kt', name: 'Khối Thi đua Kinh tế - Kỹ thuật', authority: 'UBND tỉnh Tây Ninh', establishedAt: '2013-01-02T08:00:00+07:00' },
    };
    await thidua.execute(establish);
    await expectRejectedWithNothingAppended(
      eventStore,
      () => thidua.execute({ ...establish, commandId: `otel-${process.pid}-2`, actor: { id: 'someone', role: 'member', unitId: 'so-y-te' } }),
      'forbidden',
    );

    const [accepted, refused] = spans.getFinishedSpans().filter((span) => span.name === 'handle EstablishBloc');
    expect(accepted?.attributes).toMatchObject({ [A.commandOutcome]: 'appended', [A.streamId]: 'bloc-kt-kt' });
    const append = spans.getFinishedSpans().find((span) => span.name === 'appendToStream bloc');
    expect(append?.parentSpanContext?.spanId).toBe(accepted?.spanContext().spanId);
    expect(append?.attributes).toMatchObject({
      [A.dbSystemName]: 'postgresql',
      [A.store]: 'postgres',
      [A.expectedRevision]: 'no_stream',
      [A.appendOutcome]: 'appended',
    });
    expect(refused?.status.code).toBe(SpanStatusCode.ERROR);
    expect(refused?.attributes).toMatchObject({ [A.commandOutcome]: 'refused', [A.errorType]: 'forbidden' });

    await createThiduaProjections({ eventStore, projectionStore, telemetry: { tracerProvider } }).catchUp();
    const auditTrail = spans.getFinishedSpans().filter((span) => span.name === 'apply audit-trail');
    expect(auditTrail.map((span) => [span.attributes[A.projectionOutcome], span.attributes[A.messagingBatchMessageCount], span.attributes[A.projectionLag]])).toEqual([['committed', 1, 0]]);
  });
});
