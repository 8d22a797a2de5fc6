import { describeStoreContracts } from '@thidua/eventsourcing/testing';
import { storeTarget } from './__fixtures__/sqlite-target';

describeStoreContracts('sqlite', storeTarget);
