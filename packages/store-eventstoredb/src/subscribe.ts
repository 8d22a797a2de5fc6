import type { AllStreamResolvedEvent, AllStreamSubscription, Filter } from '@eventstore/db-client';
import { eventTypeFilter, excludeSystemEvents, streamNameFilter } from './client-values';
import type { ReadAllFilter, SubscribeOptions, Subscription } from '@thidua/eventsourcing';
import { isClientError } from './client';
import { isVisible, type DriverContext } from './driver-context';
import { encodePosition, isKnownPosition, subscriptionStart } from './position';
import { lastVisiblePosition, toRecordedEvent } from './read';
import { isTransientFailure, toClientError } from './retry';

/** The server ended a subscription without an error; for a catch-up subscription that is a drop too. */
export class SubscriptionEndedError extends Error {
  constructor() {
    super('EventStoreDB ended the $all subscription');
    this.name = 'SubscriptionEndedError';
  }
}

/**
 * Drops worth a resubscription: the node went away or was restarted, the
 * leader changed, the server cancelled or timed out the call, or the stream
 * just ended. Anything else (access denied, a corrupt event, a failing
 * handler) ends the subscription at once.
 */
export function isTransientDrop(error: unknown): boolean {
  // A reset connection surfaces as INTERNAL, which the client reports as UnknownError.
  return error instanceof SubscriptionEndedError || isClientError(error, 'unknown') || isTransientFailure(error);
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The server-side part of the caller's filter. EventStoreDB filters on one
 * thing, stream name or event type, so: stream prefixes (with the namespace)
 * when there are any, else the exact event types, else "no system events".
 * Whatever the server cannot express is checked again on this side.
 */
export function serverFilter(context: DriverContext, filter: ReadAllFilter | undefined): Filter {
  const userPrefixes = filter?.streamPrefixes ?? [];
  const prefixes = userPrefixes.length > 0 ? userPrefixes.map((prefix) => context.namespace + prefix) : context.namespace ? [context.namespace] : [];
  if (prefixes.length > 0) return streamNameFilter({ prefixes });
  const types = filter?.eventTypes ?? [];
  if (types.length > 0) {
    return eventTypeFilter({ regex: `^(?:${types.map(escapeRegex).join('|')})$` });
  }
  return excludeSystemEvents();
}

type Outcome = { kind: 'stopped' } | { kind: 'dropped'; error: unknown; progressed: boolean };

/** Something the server said between events, applied once the events before it are handled. */
interface Marker {
  /** Applies once this many events were taken from the subscription. */
  at: number;
  kind: 'caughtUp' | 'fellBehind';
}

/**
 * A catch-up subscription to `$all` on the server's own subscription, with a
 * server-side filter. The client does not resubscribe by itself, so a drop
 * resubscribes from the last event seen (start positions are exclusive on the
 * server, like the kernel's checkpoint), with exponential backoff, and gives
 * up after `resubscribe.maxAttempts` tries in a row.
 *
 * Caught-up is reported from the server's CaughtUp message (EventStoreDB
 * 23.10+, KurrentDB). Until a server has shown that it sends one, each
 * (re)subscription also reads the position of the last event it will deliver
 * and reports caught-up once it got there, which is sound on any server. In
 * the live phase, caught-up is reported again after each burst of events, as
 * soon as nothing is buffered.
 */
export function subscribeToAll(context: DriverContext, options: SubscribeOptions): Subscription {
  const highWaterMark = Math.max(1, Math.min(options.batchSize ?? 128, 1_024));
  let stopped = false;
  /** Last event seen (delivered or filtered out): where a resubscription starts, exclusive. */
  let resumeAfter: bigint | null = options.afterPosition ?? null;
  /** Last event delivered: what `onCaughtUp` reports, like the polling subscription. */
  let lastDelivered: bigint | null = options.afterPosition ?? null;
  let interrupt: () => void = () => undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        interrupt = () => undefined;
        resolve();
      }
      interrupt = finish;
    });

  async function attempt(): Promise<Outcome> {
    let progressed = false;
    /** Fallback: the last event this subscription will deliver, as committed now (undefined: not needed). */
    let head: bigint | null | undefined;
    try {
      head = context.server.sendsCaughtUp ? undefined : await lastVisiblePosition(context, options.filter);
    } catch (error) {
      return { kind: 'dropped', error: toClientError(error), progressed };
    }
    if (stopped) return { kind: 'stopped' };

    const markers: Marker[] = [];
    let taken = 0;
    let live = false;
    let sinceReport = 0;
    let failure: unknown = null;
    let ended = false;
    let signalled = false;
    let waiter: (() => void) | null = null;
    const signal = () => {
      signalled = true;
      const wake = waiter;
      waiter = null;
      wake?.();
    };
    interrupt = signal;

    // Markers are placed after the events already buffered, so they apply in wire order.
    const mark = (marker: Marker) => {
      markers.push(marker);
      signal();
    };
    const buffered = () => taken + subscription.readableLength;
    const subscription: AllStreamSubscription = context.client.subscribeToAll(
      { fromPosition: subscriptionStart(resumeAfter), filter: serverFilter(context, options.filter) },
      { highWaterMark },
    );
    subscription.on('caughtUp', () => {
      context.server.sendsCaughtUp = true;
      mark({ kind: 'caughtUp', at: buffered() });
    });
    subscription.on('fellBehind', () => mark({ kind: 'fellBehind', at: buffered() }));
    subscription.on('readable', signal);
    subscription.on('error', (error: unknown) => {
      failure ??= toClientError(error);
      signal();
    });
    subscription.on('end', () => {
      ended = true;
      signal();
    });
    subscription.on('close', () => {
      ended = true;
      signal();
    });

    const release = async () => {
      interrupt = () => undefined;
      subscription.removeAllListeners();
      // A late error from the cancelled call must not become an unhandled 'error' event.
      subscription.on('error', () => undefined);
      await subscription.unsubscribe().catch(() => undefined);
      subscription.destroy();
    };
    const enterLive = async () => {
      live = true;
      sinceReport = 0;
      await options.onCaughtUp?.(lastDelivered);
    };
    const handleMarker = async (marker: Marker) => {
      // Hearing from the server (an event, CaughtUp) is what resets the count of failed resubscriptions.
      progressed = true;
      if (marker.kind === 'fellBehind') live = false;
      else if (!live) await enterLive();
    };
    const handleEvent = async (resolved: AllStreamResolvedEvent) => {
      const event = resolved.event;
      if (!event || !isKnownPosition(event.position)) return;
      const position = encodePosition(event.position);
      // Never repeat: a resubscription starts after resumeAfter, but stay safe if a server repeats itself.
      if (resumeAfter !== null && position <= resumeAfter) return;
      if (isVisible(context, event, options.filter)) {
        await options.onEvent(toRecordedEvent(context, event));
        lastDelivered = position;
      }
      resumeAfter = position;
      progressed = true;
      sinceReport += 1;
      if (!live && typeof head === 'bigint' && position >= head) await enterLive();
    };

    try {
      // Fallback: nothing to deliver was committed when we looked, or the checkpoint is past it: caught up now.
      if (head === null || (typeof head === 'bigint' && resumeAfter !== null && resumeAfter >= head)) await enterLive();
      for (;;) {
        signalled = false;
        if (stopped) {
          await release();
          return { kind: 'stopped' };
        }
        const due = markers[0];
        if (due && due.at <= taken) {
          markers.shift();
          await handleMarker(due);
          continue;
        }
        const item = subscription.read() as AllStreamResolvedEvent | null;
        if (item !== null) {
          taken += 1;
          await handleEvent(item);
          continue;
        }
        if (failure !== null || ended) {
          await release();
          return { kind: 'dropped', error: failure ?? new SubscriptionEndedError(), progressed };
        }
        if (live && sinceReport > 0) {
          sinceReport = 0;
          await options.onCaughtUp?.(lastDelivered);
          continue;
        }
        if (!signalled) await new Promise<void>((resolve) => (waiter = resolve));
      }
    } catch (error) {
      await release();
      throw error;
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      const outcome = await attempt();
      if (outcome.kind === 'stopped') return;
      if (outcome.progressed) failures = 0;
      if (!isTransientDrop(outcome.error)) throw outcome.error;
      failures += 1;
      if (failures > context.resubscribe.maxAttempts) throw outcome.error;
      const delayMs = Math.min(context.resubscribe.maxDelayMs, context.resubscribe.initialDelayMs * 2 ** (failures - 1));
      context.resubscribe.onRetry?.({ attempt: failures, delayMs, error: outcome.error });
      await pause(delayMs);
    }
  }

  const done = run().catch((error: unknown) => {
    options.onError?.(error);
    throw error;
  });
  // A caller that only uses onError must not see an unhandled rejection.
  done.catch(() => undefined);

  return {
    done,
    async stop() {
      stopped = true;
      interrupt();
      await done.catch(() => undefined);
    },
  };
}
