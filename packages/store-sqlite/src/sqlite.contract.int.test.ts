import {
  describeDurabilityContract,
  describeEventStoreContract,
  describeProjectionLeasesContract,
  describeProjectionStoreContract,
  describeReplicaContract,
  storeTargetFactories,
} from '@thidua/eventsourcing/testing';
import { storeTarget } from './__fixtures__/sqlite-target';

const factories = storeTargetFactories(storeTarget);
describeEventStoreContract('sqlite', factories.eventStore);
describeProjectionStoreContract('sqlite', factories.projectionStore);
describeProjectionLeasesContract('sqlite', factories.leases);
describeDurabilityContract('sqlite', storeTarget);
describeReplicaContract('sqlite', storeTarget);
