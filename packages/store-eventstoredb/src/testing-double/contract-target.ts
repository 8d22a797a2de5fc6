import type { EventStore } from '@thidua/eventsourcing';
import type { EventStoreFactory } from '@thidua/eventsourcing/testing';
import { createEventStoreDbEventStore, type EventStoreDbCommonOptions } from '../eventstoredb-event-store';
import { startEventStoreDbDouble, type EventStoreDbDoubleOptions } from './double-server';

/** Where the conformance suite runs, and how it gets a fresh, empty store per test. */
export interface ContractTarget {
  /** `real server at …` or `test double (…)`. */
  readonly description: string;
  readonly factory: EventStoreFactory;
  /** Tears down what the target started (closes leftover doubles). */
  close(): Promise<void>;
}

let runs = 0;

/** Which official client the stores use. */
export type ContractClient = 'eventstoredb' | 'kurrentdb';

/**
 * A store on `connectionString` through `client`: the store makes an EventStoreDB client itself, or
 * owns the KurrentDB client made here. The KurrentDB package is loaded only when asked for: both
 * packages register their generated protobuf classes under the same global names, and the one
 * loaded last replaces the other's (see the KurrentDB contract file for the order that works).
 */
async function storeThrough(client: ContractClient, connectionString: string, options: EventStoreDbCommonOptions): Promise<EventStore> {
  if (client === 'eventstoredb') return createEventStoreDbEventStore({ connectionString, ...options });
  const { KurrentDBClient } = await import('@kurrent/kurrentdb-client');
  const kurrent = KurrentDBClient.connectionString(connectionString.replace(/^esdb(\+discover)?:/, 'kurrentdb$1:'));
  return createEventStoreDbEventStore({ client: kurrent, ownsClient: true, ...options });
}

/**
 * With `THIDUA_ESDB_URL` set, stores on that real server, each in its own
 * namespace so that every test sees an empty store on a shared database.
 * Otherwise, stores on in-process doubles: a fresh double per store
 * (`shared: false`, no namespace, the production setting) or one double for
 * the whole file with a namespace per store (`shared: true`, the same layout
 * as the real-server run).
 */
export function contractTarget(
  doubleOptions: EventStoreDbDoubleOptions & { shared?: boolean; client?: ContractClient } = {},
  env: NodeJS.ProcessEnv = process.env,
): ContractTarget {
  const { client = 'eventstoredb', ...targetOptions } = doubleOptions;
  const through = client === 'kurrentdb' ? ' through the KurrentDB client' : '';
  const url = env['THIDUA_ESDB_URL'];
  const run = `thidua-${process.pid}-${Date.now().toString(36)}-${(runs += 1)}`;
  let stores = 0;
  const namespace = () => `${run}-${(stores += 1)}:`;
  if (url) {
    return {
      description: `real server at ${url.replace(/\/\/[^@/]*@/, '//')}${through}`,
      factory: async (options) => storeThrough(client, url, { namespace: namespace(), ...options }),
      close: async () => undefined,
    };
  }
  const { shared = false, ...options } = targetOptions;
  const doubles = new Set<{ close(): Promise<void> }>();
  let sharedDouble: ReturnType<typeof startEventStoreDbDouble> | null = null;
  const description = `test double (${options.legacyAppend ? 'Streams.Append' : 'Streams.BatchAppend'}, ${
    options.caughtUpMessages === false ? 'no CaughtUp' : 'CaughtUp'
  }, ${shared ? 'one server, a namespace per store' : 'a server per store'})${through}`;
  return {
    description,
    factory: async (storeOptions) => {
      if (shared) {
        sharedDouble ??= startEventStoreDbDouble(options);
        const double = await sharedDouble;
        doubles.add(double);
        return storeThrough(client, double.connectionString, { namespace: namespace(), ...storeOptions });
      }
      const double = await startEventStoreDbDouble(options);
      doubles.add(double);
      const store = await storeThrough(client, double.connectionString, storeOptions);
      const closing: EventStore = {
        ...store,
        close: async () => {
          await store.close();
          await double.close();
          doubles.delete(double);
        },
      };
      return closing;
    },
    close: async () => {
      await Promise.all([...doubles].map((double) => double.close()));
      doubles.clear();
    },
  };
}
