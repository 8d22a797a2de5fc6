import type { Position, ReadPosition } from '@eventstore/db-client';
import { START } from './client-values';

const PART_BITS = 64n;
const PART_MASK = (1n << PART_BITS) - 1n;

/**
 * What servers older than 22.6 (and events written in explicit transactions)
 * report as the `$all` position of an event read from its stream: the
 * position is unknown, not the last one in the log.
 */
const UNKNOWN_PART = PART_MASK;

/**
 * The kernel's single bigint position for an EventStoreDB `(commit, prepare)`
 * pair: `(commit << 64n) | prepare`. Both parts are unsigned 64-bit numbers,
 * so the encoding is exact and orders like the server does (commit first,
 * then prepare). Keeping the prepare part matters: events of one multi-event
 * append can share a commit position, and a checkpoint taken in the middle of
 * such an append must resume right after that event, not after the batch.
 *
 * @example
 * encodePosition({ commit: 4_096n, prepare: 3_900n }) === (4_096n << 64n) | 3_900n;
 */
export function encodePosition(position: Position): bigint {
  const { commit, prepare } = position;
  if (commit < 0n || commit > PART_MASK || prepare < 0n || prepare > PART_MASK) {
    throw new RangeError(`EventStoreDB position out of range: commit ${commit}, prepare ${prepare}`);
  }
  return (commit << PART_BITS) | prepare;
}

/** The `(commit, prepare)` pair behind a kernel position (see {@link encodePosition}). */
export function decodePosition(position: bigint): Position {
  if (position < 0n || position >> (PART_BITS * 2n) !== 0n) {
    throw new RangeError(`Not an EventStoreDB position: ${position}`);
  }
  return { commit: position >> PART_BITS, prepare: position & PART_MASK };
}

/**
 * False for the placeholders a server sends when it does not know an
 * event's `$all` position (`2^64 − 1`, or `0/0` where the field was left
 * unset; no user event can sit at 0, where the log's first record lives).
 */
export function isKnownPosition(position: Position | undefined): position is Position {
  if (!position) return false;
  if (position.commit === UNKNOWN_PART || position.prepare === UNKNOWN_PART) return false;
  return !(position.commit === 0n && position.prepare === 0n);
}

/**
 * Where to start a forwards `$all` read for the kernel's inclusive
 * `fromPosition`. Reads on the server are inclusive too and compare whole
 * `(commit, prepare)` pairs, so the decoded pair is passed as it is; a
 * position below every event (commit 0) reads from the start.
 */
export function readAllStart(fromPosition: bigint | undefined): ReadPosition {
  if (fromPosition === undefined || fromPosition <= 0n) return START;
  const decoded = decodePosition(fromPosition);
  return decoded.commit === 0n ? START : decoded;
}

/**
 * Where to start a subscription for the kernel's exclusive checkpoint.
 * EventStoreDB subscription start positions are exclusive as well ("you will
 * only receive the next event after the subscribed one"), so a checkpoint
 * maps to itself: no `+ 1`, which would point inside a record.
 */
export function subscriptionStart(afterPosition: bigint | null | undefined): ReadPosition {
  if (afterPosition === null || afterPosition === undefined || afterPosition <= 0n) return START;
  const decoded = decodePosition(afterPosition);
  return decoded.commit === 0n ? START : decoded;
}
