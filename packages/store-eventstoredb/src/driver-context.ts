import type { ReadAllFilter } from '@thidua/eventsourcing';
import { matchesFilter } from '@thidua/eventsourcing/driver';
import type { EventStoreDbClientLike } from './client';

/** How a dropped catch-up subscription is resumed. */
export interface ResubscribeOptions {
  /**
   * Resubscriptions tried in a row before the subscription gives up and
   * ends with the last error (`onError`, `done` rejects). A resubscription
   * that delivers an event or reaches the live end resets the count.
   * Default 8.
   */
  maxAttempts?: number;
  /** Delay before the first resubscription; doubled for each further one. Default 100 ms. */
  initialDelayMs?: number;
  /** Upper bound of the delay. Default 5 000 ms. */
  maxDelayMs?: number;
  /** Told about each resubscription before its delay (for logs and metrics). */
  onRetry?(retry: { attempt: number; delayMs: number; error: unknown }): void;
}

/**
 * How calls that failed for a passing reason (deadline exceeded, node
 * unavailable, leader changed) are tried again: reads always; appends too,
 * with the same event ids at the same expected revision, so a first try that
 * did commit is recognised instead of written twice.
 */
export interface RetryOptions {
  /** Tries after the first one. Default 3. */
  maxRetries?: number;
  /**
   * Bound of the wait before the first retry; doubled for each further one,
   * and each wait drawn at random below its bound (the kernel's retry
   * policy, full jitter). Default 50 ms.
   */
  initialDelayMs?: number;
  /** Cap of the doubled bound. Default 2 000 ms. */
  maxDelayMs?: number;
}

/** Everything the per-operation modules share: the client and the stream-name scope. */
export interface DriverContext {
  readonly client: EventStoreDbClientLike;
  readonly namespace: string;
  readonly retry: Required<RetryOptions>;
  readonly resubscribe: Required<Omit<ResubscribeOptions, 'onRetry'>> & Pick<ResubscribeOptions, 'onRetry'>;
  /** What this client has learnt about the server. */
  readonly server: {
    /** Set once a subscription received CaughtUp (EventStoreDB 23.10+): the fallback is then not needed. */
    sendsCaughtUp: boolean;
  };
}

/** The server-side stream name of a kernel stream id. */
export function streamNameOf(context: DriverContext, streamId: string): string {
  return context.namespace + streamId;
}

/** The kernel stream id of a server-side stream name, or `null` when it lies outside the namespace. */
export function streamIdOf(context: DriverContext, streamName: string): string | null {
  if (!streamName.startsWith(context.namespace)) return null;
  const streamId = streamName.slice(context.namespace.length);
  return streamId.length === 0 ? null : streamId;
}

/** An EventStoreDB system event (type or stream starting with `$`): never shown to callers. */
export function isSystemEvent(event: { streamId: string; type: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/**
 * True when an event read from `$all` belongs to this store (not a system
 * event, inside the namespace) and passes the caller's filter, which applies
 * to kernel stream ids.
 */
export function isVisible(
  context: DriverContext,
  event: { streamId: string; type: string },
  filter: ReadAllFilter | undefined,
): boolean {
  if (isSystemEvent(event)) return false;
  const streamId = streamIdOf(context, event.streamId);
  return streamId !== null && matchesFilter({ streamId, type: event.type }, filter);
}
