import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  TimeoutError as ClientTimeoutError,
  UnavailableError,
  convertToCommandError,
} from '@eventstore/db-client';
import type { DriverContext } from './driver-context';

/**
 * Some paths of the client reject with the raw gRPC error instead of its
 * typed one (e.g. a call on a channel the client just closed to reconnect).
 */
export function toClientError(thrown: unknown): unknown {
  return thrown instanceof Error ? convertToCommandError(thrown) : thrown;
}

/**
 * Failures that say nothing about the request itself: the node went away or
 * was restarted, the leader changed, the server cancelled or timed out the
 * call. The client reconnects on the next call, so trying again can succeed.
 * For an append, the outcome of such a failure is unknown: it may have
 * committed (see `append.ts` for why a retry is still safe).
 */
export function isTransientFailure(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof ClientTimeoutError ||
    error instanceof CancelledError ||
    error instanceof NotLeaderError
  );
}

/** Exponential backoff: the delay before retry number `retry` (0-based). */
export function retryDelay(context: DriverContext, retry: number): number {
  return context.retry.initialDelayMs * 2 ** retry;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs an idempotent operation (a read), trying again after transient
 * failures up to `retry.maxRetries` times. A failing call makes the client
 * drop its shared channel, which fails the other calls in flight on it; a
 * retry runs on the new channel.
 */
export async function withRetry<T>(context: DriverContext, operation: () => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry += 1) {
    try {
      return await operation();
    } catch (thrown) {
      const error = toClientError(thrown);
      if (!isTransientFailure(error) || retry >= context.retry.maxRetries) throw error;
      await sleep(retryDelay(context, retry));
    }
  }
}
