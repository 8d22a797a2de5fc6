import { withRetry as kernelWithRetry, type RetryPolicy } from '@thidua/eventsourcing';
import { isClientError } from './client';
import { loadedConvertToCommandError } from './client-values';
import type { DriverContext } from './driver-context';

/**
 * Some paths of the client reject with the raw gRPC error instead of its
 * typed one (e.g. a call on a channel the client just closed to reconnect).
 */
export function toClientError(thrown: unknown): unknown {
  if (!(thrown instanceof Error)) return thrown;
  // Already typed, by either client (the KurrentDB client's errors are not the EventStoreDB client's classes).
  if (typeof (thrown as { type?: unknown }).type === 'string') return thrown;
  const convertToCommandError = loadedConvertToCommandError();
  if (!convertToCommandError) return thrown;
  try {
    return convertToCommandError(thrown);
  } catch {
    return thrown; // not shaped like a gRPC error after all
  }
}

/**
 * Failures that say nothing about the request itself: the node went away or
 * was restarted, the leader changed, the server cancelled or timed out the
 * call. The client reconnects on the next call, so trying again can succeed.
 * For an append, the outcome of such a failure is unknown: it may have
 * committed (see `append.ts` for why a retry is still safe).
 */
export function isTransientFailure(error: unknown): boolean {
  return isClientError(error, 'unavailable', 'deadline-exceeded', 'timeout', 'cancelled', 'not-leader');
}

/** The kernel retry policy of this driver's `retry` option: `maxRetries` tries after the first one. */
function policyOf(context: DriverContext): Partial<RetryPolicy> {
  const { maxRetries, initialDelayMs, maxDelayMs } = context.retry;
  return { maxAttempts: maxRetries + 1, initialDelayMs, maxDelayMs };
}

/**
 * Runs an operation, trying again after transient failures up to
 * `retry.maxRetries` times with the kernel's retry policy (capped, jittered
 * waits, so clients that lost the same node do not come back in step); the
 * client's typed error is what the caller sees. A failing call makes the
 * client drop its shared channel, which fails the other calls in flight on
 * it; a retry runs on the new channel. Reads are idempotent; for an append,
 * see `append.ts` for why a retry is still safe. `attempt` counts from 1.
 */
export function withRetry<T>(context: DriverContext, operation: (attempt: number) => Promise<T>): Promise<T> {
  return kernelWithRetry(
    async (attempt) => {
      try {
        return await operation(attempt);
      } catch (thrown) {
        throw toClientError(thrown);
      }
    },
    { policy: policyOf(context), retryable: isTransientFailure },
  );
}
