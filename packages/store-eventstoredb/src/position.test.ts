import { START } from '@eventstore/db-client';
import { decodePosition, encodePosition, isKnownPosition, readAllStart, subscriptionStart } from './position';

describe('position encoding', () => {
  it('round-trips (commit, prepare) pairs exactly, up to 64 bits each', () => {
    const max = (1n << 64n) - 2n;
    for (const pair of [
      { commit: 1_107n, prepare: 1_107n },
      { commit: 9_000n, prepare: 8_800n },
      { commit: max, prepare: max },
      { commit: 1n, prepare: 0n },
    ]) {
      expect(decodePosition(encodePosition(pair))).toEqual(pair);
    }
  });

  it('orders like the server: by commit, then by prepare (events of one commit stay apart)', () => {
    const batch = [
      { commit: 5_000n, prepare: 4_100n },
      { commit: 5_000n, prepare: 4_400n },
      { commit: 5_000n, prepare: 4_700n },
    ];
    const before = { commit: 4_000n, prepare: 4_000n };
    const after = { commit: 5_100n, prepare: 5_100n };
    const encoded = [before, ...batch, after].map(encodePosition);
    expect([...encoded].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(encoded);
    expect(new Set(encoded).size).toBe(encoded.length);
    // The kernel pages with `last + 1n`: from the middle of a batch, that is the next prepare of the same commit.
    expect(decodePosition(encodePosition(batch[1]!) + 1n)).toEqual({ commit: 5_000n, prepare: 4_401n });
  });

  it('refuses values that are not positions', () => {
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: 1n << 64n, prepare: 0n })).toThrow(RangeError);
    expect(() => decodePosition(-1n)).toThrow(RangeError);
    expect(() => decodePosition(1n << 128n)).toThrow(RangeError);
  });

  it('recognises the placeholders servers send for an unknown $all position', () => {
    const unknown = (1n << 64n) - 1n;
    expect(isKnownPosition({ commit: unknown, prepare: unknown })).toBe(false);
    expect(isKnownPosition({ commit: 0n, prepare: 0n })).toBe(false);
    expect(isKnownPosition(undefined)).toBe(false);
    expect(isKnownPosition({ commit: 1_107n, prepare: 1_107n })).toBe(true);
  });

  it('maps the inclusive read start and the exclusive subscription start to the same server pair', () => {
    const pair = { commit: 5_000n, prepare: 4_400n };
    expect(readAllStart(encodePosition(pair))).toEqual(pair);
    expect(subscriptionStart(encodePosition(pair))).toEqual(pair);
    expect(readAllStart(undefined)).toBe(START);
    expect(subscriptionStart(null)).toBe(START);
    // Below every event (commit 0): from the start.
    expect(readAllStart(42n)).toBe(START);
    expect(subscriptionStart(42n)).toBe(START);
  });
});
