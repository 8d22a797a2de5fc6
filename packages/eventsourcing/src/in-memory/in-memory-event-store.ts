import type { RecordedEvent } from '../envelope/envelope';
import type { SealedEvent } from '../hash-chain/hash-chain';
import type { AnchorFile } from '../audit/anchor-file';
import type { CreateEventStoreOptions, EventStore, StoreBookkeeping, StoreCapabilities } from '../event-store/event-store';
import { matchesFilter } from '../event-store/filter';
import { DuplicateEventIdError } from '../errors/integrity-errors';
import { createEventStore } from '../driver/create-event-store';
import type { EventStoreDriver, SealRequest } from '../driver/event-store-driver';

export interface InMemoryEventStoreOptions extends CreateEventStoreOptions {
  /** The store's clock, for `recordedAt`. */
  clock?: () => Date;
}

/**
 * The in-memory driver. One global array (index = position − 1) and one array
 * per stream (index = revision): appends are O(1) amortised whatever the
 * number of streams or events, and reads seek by index.
 */
class InMemoryDriver implements EventStoreDriver {
  readonly name = 'memory';
  /** Payloads are the kernel's validated ones, deep-frozen by `frozenCopy`: reads skip the registry's second parse. */
  readonly capabilities: StoreCapabilities = {
    densePositions: true,
    concurrentWriters: false,
    durable: false,
    keepsValidatedPayloads: true,
    uniqueEventIds: true,
    bookkeeping: true,
    storedAnchors: true,
    multiStreamAppend: true,
  };
  /** Anchors recorded in this store, oldest first (frozen copies of their file form). */
  private readonly anchors: AnchorFile[] = [];
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  /** Every event by id: ids are unique in the whole store, as the SQL stores' unique index makes them. */
  private readonly byId = new Map<string, RecordedEvent>();
  private readonly listeners = new Set<() => void>();
  private closed = false;
  /** The last clock reading and its ISO text (see recordedAtNow). */
  private lastMs = Number.NaN;
  private lastIso = '';
  /** One copy of each event type's name. */
  private readonly types = new StringPool();

  constructor(private readonly clock: () => Date) {}

  async append(streamId: string, seal: Parameters<EventStoreDriver['append']>[1]): Promise<RecordedEvent[]> {
    this.assertOpen();
    const stream = this.streams.get(streamId);
    const last = stream?.[stream.length - 1];
    // seal runs synchronously between the tip read and the push: JS gives us the atomicity.
    const sealed = seal({ revision: last?.revision ?? null, hash: last?.metadata.hash ?? null });
    for (const event of sealed) {
      const taken = this.byId.get(event.id);
      if (taken) throw new DuplicateEventIdError(event.id, streamId, { streamId: taken.streamId, revision: taken.revision });
    }
    const recordedAt = this.recordedAtNow();
    // The stream's own stored id, and each event's fields shared with the one before it when equal (see `frozenCopy`).
    const storedStreamId = stream?.[0]?.streamId ?? streamId;
    let before: RecordedEvent | undefined = last;
    const recorded = sealed.map((event, index): RecordedEvent => (before = this.stored(event, storedStreamId, this.log.length + index + 1, before, recordedAt)));
    const target = stream ?? [];
    if (!stream) this.streams.set(streamId, target);
    for (const event of recorded) {
      this.log.push(event);
      target.push(event);
      this.byId.set(event.id, event);
    }
    if (this.listeners.size > 0) queueMicrotask(() => this.listeners.forEach((listener) => listener()));
    return recorded;
  }

  /**
   * A sealed event as the store keeps it: frozen like its payload, so reads
   * hand out the stored object without a copy, and sharing equal fields with
   * the stream's previous event (`before`) to keep memory per event low.
   */
  private stored(event: SealedEvent, streamId: string, position: number, before: RecordedEvent | undefined, recordedAt: string): RecordedEvent {
    return Object.freeze({
      id: event.id,
      streamId,
      revision: smallBigInt(event.revision),
      position: BigInt(position),
      type: before?.type === event.type ? before.type : this.types.intern(event.type),
      schemaVersion: event.schemaVersion,
      data: frozenCopy(event.data, before?.data),
      metadata: frozenInPlace(event.metadata, before?.metadata),
      recordedAt,
    });
  }

  async appendMany(requests: readonly SealRequest[]): Promise<RecordedEvent[][]> {
    return this.appendAll(requests);
  }

