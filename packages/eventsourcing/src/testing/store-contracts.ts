import { describeDurabilityContract } from './durability-contract';
import { describeEventStoreContract } from './event-store-contract';
import { describeProjectionLeasesContract, type ProjectionLeasesFactory } from './projection-leases-contract';
import { describeProjectionStoreContract } from './projection-store-contract';
import { describeReplicaContract } from './replica-contract';
import { storeTargetFactories, type StoreTarget } from './store-target';

/**
 * Every shared suite on one store adapter, from its {@link StoreTarget}: the
 * event store (with its integrity cases), projection store and leases
 * conformance suites in process, then the durability and replica suites in
 * real processes. What differs between stores is read from the store's own
 * capabilities. `leases` replaces the target's lease fixture where handles of
 * one store cannot be opened apart (memory).
 *
 * @example
 * // sqlite.contract.int.test.ts
 * describeStoreContracts('sqlite', storeTarget);
 */
export function describeStoreContracts(name: string, target: StoreTarget, options: { leases?: ProjectionLeasesFactory } = {}): void {
  const factories = storeTargetFactories(target);
  describeEventStoreContract(name, factories.eventStore);
  describeProjectionStoreContract(name, factories.projectionStore);
  describeProjectionLeasesContract(name, options.leases ?? factories.leases);
  describeDurabilityContract(name, target);
  describeReplicaContract(name, target);
}
