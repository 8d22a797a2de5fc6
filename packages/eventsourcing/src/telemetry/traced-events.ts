import type { RecordedEvent } from '../envelope/envelope';

/** What a traced read reports: started at the first `next()`, ended once. */
export interface ReadObservation {
  begin(): void;
  end(count: number, error?: unknown): void;
}

/**
 * The iterable a traced `readStream`/`readAll` returns: the store's own
 * iterator, counting what it hands out. The read is observed from the first
 * `next()` to the end of the iteration (done, `return()` as a `break` calls
 * it, or an error), so an iterable never iterated records nothing.
 */
export class TracedEvents implements AsyncIterableIterator<RecordedEvent> {
  private readonly iterator: AsyncIterator<RecordedEvent>;
  private count = 0;
  private state: 'idle' | 'reading' | 'ended' = 'idle';

  constructor(
    events: AsyncIterable<RecordedEvent>,
    private readonly observation: ReadObservation,
  ) {
    this.iterator = events[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<RecordedEvent, undefined>> {
    if (this.state === 'idle') {
      this.state = 'reading';
      this.observation.begin();
    }
    try {
      const result = await this.iterator.next();
      if (result.done) this.end();
      else this.count += 1;
      return result.done ? { value: undefined, done: true } : result;
    } catch (error) {
      this.end(error);
      throw error;
    }
  }

  async return(): Promise<IteratorResult<RecordedEvent, undefined>> {
    if (this.state === 'idle') this.state = 'ended';
    else this.end();
    await this.iterator.return?.();
    return { value: undefined, done: true };
  }

  private end(error?: unknown): void {
    if (this.state !== 'reading') return;
    this.state = 'ended';
    this.observation.end(this.count, error);
  }
}
