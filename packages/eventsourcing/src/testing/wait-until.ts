/** Options of {@link waitUntil}. */
export interface WaitUntilOptions {
  /** What is awaited, for the error message: `"the subscriber received 3 events"`. */
  what?: string;
  /**
   * A safety net only, never a measurement: long enough that a loaded
   * machine never reaches it while the condition is on its way (default 20 s).
   */
  timeoutMs?: number;
  /** How often the condition is asked again, in ms (default 5). */
  intervalMs?: number;
}

/**
 * Resolves as soon as `condition()` is true (it may be async), asking again
 * every few milliseconds; rejects if it is still false after the timeout.
 * Tests wait for conditions with it, never for durations, so they hold on a
 * slow or busy machine.
 *
 * @example
 * await waitUntil(() => received.length === 2, { what: 'both events delivered' });
 * await waitUntil(async () => (await store.headPosition()) === 10n);
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, options: WaitUntilOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 5;
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${options.what ?? 'condition'}: not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
