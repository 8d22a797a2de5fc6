import { describeEventStoreContract } from '@thidua/eventsourcing/testing';
import { contractTarget } from './testing-double';

/*
 * The shared conformance suite, through the EventStoreDB client (the KurrentDB client's run is in
 * eventstoredb-kurrentdb.contract.int.test.ts). With THIDUA_ESDB_URL set (e.g.
 * esdb://localhost:2113?tls=false) it runs against that server; otherwise against the in-process
 * double, twice: as a current server (batch appends, CaughtUp, a server per store) and as an old one
 * (Streams.Append, no CaughtUp, one server shared through namespaces, like a real-server run).
 */
const targets = process.env['THIDUA_ESDB_URL']
  ? [contractTarget()]
  : [contractTarget(), contractTarget({ legacyAppend: true, caughtUpMessages: false, shared: true })];
afterAll(async () => Promise.all(targets.map((target) => target.close())));
for (const target of targets) describeEventStoreContract(`eventstoredb on ${target.description}`, target.factory);
