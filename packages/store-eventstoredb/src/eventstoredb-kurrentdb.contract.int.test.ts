import { describeEventStoreContract } from '@thidua/eventsourcing/testing';
import { contractTarget } from './testing-double';

/*
 * The shared conformance suite through the KurrentDB client (`@kurrent/kurrentdb-client`), on
 * THIDUA_ESDB_URL or the double. The double is built on the EventStoreDB client's generated protobuf
 * classes, which the KurrentDB client's newer ones replace under the same global names once it is
 * loaded; the double's CaughtUp message then no longer serializes, so this run plays a server
 * without CaughtUp (the store's fallback). Both clients in one process is a test-only arrangement.
 */
const target = contractTarget({ client: 'kurrentdb', caughtUpMessages: false });
afterAll(async () => target.close());
describeEventStoreContract(`eventstoredb on ${target.description}`, target.factory);
