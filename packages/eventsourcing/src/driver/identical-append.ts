import type { RecordedEvent } from '../envelope/envelope';
import { ConcurrencyError } from '../errors/errors';
import { DuplicateEventIdError } from '../errors/integrity-errors';
import type { AppendResult } from '../event-store/event-store';
import type { ExpectedRevision } from '../event-store/expected-revision';
import { sealEvents } from '../hash-chain/hash-chain';
import type { EventStoreDriver } from './event-store-driver';
import type { PreparedEvent } from './prepare-events';

/*
 * The idempotent re-append. When the events of an append already sit, in
 * order and unchanged, at the place it asked for, an earlier try wrote them
 * (a retry after a lost reply, a re-sent import or command) and their first
 * recording is returned with `alreadyAppended: true` instead of an error or
 * a second copy. "Unchanged" is checked through the hash chain: the events,
 * sealed again against the hash that precedes them, must give the stored
 * hashes, so an id reused for other content is never taken for a re-send.
 */

/**
 * After the store refused an append (a `ConcurrencyError`, or a
 * `DuplicateEventIdError` from a store with unique ids), the first
 * recording of the same events, or `null` when they are not there.
 *
 * Where to look: `no_stream` and an exact revision name the place (right
 * after it). `'any'` and `'stream_exists'` do not, so the refusal tells: a
 * duplicate id the driver located in this very stream, shifted back by its
 * index in the batch (other writers may have appended since the first try);
 * otherwise the stream's tail.
 */
export async function findIdenticalAppend(
  driver: EventStoreDriver,
  streamId: string,
  expected: ExpectedRevision,
  prepared: readonly PreparedEvent[],
  refusal: unknown,
): Promise<AppendResult | null> {
  if (!(refusal instanceof ConcurrencyError) && !(refusal instanceof DuplicateEventIdError)) return null;
  let from: bigint | null = null;
  if (expected === 'no_stream') from = 0n;
  else if (typeof expected === 'bigint') from = expected + 1n;
  else if (refusal instanceof DuplicateEventIdError && refusal.existing?.streamId === streamId) {
    const index = prepared.findIndex((event) => event.id === refusal.eventId);
    if (index >= 0) from = refusal.existing.revision - BigInt(index);
  }
  if (from !== null && from < 0n) return null;
  const existing =
    from === null
      ? await tailOf(driver, streamId, prepared.length)
      : await driver.readStreamPage(streamId, { fromRevision: from, maxCount: prepared.length, direction: 'forwards' });
  if (from !== null && existing[0]?.revision !== from) return null;
  return sameAppend(streamId, prepared, existing);
}

/**
 * Before a loose (`'any'`/`'stream_exists'`) append to a store that cannot
 * refuse a duplicate id itself: the first recording when the same events
 * are the stream's tail (a retry after a lost reply); a
 * `DuplicateEventIdError` when the tail holds one of the ids with other
 * content; `null` to go ahead. Ids further back or in other streams go
 * unnoticed on such a store (the `uniqueEventIds` capability says which
 * stores do better).
 */
export async function checkTailBeforeAppend(
  driver: EventStoreDriver,
  streamId: string,
  prepared: readonly PreparedEvent[],
): Promise<AppendResult | null> {
  const tail = await tailOf(driver, streamId, prepared.length);
  const same = sameAppend(streamId, prepared, tail);
  if (same) return same;
  const ids = new Set(prepared.map((event) => event.id));
  const taken = tail.find((event) => ids.has(event.id));
  if (taken) throw new DuplicateEventIdError(taken.id, streamId, { streamId, revision: taken.revision });
  return null;
}

/** The last `count` events of a stream, in revision order. */
async function tailOf(driver: EventStoreDriver, streamId: string, count: number): Promise<RecordedEvent[]> {
  const page = await driver.readStreamPage(streamId, { fromRevision: undefined, maxCount: count, direction: 'backwards' });
  return [...page].reverse();
}

/** The append result of `existing` when it is exactly `prepared`, recorded consecutively; `null` otherwise. */
function sameAppend(streamId: string, prepared: readonly PreparedEvent[], existing: readonly RecordedEvent[]): AppendResult | null {
  const first = existing[0];
  const last = existing[existing.length - 1];
  if (!first || !last || existing.length !== prepared.length) return null;
  if (existing.some((event, i) => event.id !== prepared[i]!.id || event.revision !== first.revision + BigInt(i))) return null;
  const before = { revision: first.revision === 0n ? null : first.revision - 1n, hash: first.metadata.prevHash ?? null };
  let resealed;
  try {
    resealed = sealEvents(streamId, before, prepared);
  } catch {
    return null; // content that cannot be hashed cannot be what was stored
  }
  if (resealed.some((event, i) => event.metadata.hash !== existing[i]!.metadata.hash)) return null;
  return { nextExpectedRevision: last.revision, position: last.position, events: [...existing], alreadyAppended: true };
}
