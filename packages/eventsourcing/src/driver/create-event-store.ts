import type { Anchor } from '../audit/anchor';
import { anchorToFile, parseAnchor } from '../audit/anchor-file';
import type { NewEvent, RecordedEvent } from '../envelope/envelope';
import { ConcurrencyError } from '../errors/errors';
import { sealEvents } from '../hash-chain/hash-chain';
import { DEFAULT_RETRY_POLICY, resolveRetryPolicy, type RetryPolicy } from '../retry/retry-policy';
import { withRetry } from '../retry/with-retry';
import type {
  AggregateStreamOptions,
  AggregateStreamResult,
  AppendOptions,
  AppendResult,
  CreateEventStoreOptions,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
  Subscription,
} from '../event-store/event-store';
import { checkExpectedRevision, type ExpectedRevision } from '../event-store/expected-revision';
import type { EventStoreDriver } from './event-store-driver';
import { appendToStreams } from './append-to-streams';
import { checkTailBeforeAppend, findIdenticalAppend } from './identical-append';
import { PagedEvents } from './paged-events';
import { pollingSubscription } from './polling-subscription';
import { prepareEvents } from './prepare-events';
import { instrumentEventStore } from '../telemetry/event-store-telemetry';

/**
 * How often a loose append (`'any'`, `'stream_exists'`) is sealed again after
 * the driver's tip read was overtaken: more tries than other layers make,
 * since each lost race means another writer made progress, and a loose
 * append should not fail merely because its stream is busy.
 */
const TIP_RACE_POLICY: Readonly<RetryPolicy> = Object.freeze({ ...DEFAULT_RETRY_POLICY, maxAttempts: 50 });

/**
 * Wraps a storage driver into the {@link EventStore} port. Everything that
 * must behave the same in every store lives here, once: the checks on what
 * is appended, the expected-revision rule, the hash chain, registry
 * validation and upcasting, idempotent re-appends, retries of a raced tip
 * read, paging and the catch-up subscription. See {@link EventStoreDriver}
 * for what the driver must do in return.
 *
 * @example
 * export function createMyEventStore(options: MyStoreOptions): EventStore {
 *   return createEventStore(new MyDriver(options), options);
 * }
 */
