import { EventStoreDBClient, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import { KurrentDBClient, StreamNotFoundError as KurrentStreamNotFoundError } from '@kurrent/kurrentdb-client';
import { isClientError, type EventStoreDbClientLike } from './client';

/** Compiles only when `T` offers what the store uses: both packages' clients must. */
type Accepts<T extends EventStoreDbClientLike> = T;
export type BothClientsFit = [Accepts<EventStoreDBClient>, Accepts<KurrentDBClient>];

describe('the client surface', () => {
  it('recognises either package’s typed errors by their type, not by their class', () => {
    const fromEventStore = new StreamNotFoundError(undefined as never);
    expect(isClientError(fromEventStore, 'stream-not-found')).toBe(true);
    expect(isClientError(new KurrentStreamNotFoundError(undefined as never), 'stream-not-found')).toBe(true);
    expect(isClientError(fromEventStore, 'wrong-expected-version')).toBe(false);
    const conflict = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 2n });
    expect(isClientError(conflict, 'wrong-expected-version', 'stream-deleted')).toBe(true);
    expect(isClientError(Object.assign(new Error('x'), { type: 7 }), 'unknown')).toBe(false);
    expect(isClientError({ type: 'unknown' }, 'unknown')).toBe(false);
  });
});
