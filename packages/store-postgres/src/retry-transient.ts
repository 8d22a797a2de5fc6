import { withRetry, type RetryPolicy } from '@thidua/eventsourcing';

/**
 * A statement refused by a REPEATABLE READ or SERIALIZABLE session default
 * (40001), or chosen as a deadlock victim (40P01): it wrote nothing, so it
 * may simply run again.
 */
export function isSerializationFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

/**
 * Runs a statement again after a serialization failure or a deadlock, with
 * the kernel's retry policy (capped, jittered waits); its own guard (a
 * checkpoint, a lease's owner and expiry, a stream's tip) then reports a
 * real conflict for what it is.
 */
export function retryTransient<T>(run: () => Promise<T>, policy?: Partial<RetryPolicy>): Promise<T> {
  return withRetry(run, { policy, retryable: isSerializationFailure });
}
