import {
  describeDurabilityContract,
  describeEventStoreContract,
  describeProjectionLeasesContract,
  describeProjectionStoreContract,
  describeReplicaContract,
  storeTargetFactories,
} from '@thidua/eventsourcing/testing';
import { describePostgres, storeTarget } from './__fixtures__/postgres-target';

describePostgres('postgres', () => {
  const factories = storeTargetFactories(storeTarget);
  describeEventStoreContract('postgres', factories.eventStore);
  describeProjectionStoreContract('postgres', factories.projectionStore);
  describeProjectionLeasesContract('postgres', factories.leases);
  describeDurabilityContract('postgres', storeTarget);
  describeReplicaContract('postgres', storeTarget);
});
