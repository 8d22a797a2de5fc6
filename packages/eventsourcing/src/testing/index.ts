/**
 * @packageDocumentation
 * Test helpers for thidua users and store adapters. Import from
 * `@thidua/eventsourcing/testing`; the suites need jest-style globals
 * (`describe`, `it`, `expect`).
 */
export { deciderSpec, type DeciderThen, type ExpectedRejection } from './decider-spec';
export { expectRejectedWithNothingAppended } from './expect-nothing-appended';
export { foldProjection } from './fold-projection';
export { describeEventStoreContract, type EventStoreFactory } from './event-store-contract';
export { lostReplies, type LostReplies } from './lost-reply-driver';
export { describeProjectionStoreContract, type ProjectionStoreFactory } from './projection-store-contract';
export {
  describeProjectionLeasesContract,
  type ProjectionLeasesFactory,
  type ProjectionLeasesFixture,
} from './projection-leases-contract';
