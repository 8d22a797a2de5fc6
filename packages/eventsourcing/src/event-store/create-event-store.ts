import { v4 as uuidv4 } from 'uuid';
import type { NewEvent, RecordedEvent } from '../envelope/envelope';
import { ConcurrencyError, ValidationError } from '../errors/errors';
import { sealEvents } from '../hash-chain/hash-chain';
import type { EventRegistry } from '../registry/event-registry';
import type {
  AggregateStreamOptions,
  AggregateStreamResult,
  AppendOptions,
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
  Subscription,
} from './event-store';
import type { EventStoreDriver } from './event-store-driver';
import { checkExpectedRevision, type ExpectedRevision } from './expected-revision';
import { PagedEvents } from './paged-events';
import { pollingSubscription } from './polling-subscription';
import { instrumentEventStore } from '../telemetry/event-store-telemetry';
import type { TelemetryOption } from '../telemetry/telemetry-options';

export interface CreateEventStoreOptions {
  /** Validates payloads on append and parses/upcasts them on read. Without one, payloads pass as they are. */
  registry?: EventRegistry;
  /** Page size of the async iterables returned by `readStream`/`readAll`. */
  pageSize?: number;
  /** OpenTelemetry spans and metrics for appends and reads (off by default; see the operations guide). */
  telemetry?: TelemetryOption;
}

/**
 * Internal (not exported from the package): a driver sets this property to
 * `true` when every event it returns was appended through its wrapper, with
 * the payload object that wrapper validated, deep-frozen since (so nobody
 * can have changed it). Only the in-memory driver can promise that.
 */
export const KEEPS_VALIDATED_PAYLOADS = Symbol('thidua.keepsValidatedPayloads');

type DriverWithHints = EventStoreDriver & { [KEEPS_VALIDATED_PAYLOADS]?: boolean };

const STREAM_ID = /^[^\s]{1,200}$/;
/** Tries when the driver's optimistic tip read raced another writer under `'any'`/`'stream_exists'`. */
const MAX_TIP_RACES = 10;

/**
 * Wraps a storage driver into the {@link EventStore} port. Everything that
 * must behave the same in every store lives here, once.
 */
export function createEventStore(driver: EventStoreDriver, options: CreateEventStoreOptions = {}): EventStore {
  const registry = options.registry;
  const pageSize = options.pageSize ?? 1_000;

  /*
   * A driver that keeps the payloads this wrapper validated, frozen (the
   * in-memory one), needs no second parse on read for events at their
   * type's current version: parsing them again was the largest cost of an
   * in-memory read. Older versions still go through the upcasters.
   */
  const keepsValidated = registry !== undefined && (driver as DriverWithHints)[KEEPS_VALIDATED_PAYLOADS] === true;

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
    if (typeof streamId !== 'string' || !STREAM_ID.test(streamId)) {
      throw new ValidationError(`Invalid stream id ${JSON.stringify(streamId)}`, [
        { path: 'streamId', message: 'must be 1–200 characters without whitespace' },
      ]);
    }
    if (events.length === 0) {
      throw new ValidationError('Nothing to append', [{ path: 'events', message: 'must hold at least one event' }]);
    }
    const prepared = events.map((event, index) => prepare(event, index));
    if (prepared.length > 1 && new Set(prepared.map((e) => e.id)).size !== prepared.length) {
      throw new ValidationError('Duplicate event ids in one append', [{ path: 'events', message: 'event ids must be unique' }]);
    }

    for (let attempt = 1; ; attempt += 1) {
      try {
        const recorded = await driver.append(streamId, (tip) => {
          checkExpectedRevision(streamId, expected, tip.revision);
          return sealEvents(streamId, tip, prepared);
        });
        const last = recorded[recorded.length - 1];
        if (!last) throw new Error(`Driver ${driver.name} recorded no events`);
        return { nextExpectedRevision: last.revision, position: last.position, events: recorded, alreadyAppended: false };
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        const replay = await findIdenticalAppend(streamId, expected, prepared.map((e) => e.id));
        if (replay) return replay;
        // Under 'any'/'stream_exists' a conflict can only come from a driver whose tip read raced; retry.
        const racedLoosely = expected === 'any' || (expected === 'stream_exists' && error.actual !== null);
        if (!racedLoosely || attempt >= MAX_TIP_RACES) throw error;
      }
    }
  }

  function prepare(event: NewEvent, index: number) {
    if (!event || typeof event.type !== 'string' || event.type.length === 0) {
      throw new ValidationError(`Event #${index} has no type`, [{ path: `events.${index}.type`, message: 'required' }]);
    }
    const { schemaVersion, data } = registry
      ? registry.prepareForAppend(event.type, event.schemaVersion, event.data)
      : { schemaVersion: event.schemaVersion ?? 1, data: event.data };
    if (data === undefined) {
      throw new ValidationError(`Event ${event.type} has no data`, [{ path: `events.${index}.data`, message: 'required' }]);
    }
    return { id: event.id ?? uuidv4(), type: event.type, schemaVersion, data, metadata: event.metadata ?? {} };
  }

  /**
   * Idempotent re-append: when the same ids already sit at the revisions this
   * append asked for, the earlier write succeeded (a retry after a lost reply)
   * and we return it instead of a conflict.
   */
  async function findIdenticalAppend(
    streamId: string,
    expected: ExpectedRevision,
    ids: string[],
  ): Promise<AppendResult | null> {
    const from = expected === 'no_stream' ? 0n : typeof expected === 'bigint' ? expected + 1n : null;
    if (from === null) return null;
    const existing = await driver.readStreamPage(streamId, { fromRevision: from, maxCount: ids.length, direction: 'forwards' });
    if (existing.length !== ids.length || existing.some((e, i) => e.id !== ids[i] || e.revision !== from + BigInt(i))) return null;
    const last = existing[existing.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position, events: existing, alreadyAppended: true };
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
    appendToStream,
    readStream,
    aggregateStream,
    readAll,
    readAllPage,
    streamRevision: (streamId) => driver.streamRevision(streamId),
    headPosition: () => driver.headPosition(),
    subscribeToAll,
    close: () => driver.close(),
  }, options.telemetry);
}
