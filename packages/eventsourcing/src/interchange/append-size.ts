import type { NewEvent } from '../envelope/envelope';

/*
 * How big an append is for a store with a size limit per append
 * (`maxAppendBytes`): the import's plan refuses a command too big to fit,
 * and its batches (`import-batches.ts`) stay under the limit.
 */

/**
 * Bytes the store adds to each event's metadata on its own: the hash chain
 * (`prevHash`, `hash`: two SHA-256 hex digests with their keys) and a store's
 * bookkeeping (such as EventStoreDB's schema-version key). Counted generously
 * so that the estimate stays above what is really sent.
 */
export const PER_EVENT_ALLOWANCE = 256;

/**
 * The size of an event in an append, as a server with a size limit counts
 * it (EventStoreDB: payload bytes + metadata bytes + twice the type's length),
 * estimated from above: the payload and the metadata as UTF-8 JSON, twice the
 * type's length, and {@link PER_EVENT_ALLOWANCE} for what the store adds.
 */
export function appendSizeOf(event: Pick<NewEvent, 'type' | 'data' | 'metadata'>): number {
  const json = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? {}), 'utf8');
  return json(event.data) + json(event.metadata) + event.type.length * 2 + PER_EVENT_ALLOWANCE;
}
