import * as values from './client-values';

const NAMES = ['ANY', 'NO_STREAM', 'STREAM_EXISTS', 'START', 'END', 'FORWARDS', 'BACKWARDS'] as const;

describe('the client values the store writes out', () => {
  it.each(['@eventstore/db-client', '@kurrent/kurrentdb-client'])('are the very values of %s, and so are its filters', (name) => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- each package in its own module registry
      const client = require(name) as Record<string, unknown> & {
        streamNameFilter(options: { prefixes: string[] }): unknown;
        eventTypeFilter(options: { regex: string }): unknown;
        excludeSystemEvents(): unknown;
      };
      for (const key of NAMES) expect([key, values[key]]).toEqual([key, client[key]]);
      expect(values.streamNameFilter({ prefixes: ['pledge-'] })).toEqual(client.streamNameFilter({ prefixes: ['pledge-'] }));
      expect(values.eventTypeFilter({ regex: '^A$' })).toEqual(client.eventTypeFilter({ regex: '^A$' }));
      expect(values.excludeSystemEvents()).toEqual(client.excludeSystemEvents());
    });
  });
});

describe('loading the store', () => {
  // Both client packages register their protobuf classes under the same global names: loading
  // @eventstore/db-client beside a KurrentDB client breaks that client's appends.
  const loads: string[] = [];
  beforeEach(() => {
    loads.length = 0;
    jest.resetModules();
    jest.doMock('@eventstore/db-client', () => {
      loads.push('@eventstore/db-client');
      return jest.requireActual('@eventstore/db-client');
    });
  });
  afterEach(() => jest.dontMock('@eventstore/db-client'));

  it('loads no @eventstore/db-client for a client the host passes in', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module as a host loads it, after the mock
    const { createEventStoreDbEventStore } = require('./index') as typeof import('./index');
    const client = { dispose: async () => undefined } as unknown as Parameters<typeof createEventStoreDbEventStore>[0]['client'];
    const store = createEventStoreDbEventStore({ client: client!, ownsClient: false });
    expect(store.name).toMatch(/eventstoredb/);
    await store.close();
    expect(loads).toEqual([]);
  });

  it('loads it when it makes the client itself from a connection string', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module as a host loads it, after the mock
    const { createEventStoreDbEventStore } = require('./index') as typeof import('./index');
    const store = createEventStoreDbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' });
    await store.close();
    expect(loads).toEqual(['@eventstore/db-client']);
  });
});
