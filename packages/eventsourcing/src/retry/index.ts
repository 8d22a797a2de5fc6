// One retry policy for every layer that retries (see retry-policy.ts).
export { DEFAULT_RETRY_POLICY, resolveRetryPolicy, retryDelay, type RetryPolicy } from './retry-policy';
export { withRetry, type WithRetryOptions } from './with-retry';
