import { resolveRetryPolicy, retryDelay, type RetryPolicy } from './retry-policy';

/** How {@link withRetry} decides, waits and reports. */
export interface WithRetryOptions {
  /** Overrides of `DEFAULT_RETRY_POLICY`. */
  policy?: Partial<RetryPolicy> | undefined;
  /**
   * Whether a failure may be tried again. Only failures that say nothing
   * about the request itself belong here (a lost race, a dropped
   * connection): retrying a refusal only repeats it.
   */
  retryable(error: unknown, attempt: number): boolean;
  /** Told about each retry before its wait (logs, metrics). */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  /** Waits `ms`; a timer unless a test injects its own, so no test waits on a clock. */
  sleep?(ms: number): Promise<void>;
  /** A source of numbers in `[0, 1)` for the jitter; `Math.random` by default. */
  random?(): number;
}

const timerSleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation` until it succeeds, fails with an error `retryable` turns
 * down, or the policy's attempts are spent; the last error is then thrown as
 * it is, so callers see the same typed error a single try would give them.
 * Between tries it waits a capped, fully jittered, exponentially growing
 * delay ({@link retryDelay}).
 *
 * @example
 * const rows = await withRetry(() => pool.query(sql), {
 *   policy: { maxAttempts: 5 },
 *   retryable: (error) => isTransientStoreError(error),
 * });
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: WithRetryOptions): Promise<T> {
  const policy = resolveRetryPolicy(options.policy);
  const sleep = options.sleep ?? timerSleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= policy.maxAttempts || !options.retryable(error, attempt)) throw error;
      const delayMs = retryDelay(policy, attempt, options.random);
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}