export function createEventStore(storeDriver: EventStoreDriver, options: CreateEventStoreOptions = {}): EventStore {
  const driver = options.wrapDriver ? options.wrapDriver(storeDriver) : storeDriver;
  const registry = options.registry;
  const pageSize = options.pageSize ?? 1_000;
  // Resolved here so a bad policy fails when the store is created, not at its first raced append.
  const retryPolicy = resolveRetryPolicy(options.retry, TIP_RACE_POLICY);

  /*
   * A driver that keeps the payloads this wrapper validated, frozen (the
   * in-memory one), needs no second parse on read for events at their
   * type's current version: parsing them again was the largest cost of an
   * in-memory read. Older versions still go through the upcasters.
   */
  const keepsValidated = registry !== undefined && driver.capabilities.keepsValidatedPayloads === true;

  const parse = (event: RecordedEvent, raw: boolean | undefined): RecordedEvent => {
    if (raw || !registry) return event;
    if (keepsValidated && event.schemaVersion === registry.currentVersion(event.type)) return event;
    return registry.read(event);
  };

  async function appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    appendOptions: AppendOptions = {},
  ): Promise<AppendResult> {
    const expected: ExpectedRevision = appendOptions.expectedRevision ?? 'any';
    const prepared = prepareEvents(streamId, events, registry);
    const loose = expected === 'any' || expected === 'stream_exists';
    // A store that cannot refuse a duplicate id would write a re-sent batch twice under a loose
    // expectation: look at the stream's tail first (for the others, the refusal says where to look).
    // Only ids the caller chose can come back: ids the kernel drew at random are new.
    if (loose && driver.capabilities.uniqueEventIds !== true && events.some((event) => event.id !== undefined)) {
      const replay = await checkTailBeforeAppend(driver, streamId, prepared);
      if (replay) return replay;
    }
    const appendOnce = async (): Promise<AppendResult> => {
      try {
        const recorded = await driver.append(streamId, (tip) => {
          checkExpectedRevision(streamId, expected, tip.revision);
          return sealEvents(streamId, tip, prepared);
        });
        const last = recorded[recorded.length - 1];
        if (!last) throw new Error(`Driver ${driver.name} recorded no events`);
        return { nextExpectedRevision: last.revision, position: last.position, events: recorded, alreadyAppended: false };
      } catch (error) {
        const replay = await findIdenticalAppend(driver, streamId, expected, prepared, error);
        if (replay) return replay;
        throw error;
      }
    };
    // Under 'any'/'stream_exists' a conflict can only come from a driver whose tip read raced another writer.
    const raced = (error: unknown) =>
      error instanceof ConcurrencyError && (expected === 'any' || (expected === 'stream_exists' && error.actual !== null));
    // The common case, one try, stays out of the retry loop (its promises cost more than the rest of a small
    // in-memory append). After a lost race the next try goes at once, the ones after it spaced by the policy.
    return appendOnce().catch((error: unknown) => {
      if (!raced(error) || retryPolicy.maxAttempts <= 1) throw error;
      return withRetry(appendOnce, { policy: { ...retryPolicy, maxAttempts: retryPolicy.maxAttempts - 1 }, retryable: raced });
    });
  }

  /** The pages of a stream, as the driver returns them (raw), until `null`. */
  function streamPages(streamId: string, readOptions: ReadStreamOptions): () => Promise<RecordedEvent[] | null> {
    const direction = readOptions.direction ?? 'forwards';
    let remaining = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
    let from = readOptions.fromRevision;
    let more = true;
    return async () => {
      if (!more || remaining <= 0) return null;
      const maxCount = Math.min(pageSize, remaining);
      const page = await driver.readStreamPage(streamId, { fromRevision: from, maxCount, direction });
      remaining -= page.length;
      const last = page[page.length - 1];
      if (page.length < maxCount || !last) more = false;
      else {
        from = direction === 'forwards' ? last.revision + 1n : last.revision - 1n;
        if (from < 0n) more = false;
      }
      return page;
    };
  }

  function readStream(streamId: string, readOptions: ReadStreamOptions = {}): AsyncIterableIterator<RecordedEvent> {
    return new PagedEvents(streamPages(streamId, readOptions), (event) => parse(event, readOptions.raw));
  }

  async function aggregateStream<S, E extends RecordedEvent>(
    streamId: string,
    fold: AggregateStreamOptions<S, E>,
  ): Promise<AggregateStreamResult<S>> {
    let state = fold.initialState();
    let revision: bigint | null = null;
    const nextPage = streamPages(streamId, {});
    for (let page = await nextPage(); page !== null; page = await nextPage()) {
      // Plain loop over the page: no promise per event (see PagedEvents for what that costs).
      for (let index = 0; index < page.length; index++) state = fold.evolve(state, parse(page[index] as RecordedEvent, false) as E);
      const last = page[page.length - 1];
      if (last) revision = last.revision;
    }
    return { state, revision };
  }

  async function readAllPage(readOptions: ReadAllOptions & { maxCount: number }): Promise<RecordedEvent[]> {
    const page = await driver.readAllPage({
      fromPosition: readOptions.fromPosition,
      maxCount: readOptions.maxCount,
      filter: readOptions.filter,
    });
    return readOptions.raw || !registry ? page : page.map((e) => parse(e, false));
  }

  function readAll(readOptions: ReadAllOptions = {}): AsyncIterableIterator<RecordedEvent> {
    let remaining = readOptions.maxCount ?? Number.POSITIVE_INFINITY;
    let from = readOptions.fromPosition;
    let more = true;
    const nextPage = async (): Promise<RecordedEvent[] | null> => {
      if (!more || remaining <= 0) return null;
      const maxCount = Math.min(pageSize, remaining);
      const page = await driver.readAllPage({ fromPosition: from, maxCount, filter: readOptions.filter });
      remaining -= page.length;
      const last = page[page.length - 1];
      if (page.length < maxCount || !last) more = false;
      else from = last.position + 1n;
      return page;
    };
    return new PagedEvents(nextPage, (event) => parse(event, readOptions.raw));
  }

  function subscribeToAll(subscribeOptions: SubscribeOptions): Subscription {
    const deliver = (event: RecordedEvent) => subscribeOptions.onEvent(parse(event, subscribeOptions.raw));
    if (driver.subscribeToAll) return driver.subscribeToAll({ ...subscribeOptions, onEvent: deliver });
    return pollingSubscription(
      (fromPosition, maxCount) => driver.readAllPage({ fromPosition, maxCount, filter: subscribeOptions.filter }),
      driver.onAppended?.bind(driver),
      { ...subscribeOptions, onEvent: deliver },
    );
  }

  return instrumentEventStore({
    name: driver.name,
    capabilities: driver.capabilities,
    ...(registry ? { registry } : {}),
    appendToStream,
    appendToStreams: (requests) => appendToStreams(driver, registry, requests),
    readStream,
    aggregateStream,
    readAll,
    readAllPage,
    streamRevision: (streamId) => driver.streamRevision(streamId),
    headPosition: () => driver.headPosition(),
    subscribeToAll,
    ...(driver.capabilities.bookkeeping && driver.bookkeeping ? { bookkeeping: driver.bookkeeping.bind(driver) } : {}),
    ...anchorMembers(driver),
    close: () => driver.close(),
  }, options.telemetry);
}

/**
 * `recordAnchor` and `storedAnchors` when the driver keeps anchors: the
 * driver stores their file form, and what it returns is parsed here, so a
 * stored anchor that is no anchor is an `AnchorFileError` naming it.
 */
function anchorMembers(driver: EventStoreDriver): Pick<EventStore, 'recordAnchor' | 'storedAnchors'> {
  const { recordAnchor, readAnchors } = driver;
  if (driver.capabilities.storedAnchors !== true || !recordAnchor || !readAnchors) return {};
  return {
    recordAnchor: (anchor: Anchor) => recordAnchor.call(driver, anchorToFile(anchor)),
    storedAnchors: async () => (await readAnchors.call(driver)).map((stored, index) => parseAnchor(stored, `stored anchor ${index + 1} of ${driver.name}`)),
  };
}
