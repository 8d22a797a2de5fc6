/**
 * @packageDocumentation
 * Test helpers for thidua users and store adapters. Import from
 * `@thidua/eventsourcing/testing`; the suites need jest-style globals
 * (`describe`, `it`, `expect`).
 */

// Given/when/then specs of deciders, and the check that a rejection appended nothing.
export { deciderSpec, type DeciderThen, type ExpectedRejection } from './decider-spec';
export { expectRejectedWithNothingAppended } from './expect-nothing-appended';
// What a projection's documents must be after a list of events, folded in memory.
export { foldProjection } from './fold-projection';
// Waiting for a condition (never for a duration), and reading an iterable whole.
export { waitUntil, type WaitUntilOptions } from './wait-until';
export { collect, expectSoundLog } from './store-log-checks';

// The conformance suites every store adapter runs, in process.
export { describeEventStoreContract, type EventStoreFactory } from './event-store-contract';
export { lostReplies, type LostReplies } from './lost-reply-driver';
export { describeProjectionStoreContract, type ProjectionStoreFactory } from './projection-store-contract';
export {
  describeProjectionLeasesContract,
  type ProjectionLeasesFactory,
  type ProjectionLeasesFixture,
} from './projection-leases-contract';
// The suites that run real processes on a store: crashes (SIGKILL) and several replicas.
export { describeDurabilityContract } from './durability-contract';
export { describeReplicaContract } from './replica-contract';
// The small model those suites run, for a store's own tests: a counting projection and a counter decider.
export { expectedTally, TALLY_PROJECTION, tallyProjection, withoutAppliers, type Tally, type TallyDoc } from './tally-projection';
export {
  counterDecider,
  counterRegistry,
  counterStream,
  createCounterHandler,
  type CounterCommand,
  type CounterEvent,
  type CounterState,
} from './counter-decider';
// How a store describes itself to all of the suites above, once (one module per store).
export { describeStoreContracts } from './store-contracts';
export {
  loadStoreTarget,
  storeHandles,
  storeTargetFactories,
  type FreezableWrite,
  type FreezeOptions,
  type OpenStoreOptions,
  type StoreHandles,
  type StoreLocation,
  type StoreTarget,
} from './store-target';
// The one child-process harness: start a TypeScript or JavaScript file in `node`, talk in lines, SIGKILL it.
export { killChildProcesses, startChildProcess, type ChildExit, type ChildProcessHandle, type StartChildOptions } from './child-process';
export { onParentLine, runAsChild, say } from './child-io';
