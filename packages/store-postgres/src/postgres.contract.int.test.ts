import { describeEventStoreContract, describeProjectionLeasesContract, describeProjectionStoreContract } from '@thidua/eventsourcing/testing';
import { describePostgres, postgresFactories } from './__fixtures__/postgres-test-env';

describePostgres('postgres', () => {
  const factories = postgresFactories('contract');
  describeEventStoreContract('postgres', factories.eventStore);
  describeProjectionStoreContract('postgres', factories.projectionStore);
  describeProjectionLeasesContract('postgres', factories.leases);
});
