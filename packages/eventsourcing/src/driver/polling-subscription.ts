import type { RecordedEvent } from '../envelope/envelope';
import type { SubscribeOptions, Subscription } from '../event-store/event-store';

/** Reads one page of `$all` from a position (inclusive), as `EventStoreDriver.readAllPage` does. */
export type PageReader = (fromPosition: bigint | undefined, maxCount: number) => Promise<RecordedEvent[]>;

/**
 * Catch-up subscription built on `readAllPage`: reads pages after the
 * checkpoint until a short page says it has caught up, then waits for an
 * append notification (or the poll interval) and reads again. It never skips
 * or repeats because it only advances past positions it has delivered, and
 * the driver's `readAllPage` never returns a position whose predecessors may
 * still commit.
 */
export function pollingSubscription(
  readPage: PageReader,
  onAppended: ((listener: () => void) => () => void) | undefined,
  options: SubscribeOptions,
): Subscription {
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? (onAppended ? 1_000 : 50);
  let checkpoint = options.afterPosition ?? null;
  let stopped = false;
  let wake: (() => void) | null = null;
  let pending = false;

  const unsubscribe = onAppended?.(() => {
    pending = true;
    wake?.();
  });

  const sleep = () =>
    new Promise<void>((resolve) => {
      if (pending || stopped) return resolve();
      const timer = setTimeout(done, pollIntervalMs);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const run = async () => {
    try {
      while (!stopped) {
        pending = false;
        const from = checkpoint === null ? undefined : checkpoint + 1n;
        const page = await readPage(from, batchSize);
        for (const event of page) {
          if (stopped) return;
          await options.onEvent(event);
          checkpoint = event.position;
        }
        if (page.length < batchSize) {
          if (stopped) return;
          await options.onCaughtUp?.(checkpoint);
          await sleep();
        }
      }
    } finally {
      unsubscribe?.();
    }
  };

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
      wake?.();
      await done.catch(() => undefined);
    },
  };
}