  /**
   * Seals and checks every request before anything is pushed, all in one
   * synchronous run: JS gives the atomicity, and a refusal leaves the log as
   * it was. Kept apart from `append`, whose single-stream path stays lean.
   */
  private appendAll(requests: readonly SealRequest[]): RecordedEvent[][] {
    this.assertOpen();
    const recordedAt = this.recordedAtNow();
    // Tips of streams an earlier request of this call appended to, and the ids it used.
    const tips = new Map<string, { revision: bigint; hash: string }>();
    const ids = new Set<string>();
    // The last event built for each stream so far, pushed or not, for `stored` to share fields with.
    const lastOf = new Map<string, RecordedEvent>();
    let position = this.log.length;
    const batches = requests.map(({ streamId, seal }) => {
      const stream = this.streams.get(streamId);
      const last = stream?.[stream.length - 1];
      const tip = tips.get(streamId) ?? { revision: last?.revision ?? null, hash: last?.metadata.hash ?? null };
      const sealed = seal(tip);
      for (const event of sealed) {
        const taken = this.byId.get(event.id);
        if (taken) throw new DuplicateEventIdError(event.id, streamId, { streamId: taken.streamId, revision: taken.revision });
        if (ids.has(event.id)) throw new DuplicateEventIdError(event.id, streamId, null);
        ids.add(event.id);
      }
      const end = sealed[sealed.length - 1];
      if (end) tips.set(streamId, { revision: end.revision, hash: end.metadata.hash });
      const previous = lastOf.get(streamId) ?? last;
      let before: RecordedEvent | undefined = previous;
      const recorded = sealed.map((event): RecordedEvent => (before = this.stored(event, previous?.streamId ?? streamId, (position += 1), before, recordedAt)));
      if (before) lastOf.set(streamId, before);
      return recorded;
    });
    for (const recorded of batches) {
      const first = recorded[0];
      if (!first) continue;
      let target = this.streams.get(first.streamId);
      if (!target) this.streams.set(first.streamId, (target = []));
      for (const event of recorded) {
        this.log.push(event);
        target.push(event);
        this.byId.set(event.id, event);
      }
    }
    if (this.listeners.size > 0) queueMicrotask(() => this.listeners.forEach((listener) => listener()));
    return batches;
  }

  async readStreamPage(
    streamId: string,
    options: Parameters<EventStoreDriver['readStreamPage']>[1],
  ): Promise<RecordedEvent[]> {
    this.assertOpen();
    const stream = this.streams.get(streamId) ?? [];
    if (options.direction === 'forwards') {
      const start = Number(options.fromRevision ?? 0n);
      return stream.slice(start, start + options.maxCount);
    }
    const start = Math.min(Number(options.fromRevision ?? BigInt(stream.length - 1)), stream.length - 1);
    const page: RecordedEvent[] = [];
    for (let i = start; i >= 0 && page.length < options.maxCount; i -= 1) page.push(stream[i]!);
    return page;
  }

  async readAllPage(options: Parameters<EventStoreDriver['readAllPage']>[0]): Promise<RecordedEvent[]> {
    this.assertOpen();
    const start = Math.max(0, Number(options.fromPosition ?? 1n) - 1);
    if (!options.filter) return this.log.slice(start, start + options.maxCount);
    const { streamPrefixes, eventTypes } = options.filter;
    // A projection's catch-up reads every page through a type filter: look types up in a Set, not an array.
    const types = eventTypes && eventTypes.length > 0 ? new Set(eventTypes) : null;
    const prefixes = streamPrefixes && streamPrefixes.length > 0 ? streamPrefixes : null;
    const page: RecordedEvent[] = [];
    for (let i = start; i < this.log.length && page.length < options.maxCount; i += 1) {
      const event = this.log[i]!;
      if (types && !types.has(event.type)) continue;
      if (prefixes && !matchesFilter(event, { streamPrefixes: prefixes })) continue;
      page.push(event);
    }
    return page;
  }

  async streamRevision(streamId: string): Promise<bigint | null> {
    const stream = this.streams.get(streamId);
    return stream?.[stream.length - 1]?.revision ?? null;
  }

  async headPosition(): Promise<bigint | null> {
    return this.log.length === 0 ? null : BigInt(this.log.length);
  }

  /** Derived from the arrays the events live in: the same facts as the SQL stores' head and stream rows. */
  async bookkeeping(): Promise<StoreBookkeeping> {
    this.assertOpen();
    const tips = [...this.streams].map(([streamId, events]) => {
      const last = events[events.length - 1]!;
      return { streamId, revision: last.revision, hash: last.metadata.hash };
    });
    return { head: this.log.length === 0 ? null : BigInt(this.log.length), tips };
  }

  async recordAnchor(anchor: AnchorFile): Promise<void> {
    this.assertOpen();
    this.anchors.push(Object.freeze({ ...anchor }));
  }

  async readAnchors(): Promise<unknown[]> {
    this.assertOpen();
    return [...this.anchors];
  }

  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('In-memory event store is closed');
  }

  /** The clock as ISO text; formatting costs more than the rest of a small append, so it is done once per millisecond. */
  private recordedAtNow(): string {
    const now = this.clock();
    const ms = now.getTime();
    if (ms !== this.lastMs) {
      this.lastIso = now.toISOString();
      this.lastMs = ms;
    }
    return this.lastIso;
  }
}

/*
 * Why stored events share values with their stream's previous event: a
 * stored event is mostly short strings and small objects the event before it
 * holds too (the pledge id, the assessor, the actor, a command id repeated as
 * correlation and causation id), each parsed from its request as a value of
 * its own. Keeping one copy cuts the heap per stored event by about 40 %, and
 * comparing with the neighbour costs a string comparison where a global
 * string pool cost a hash-table lookup per string (a tenth of an append).
 */

