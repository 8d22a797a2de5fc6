import { ConcurrencyError } from '../errors/errors';

/**
 * What the caller believes about a stream before appending:
 * `'any'` (no check), `'no_stream'`, `'stream_exists'`, or the exact last revision.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** Throws {@link ConcurrencyError} when `actual` (null = no stream) does not satisfy `expected`. */
export function checkExpectedRevision(streamId: string, expected: ExpectedRevision, actual: bigint | null): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === null) ||
    (expected === 'stream_exists' && actual !== null) ||
    (typeof expected === 'bigint' && actual === expected);
  if (!ok) throw new ConcurrencyError(streamId, expected, actual);
}
