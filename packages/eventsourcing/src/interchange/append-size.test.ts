import { appendSizeOf, PER_EVENT_ALLOWANCE } from './append-size';

describe('appendSizeOf', () => {
  it('measures payload and metadata as UTF-8 JSON, twice the type length, and the per-event allowance', () => {
    const size = appendSizeOf({ type: 'Ab', data: { t: 'é' }, metadata: { k: 1 } });
    // {"t":"é"} is 10 bytes (é takes two), {"k":1} is 7, the type 2 × 2.
    expect(size).toBe(10 + 7 + 4 + PER_EVENT_ALLOWANCE);
  });
});
