export type {
  AggregateStreamOptions,
  AggregateStreamResult,
  AppendOptions,
  AppendResult,
  CreateEventStoreOptions,
  Direction,
  EventStore,
  MultiStreamAppendResult,
  StreamAppendRequest,
  ReadAllFilter,
  ReadAllOptions,
  ReadStreamOptions,
  StoreBookkeeping,
  StoreCapabilities,
  SubscribeOptions,
  Subscription,
} from './event-store';
export { checkExpectedRevision, type ExpectedRevision } from './expected-revision';
export { matchesFilter } from './filter';
