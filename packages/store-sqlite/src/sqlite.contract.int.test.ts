import { describeEventStoreContract, describeProjectionLeasesContract, describeProjectionStoreContract } from '@thidua/eventsourcing/testing';
import { leasesOnTempFile } from './__fixtures__/leases-on-temp-file';
import { onTempFile } from './__fixtures__/temp-database';
import { createSqliteEventStore, createSqliteProjectionStore } from '.';

describeEventStoreContract('sqlite', async (options) => onTempFile((path) => createSqliteEventStore({ ...options, database: path })), { densePositions: true, concurrentWriters: false, durable: true });
describeProjectionStoreContract('sqlite', async () => onTempFile((path) => createSqliteProjectionStore({ database: path })));
describeProjectionLeasesContract('sqlite', leasesOnTempFile);