/** Event type names seen: few, so a small bounded map. */
class StringPool {
  private strings = new Map<string, string>();

  intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    // Types are few; a store fed free-form types simply starts over.
    if (this.strings.size >= 4_096) this.strings = new Map();
    this.strings.set(text, text);
    return text;
  }
}

/** Revisions below this share one BigInt each (most streams are short); revisions are immutable values, so sharing is safe. */
const SHARED_REVISIONS: readonly bigint[] = Array.from({ length: 1_024 }, (_, i) => BigInt(i));

function smallBigInt(value: bigint): bigint {
  return value < 1_024n ? SHARED_REVISIONS[Number(value)]! : value;
}

/**
 * A deep, frozen copy of a payload, with `structuredClone` semantics. Event
 * payloads are plain JSON trees, which this copies and freezes in one pass;
 * `structuredClone` (several times slower per event) only takes what is not
 * plain (Date, Map, class instances…) and throws, as before, on what cannot
 * be cloned. `like` is the same place in the stream's previous event (frozen
 * already): an equal string there is used instead of a copy of its own.
 */
function frozenCopy<T>(value: T, like: unknown): T {
  if (typeof value === 'string') return (like === value ? like : value) as T;
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'function' || typeof value === 'symbol' ? structuredClone(value) : value;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Array.prototype && Array.isArray(value)) {
    const copy: unknown[] = [];
    const likeArray = Array.isArray(like) ? (like as unknown[]) : undefined;
    for (let i = 0; i < value.length; i += 1) {
      if (i in value) copy.push(frozenCopy(value[i] as unknown, likeArray?.[i]));
      else copy.length = i + 1; // keep holes, as structuredClone does
    }
    return Object.freeze(copy) as T;
  }
  if (prototype === Object.prototype || prototype === null) {
    const source = value as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    const likeRecord = typeof like === 'object' && like !== null && !Array.isArray(like) ? (like as Record<string, unknown>) : undefined;
    for (const key of Object.keys(source)) {
      // An own "__proto__" key (JSON.parse makes them) must stay data, not become the prototype.
      if (key === '__proto__') Object.defineProperty(copy, key, { value: frozenCopy(source[key], undefined), enumerable: true });
      else copy[key] = frozenCopy(source[key], likeRecord && Object.hasOwn(likeRecord, key) ? likeRecord[key] : undefined);
    }
    return Object.freeze(copy) as T;
  }
  return deepFreeze(structuredClone(value));
}

/**
 * Freezes a record this store may keep as it is: the metadata `sealEvents`
 * built for this append (a fresh object, not the caller's), so only its
 * nested values need copying. One object less to allocate and copy per event.
 */
function frozenInPlace<T extends object>(record: T, previous: Record<string, unknown> | undefined): T {
  const fields = record as Record<string, unknown>;
  let firstString: string | undefined;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    // The hashes are unique (and prevHash is the previous event's own hash string already).
    if (key === 'hash' || key === 'prevHash') continue;
    const shared = previous !== undefined && Object.hasOwn(previous, key) ? previous[key] : undefined;
    if (typeof value === 'string') {
      // The same as the previous event's, or as this record's first string (a command id as correlation and causation id).
      if (shared === value) fields[key] = shared;
      else if (firstString === value) fields[key] = firstString;
      firstString ??= fields[key] as string;
    } else if (shared !== undefined && sameFlatRecord(value, shared)) {
      // The stream's previous event usually had the same actor: share its frozen copy.
      Object.defineProperty(fields, key, { value: shared, enumerable: true, writable: true, configurable: true });
    } else if ((typeof value === 'object' && value !== null) || typeof value === 'function' || typeof value === 'symbol') {
      Object.defineProperty(fields, key, { value: frozenCopy(value, shared), enumerable: true, writable: true, configurable: true });
    }
  }
  return Object.freeze(record);
}

/** True when `a` and `b` are plain objects with the same keys in the same order and the same primitive values (an actor, say); nested objects compare unequal. */
function sameFlatRecord(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null || Array.isArray(a) || Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const keys = Object.keys(a);
  const other = Object.keys(b);
  if (keys.length !== other.length) return false;
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    if (key !== other[i]) return false;
    const value = (a as Record<string, unknown>)[key];
    if (typeof value === 'object' && value !== null) return false;
    if (!Object.is(value, (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * An event store held in process memory: for tests, as-of replays and
 * single-process tools. Same guarantees as the durable stores, minus durability.
 *
 * @example
 * const store = createInMemoryEventStore();
 * await store.appendToStream('pledge-c1.u1', [{ type: 'PledgeSigned', data: { … } }], { expectedRevision: 'no_stream' });
 */
export function createInMemoryEventStore(options: InMemoryEventStoreOptions = {}): EventStore {
  return createEventStore(new InMemoryDriver(options.clock ?? (() => new Date())), options);
}
