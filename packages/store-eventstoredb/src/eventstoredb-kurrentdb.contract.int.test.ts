import { describeEventStoreContract } from '@thidua/eventsourcing/testing';
import { contractTarget } from './testing-double';

/*
 * The shared conformance suite through the KurrentDB client (`@kurrent/kurrentdb-client`), on
 * THIDUA_ESDB_URL or the double (a current server: batch appends, CaughtUp, a server per store).
 */
const target = contractTarget({ client: 'kurrentdb' });
afterAll(async () => target.close());
describeEventStoreContract(`eventstoredb on ${target.description}`, target.factory);
