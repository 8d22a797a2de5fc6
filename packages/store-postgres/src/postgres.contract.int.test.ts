import { describeStoreContracts } from '@thidua/eventsourcing/testing';
import { describePostgres, storeTarget } from './__fixtures__/postgres-target';

describePostgres('postgres', () => describeStoreContracts('postgres', storeTarget));
