import { describeEventStoreContract, describeProjectionStoreContract } from '@thidua/eventsourcing/testing';
import { onTempFile } from './__fixtures__/temp-database';
import { createSqliteEventStore, createSqliteProjectionStore } from '.';

describeEventStoreContract('sqlite', async (options) => onTempFile((path) => createSqliteEventStore({ ...options, database: path })), { densePositions: true, concurrentWriters: false, durable: true });
describeProjectionStoreContract('sqlite', async () => onTempFile((path) => createSqliteProjectionStore({ database: path })));
