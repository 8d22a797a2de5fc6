import { DEFAULT_RETRY_POLICY, resolveRetryPolicy, retryDelay, withRetry } from '.';

/** A sleep that records the waits asked for and never waits on a clock. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

class Flaky extends Error {}

describe('retry policy', () => {
  it('draws each delay uniformly below a bound that doubles from initialDelayMs up to maxDelayMs', () => {
    const policy = { maxAttempts: 10, initialDelayMs: 10, maxDelayMs: 100 };
    // random() just below 1 shows the bound; 0 the floor.
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(policy, attempt, top))).toEqual([9, 19, 39, 79, 99, 99]);
    expect(retryDelay(policy, 4, () => 0)).toBe(0);
    expect(retryDelay(policy, 4, () => 0.5)).toBe(40);
  });

  it('stays at the cap for any attempt number, however large', () => {
    const policy = { maxAttempts: Number.POSITIVE_INFINITY, initialDelayMs: 1, maxDelayMs: 250 };
    expect(retryDelay(policy, 5_000, () => 0.5)).toBe(125);
    expect(retryDelay(policy, 0, () => 0.5)).toBe(0);
  });

  it('fills what a partial policy leaves out from the default, and refuses meaningless values', () => {
    expect(resolveRetryPolicy({ maxAttempts: 3 })).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 3 });
    expect(resolveRetryPolicy(undefined)).toEqual(DEFAULT_RETRY_POLICY);
    expect(resolveRetryPolicy({ maxAttempts: Number.POSITIVE_INFINITY }).maxAttempts).toBe(Number.POSITIVE_INFINITY);
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => resolveRetryPolicy({ maxAttempts: 2.5 })).toThrow(/maxAttempts/);
    expect(() => resolveRetryPolicy({ initialDelayMs: -1 })).toThrow(/initialDelayMs/);
    expect(() => resolveRetryPolicy({ maxDelayMs: Number.NaN })).toThrow(/maxDelayMs/);
  });
});

describe('withRetry', () => {
  it('retries retryable failures with jittered waits and returns the first success', async () => {
    const { waits, sleep } = recordingSleep();
    const retries: [number, number][] = [];
    const attempts: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Flaky(`try ${attempt}`);
        return 'done';
      },
      {
        policy: { maxAttempts: 5, initialDelayMs: 8, maxDelayMs: 1_000 },
        retryable: (error) => error instanceof Flaky,
        onRetry: (_error, attempt, delayMs) => retries.push([attempt, delayMs]),
        sleep,
        random: () => 0.5,
      },
    );
    expect(result).toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
    expect(waits).toEqual([4, 8]);
    expect(retries).toEqual([
      [1, 4],
      [2, 8],
    ]);
  });

  it('throws the last error as it is once the attempts are spent', async () => {
    const { waits, sleep } = recordingSleep();
    let tries = 0;
    const failure = withRetry(
      async () => {
        tries += 1;
        throw new Flaky(`try ${tries}`);
      },
      { policy: { maxAttempts: 4 }, retryable: () => true, sleep },
    );
    await expect(failure).rejects.toThrow('try 4');
    expect(tries).toBe(4);
    expect(waits).toHaveLength(3);
  });

  it('does not retry what retryable turns down, and asks it with the attempt number', async () => {
    const { waits, sleep } = recordingSleep();
    const asked: number[] = [];
    let tries = 0;
    const refusal = new Error('refused for good');
    const failure = withRetry(
      async () => {
        tries += 1;
        throw tries === 1 ? new Flaky('passing') : refusal;
      },
      { retryable: (error, attempt) => (asked.push(attempt), error instanceof Flaky), sleep },
    );
    await expect(failure).rejects.toBe(refusal);
    expect(tries).toBe(2);
    expect(asked).toEqual([1, 2]);
    expect(waits).toHaveLength(1);
  });

  it('tries once only under maxAttempts 1, and rejects a meaningless policy before trying at all', async () => {
    let tries = 0;
    const once = withRetry(
      async () => {
        tries += 1;
        throw new Flaky('once');
      },
      { policy: { maxAttempts: 1 }, retryable: () => true },
    );
    await expect(once).rejects.toThrow('once');
    expect(tries).toBe(1);
    await expect(withRetry(async () => (tries += 1), { policy: { maxAttempts: 0 }, retryable: () => true })).rejects.toThrow(
      TypeError,
    );
    expect(tries).toBe(1);
  });

  it('waits on a real timer by default (a zero delay resolves at once)', async () => {
    let tries = 0;
    const result = await withRetry(
      async () => {
        tries += 1;
        if (tries === 1) throw new Flaky('first');
        return tries;
      },
      { policy: { initialDelayMs: 0 }, retryable: () => true },
    );
    expect(result).toBe(2);
  });
});
