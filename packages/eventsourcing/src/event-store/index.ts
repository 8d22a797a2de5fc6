export type {
  AggregateStreamOptions,
  AggregateStreamResult,
  AppendOptions,
  AppendResult,
  Direction,
  EventStore,
  ReadAllFilter,
  ReadAllOptions,
  ReadStreamOptions,
  StoreCapabilities,
  SubscribeOptions,
  Subscription,
} from './event-store';
export type { EventStoreDriver, StreamTip } from './event-store-driver';
export { checkExpectedRevision, type ExpectedRevision } from './expected-revision';
export { createEventStore, type CreateEventStoreOptions } from './create-event-store';
export { matchesFilter } from './filter';
export { pollingSubscription } from './polling-subscription';
