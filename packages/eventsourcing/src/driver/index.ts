/**
 * @packageDocumentation
 * The driver SPI: what a store adapter implements and the kernel pieces it
 * builds on. Import from `@thidua/eventsourcing/driver`; applications use the
 * `EventStore` port from the main entry and never need this subpath.
 *
 * A driver does storage only (one atomic append, pages of a stream and of the
 * log, tips and head); `createEventStore` wraps it with every rule that must
 * be the same in all stores (expected revisions, the hash chain, payload
 * validation and upcasting, idempotent re-appends, paging, the catch-up
 * subscription). See `EventStoreDriver` for the contract a driver must keep.
 */

// The interface a storage adapter implements, and what it is handed.
export type { EventStoreDriver, SealRequest, StreamTip } from './event-store-driver';
export type { SealedEvent } from '../hash-chain/hash-chain';
// The kernel wrapper that turns a driver into an `EventStore`.
export { createEventStore } from './create-event-store';
export type { CreateEventStoreOptions, StoreBookkeeping, StoreCapabilities } from '../event-store/event-store';
export type { AnchorFile } from '../audit/anchor-file';
// Helpers a driver may use so its answers match the kernel's rules exactly.
export { checkExpectedRevision } from '../event-store/expected-revision';
export { matchesFilter } from '../event-store/filter';
export { pollingSubscription, type PageReader } from './polling-subscription';
// Events whose payload and metadata are parsed on first access, for drivers that read them as JSON text.
export { recordedFromJsonText } from '../envelope/lazy-json-event';
