import type { RecordedEvent } from '../envelope/envelope';

/**
 * The async iterable behind `readStream` and `readAll`: pages fetched one
 * at a time, events handed out one at a time. It behaves like the async
 * generator it replaces (single use, lazy, done after an error or `return`),
 * but costs about half as much per event: an async generator suspends and
 * resumes for every `yield`, which made iterating a 10 000-event stream from
 * memory slower than fetching it.
 */
export class PagedEvents implements AsyncIterableIterator<RecordedEvent> {
  private page: readonly RecordedEvent[] = [];
  private index = 0;
  private finished = false;
  private fetching: Promise<void> | null = null;

  /**
   * @param nextPage the next page, possibly empty, or `null` when there is no more
   * @param deliver turns a stored event into what the caller gets (parse, upcast); may throw
   */
  constructor(
    private readonly nextPage: () => Promise<readonly RecordedEvent[] | null>,
    private readonly deliver: (event: RecordedEvent) => RecordedEvent,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<RecordedEvent, undefined>> {
    // Calls made while a page is loading wait for it, as an async generator queues them.
    if (this.fetching) return this.fetching.then(() => this.next());
    if (this.index < this.page.length) {
      const event = this.page[this.index]!;
      this.index += 1;
      try {
        return Promise.resolve({ value: this.deliver(event), done: false });
      } catch (error) {
        this.finish();
        return Promise.reject(error);
      }
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    const fetching = this.nextPage().then(
      (page) => {
        this.fetching = null;
        if (page === null) this.finish();
        else {
          this.page = page;
          this.index = 0;
        }
      },
      (error: unknown) => {
        this.fetching = null;
        this.finish();
        throw error;
      },
    );
    this.fetching = fetching;
    return fetching.then(() => this.next());
  }

  return(): Promise<IteratorResult<RecordedEvent, undefined>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  private finish(): void {
    this.finished = true;
    this.page = [];
    this.index = 0;
  }
}
