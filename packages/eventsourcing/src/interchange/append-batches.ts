import type { NewEvent } from '../envelope/envelope';
import { AppendTooLargeError } from '../errors/store-limit-errors';

/*
 * How bulk writers (an import) cut a long run of one stream's events into
 * appends a store accepts: at most so many events, at most so many bytes,
 * and never between two events of one command, because a command's events
 * are one decision and must be stored all together or not at all.
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

/** What {@link splitAppendBatches} needs to know of each item. */
export interface AppendBatchLimits<T> {
  /** Events per append at most (a bound on transaction size); a single command's events may go over it. */
  maxEvents: number;
  /** Bytes per append at most, when the store declares a limit (`maxAppendBytes`). */
  maxBytes?: number | undefined;
  /** The stream the items go to, for the error. */
  streamId: string;
  /** The item's event (for its size and its `metadata.commandId`). */
  eventOf(item: T): Pick<NewEvent, 'type' | 'data' | 'metadata'>;
}

/** One command's events, or one event of none: the unit that is never split. */
interface Group<T> {
  items: T[];
  bytes: number;
  commandId: string | undefined;
}

/** Consecutive items with the same `metadata.commandId`; an item without one is a group of its own. */
function groupsOf<T>(items: readonly T[], limits: AppendBatchLimits<T>): Group<T>[] {
  const groups: Group<T>[] = [];
  for (const item of items) {
    const event = limits.eventOf(item);
    const raw = event.metadata?.['commandId'];
    const commandId = typeof raw === 'string' ? raw : undefined;
    const bytes = limits.maxBytes === undefined ? 0 : appendSizeOf(event);
    const current = groups[groups.length - 1];
    if (current && commandId !== undefined && current.commandId === commandId) {
      current.items.push(item);
      current.bytes += bytes;
    } else {
      groups.push({ items: [item], bytes, commandId });
    }
  }
  return groups;
}

/**
 * Cuts the items of one stream (in order) into consecutive batches: each at
 * most `maxEvents` items and `maxBytes` bytes (by {@link appendSizeOf}),
 * filled greedily, and never cutting between consecutive items of one
 * command. One command whose events alone exceed `maxBytes` is an
 * {@link AppendTooLargeError} (it could never be appended); one whose events
 * exceed `maxEvents` gets a batch of its own. Pure: the items are not
 * changed, and nothing is appended.
 *
 * @example
 * const batches = splitAppendBatches(events, { streamId, maxEvents: 500, maxBytes: store.capabilities.maxAppendBytes, eventOf: (e) => e });
 */
export function splitAppendBatches<T>(items: readonly T[], limits: AppendBatchLimits<T>): T[][] {
  const { maxBytes, maxEvents } = limits;
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const group of groupsOf(items, limits)) {
    if (maxBytes !== undefined && group.bytes > maxBytes) {
      throw new AppendTooLargeError(limits.streamId, group.bytes, maxBytes, group.commandId === undefined ? {} : { commandId: group.commandId });
    }
    const tooMany = batch.length + group.items.length > maxEvents;
    const tooBig = maxBytes !== undefined && bytes + group.bytes > maxBytes;
    if (batch.length > 0 && (tooMany || tooBig)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(...group.items);
    bytes += group.bytes;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
