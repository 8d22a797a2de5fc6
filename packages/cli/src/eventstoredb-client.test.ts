import type { EventStoreDbClientLike } from '@thidua/store-eventstoredb';
import { UsageError } from './exit-codes';
import { INSTALLED_CLIENTS, openEventStoreDbClient, preferredClientPackage, type ClientLoaders, type EventStoreDbClientPackage } from './eventstoredb-client';

/** A package npm left out, as Node reports it. */
const missing = (name: string) => () =>
  Promise.reject(Object.assign(new Error(`Cannot find module '${name}' from 'eventstoredb-client.ts'`), { code: 'MODULE_NOT_FOUND' }));

/** Loaders whose makers record the connection string they were given. */
function loaders(installed: EventStoreDbClientPackage[]): { loaders: ClientLoaders; made: string[] } {
  const made: string[] = [];
  const maker = (name: EventStoreDbClientPackage) => async () => (connectionString: string) => {
    made.push(`${name} ${connectionString}`);
    return {} as EventStoreDbClientLike;
  };
  const of = (name: EventStoreDbClientPackage) => (installed.includes(name) ? maker(name) : missing(name));
  return { loaders: { '@kurrent/kurrentdb-client': of('@kurrent/kurrentdb-client'), '@eventstore/db-client': of('@eventstore/db-client') }, made };
}

describe('the EventStoreDB / KurrentDB client the CLI picks', () => {
  it('prefers the KurrentDB client for kurrentdb:// and kurrent://, the EventStoreDB client for esdb://', () => {
    for (const url of ['kurrentdb://h:2113', 'kurrentdb+discover://h:2113', 'kurrent://h:2113', 'KURRENT+DISCOVER://h:2113']) {
      expect(preferredClientPackage(url)).toBe('@kurrent/kurrentdb-client');
    }
    for (const url of ['esdb://h:2113?tls=false', 'esdb+discover://h:2113']) expect(preferredClientPackage(url)).toBe('@eventstore/db-client');
  });

  it('uses the preferred client when both are installed', async () => {
    const both = loaders(['@kurrent/kurrentdb-client', '@eventstore/db-client']);
    expect((await openEventStoreDbClient('kurrentdb://h:2113', 'kurrentdb://h:2113', both.loaders)).package).toBe('@kurrent/kurrentdb-client');
    expect((await openEventStoreDbClient('esdb://h:2113', 'esdb://h:2113', both.loaders)).package).toBe('@eventstore/db-client');
    expect(both.made).toEqual(['@kurrent/kurrentdb-client kurrentdb://h:2113', '@eventstore/db-client esdb://h:2113']);
  });

  it('falls back to the other client when only it is installed', async () => {
    const onlyEventStore = loaders(['@eventstore/db-client']);
    expect((await openEventStoreDbClient('kurrent://h:2113', 'kurrent://h:2113', onlyEventStore.loaders)).package).toBe('@eventstore/db-client');
    const onlyKurrent = loaders(['@kurrent/kurrentdb-client']);
    expect((await openEventStoreDbClient('esdb://h:2113', 'esdb://h:2113', onlyKurrent.loaders)).package).toBe('@kurrent/kurrentdb-client');
  });

  it('says what to install when neither is', async () => {
    const none = loaders([]);
    const refused = openEventStoreDbClient('kurrentdb://admin:secret@h:2113', 'kurrentdb://admin:***@h:2113', none.loaders);
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toMatchObject({
      message:
        '--store kurrentdb://admin:***@h:2113 needs an EventStoreDB / KurrentDB client, and neither is installed: npm install @kurrent/kurrentdb-client (beside @thidua/cli)',
      code: 'store_package_missing',
    });
    expect(none.made).toEqual([]);
  });

  it('lets any other load failure through (a broken install is not a missing one)', async () => {
    const broken = loaders(['@eventstore/db-client']);
    broken.loaders['@kurrent/kurrentdb-client'] = () => Promise.reject(new Error('native binding failed to load'));
    await expect(openEventStoreDbClient('kurrentdb://h:2113', 'kurrentdb://h:2113', broken.loaders)).rejects.toThrow('native binding failed to load');
  });

  it('hands the EventStoreDB client esdb:// for a kurrentdb:// URL (it knows no other scheme)', async () => {
    // The real package, no server needed: the client connects lazily.
    const opened = await openEventStoreDbClient('kurrentdb://127.0.0.1:1?tls=false', 'x', {
      '@kurrent/kurrentdb-client': missing('@kurrent/kurrentdb-client'),
      '@eventstore/db-client': INSTALLED_CLIENTS['@eventstore/db-client'],
    });
    expect(opened.package).toBe('@eventstore/db-client');
    await opened.client.dispose();
  });
});
