/**
 * How often and how patiently an operation is tried again. Every layer of
 * thidua that retries (the command handler on conflicts, the kernel when a
 * driver's tip read raced, the stores on transient database failures, the
 * projection runners on a dropped connection) takes one of these, so they
 * are tuned in one vocabulary.
 */
export interface RetryPolicy {
  /** Tries in all, the first one included (`1` = never retry). `Infinity` retries until the operation succeeds or fails for good. */
  maxAttempts: number;
  /** Upper bound of the delay before the first retry, in ms; each further retry doubles it. */
  initialDelayMs: number;
  /** Cap of the doubled bound, in ms: no single wait exceeds it. */
  maxDelayMs: number;
}

/**
 * The policy a layer uses when it is given none: 10 tries, waits of up to
 * 5 ms doubling to at most 1 s. Short first waits suit the common case, a
 * writer that lost a race by a few milliseconds; the cap keeps a long outage
 * from stretching one wait beyond a second.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 10,
  initialDelayMs: 5,
  maxDelayMs: 1_000,
});

/**
 * The policy `overrides` describes on top of `base`. Throws a `TypeError` on
 * a value that would make the retry loop meaningless (no attempt at all, a
 * negative or non-numeric delay): a configuration mistake should fail where
 * it is made, not as a hang or a storm later.
 */
export function resolveRetryPolicy(
  overrides: Partial<RetryPolicy> | undefined,
  base: Readonly<RetryPolicy> = DEFAULT_RETRY_POLICY,
): RetryPolicy {
  const policy: RetryPolicy = {
    maxAttempts: overrides?.maxAttempts ?? base.maxAttempts,
    initialDelayMs: overrides?.initialDelayMs ?? base.initialDelayMs,
    maxDelayMs: overrides?.maxDelayMs ?? base.maxDelayMs,
  };
  const { maxAttempts, initialDelayMs, maxDelayMs } = policy;
  if (!(maxAttempts >= 1) || (Number.isFinite(maxAttempts) && !Number.isInteger(maxAttempts))) {
    throw new TypeError(`Retry policy: maxAttempts must be a whole number ≥ 1 or Infinity, got ${String(maxAttempts)}`);
  }
  checkDelay('initialDelayMs', initialDelayMs);
  checkDelay('maxDelayMs', maxDelayMs);
  return policy;
}

function checkDelay(key: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw new TypeError(`Retry policy: ${key} must be a finite number ≥ 0, got ${String(value)}`);
}

/**
 * The wait before retry number `attempt` (1 = the first retry), in ms:
 * "full jitter", a uniform draw from `[0, min(maxDelayMs, initialDelayMs ×
 * 2^(attempt − 1)))`. Drawing the whole delay at random, rather than adding
 * a little noise to a fixed one, spreads writers that failed together so
 * they do not collide again in step.
 *
 * @param random a source of numbers in `[0, 1)`; `Math.random` unless a test fixes it
 */
export function retryDelay(policy: Readonly<RetryPolicy>, attempt: number, random: () => number = Math.random): number {
  // 2 ** 1024 is Infinity: clamp the exponent so a long-running retry stays at the cap instead of NaN.
  const exponent = Math.min(Math.max(attempt - 1, 0), 52);
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
  return Math.floor(random() * bound);
}
