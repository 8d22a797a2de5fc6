import type { RecordedEvent } from '../envelope/envelope';
import { ValidationError } from '../errors/errors';
import type { EventStore } from '../event-store/event-store';

/** How a stream is folded: a decider's `initialState` and `evolve` fit. The object is the cache key with the stream id. */
export interface StreamFold<S, E = RecordedEvent> {
  initialState(): S;
  evolve(state: S, event: E): S;
}

/** Where one command's events sit in a stream: its first and last revision there. */
export interface CommandPlace {
  first: bigint;
  last: bigint;
}

/** A stream folded up to its tip as checked just now. */
export interface CachedStream<S> {
  state: S;
  /** The stream's last revision, `null` when it does not exist. */
  revision: bigint | null;
  /** Global position of its last event, `null` when it does not exist. */
  position: bigint | null;
  /** Where the events of `commandId` sit in this stream, if any command of that id appended here. */
  commandPlace(commandId: string): CommandPlace | undefined;
}

/** Options of {@link StreamStateCache}. */
export interface StreamStateCacheOptions {
  /** Streams kept at most; the least recently used one is dropped beyond it. Default 2 000. */
  maxStreams?: number;
}

interface Entry {
  /** The store it was folded from: a cache shared by handlers of two stores must not serve one's stream for the other's. */
  store: EventStore;
  fold: object;
  state: unknown;
  revision: bigint | null;
  position: bigint | null;
  /**
   * commandId → its place in the stream. Shared by the successive entries of
   * one stream and only ever added to: what it holds are facts about
   * committed events, true whichever entry reads them.
   */
  commands: Map<string, CommandPlace>;
}

const DEFAULT_MAX_STREAMS = 2_000;

/**
 * Folded state per stream and revision, so that a command does not fold its
 * streams again. It is never trusted blindly: every `load` first asks the
 * store for the stream's tip (`streamRevision`, one indexed lookup), and
 * folds only the events after the cached revision, so writes of another
 * process or another store handle on the same database are seen. A stream
 * whose tip went backwards (a store replaced under it) is folded again from
 * its start. Bounded (least recently used first out).
 *
 * It also indexes, for the streams it folded, where each `commandId`'s
 * events are, so a re-sent command is recognised without scanning its stream.
 *
 * States are shared between loads: `evolve` must return new states rather
 * than change the one it is given (as a decider's evolve does), and callers
 * must treat loaded states as read-only.
 *
 * @example
 * const cache = new StreamStateCache({ maxStreams: 5_000 });
 * const handle = createCommandHandler({ eventStore, decider, streamId, stateCache: cache });
 */
export class StreamStateCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxStreams: number;

  constructor(options: StreamStateCacheOptions = {}) {
    const maxStreams = options.maxStreams ?? DEFAULT_MAX_STREAMS;
    if (!Number.isInteger(maxStreams) || maxStreams < 1) {
      throw new ValidationError(`StreamStateCache: maxStreams must be a positive integer, not ${String(maxStreams)}`, [
        { path: 'maxStreams', message: 'must be a positive integer' },
      ]);
    }
    this.maxStreams = maxStreams;
  }

  /** Streams held now. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether the cache holds a state of `streamId` (whatever its revision): for tests and diagnostics. */
  has(streamId: string): boolean {
    return this.entries.has(streamId);
  }

  /**
   * The stream folded with `fold` up to its current tip: the cached state
   * when the tip is the cached revision, the cached state with the newer
   * events folded on otherwise, a full fold when nothing usable is cached.
   */
  async load<S, E = RecordedEvent>(eventStore: EventStore, streamId: string, fold: StreamFold<S, E>): Promise<CachedStream<S>> {
    const tip = await eventStore.streamRevision(streamId);
    let entry = this.entries.get(streamId);
    if (entry && (entry.store !== eventStore || entry.fold !== fold || !fitsTip(entry.revision, tip))) entry = undefined;
    if (!entry) entry = await this.foldFrom(eventStore, streamId, fold, null);
    else if (entry.revision !== tip) entry = await this.foldFrom(eventStore, streamId, fold, entry);
    else this.touch(streamId, entry);
    return view<S>(entry);
  }

  /**
   * Records what a command just appended on top of the state it decided on
   * (`base`, as `load` returned it), so the next command on the stream needs
   * no read beyond the tip check. Ignored when the cache moved on meanwhile.
   */
  appended<S, E = RecordedEvent>(
    eventStore: EventStore,
    streamId: string,
    fold: StreamFold<S, E>,
    base: CachedStream<S>,
    recorded: readonly RecordedEvent[],
    state: S,
  ): void {
    const entry = this.entries.get(streamId);
    const last = recorded[recorded.length - 1];
    if (!entry || entry.store !== eventStore || entry.fold !== fold || entry.revision !== base.revision || !last) return;
    indexCommands(entry.commands, recorded);
    this.store(streamId, { store: eventStore, fold, state, revision: last.revision, position: last.position, commands: entry.commands });
  }

  /** Forgets one stream, or everything. */
  clear(streamId?: string): void {
    if (streamId === undefined) this.entries.clear();
    else this.entries.delete(streamId);
  }

  private async foldFrom<S, E>(eventStore: EventStore, streamId: string, fold: StreamFold<S, E>, base: Entry | null): Promise<Entry> {
    let state = base ? (base.state as S) : fold.initialState();
    let revision = base ? base.revision : null;
    let position = base ? base.position : null;
    const commands = base ? base.commands : new Map<string, CommandPlace>();
    const apply = (event: RecordedEvent) => {
      state = fold.evolve(state, event as unknown as E);
      revision = event.revision;
      position = event.position;
      indexCommand(commands, event);
    };
    if (base === null) {
      // A whole stream: folded page by page, without a promise per event.
      await eventStore.aggregateStream(streamId, {
        initialState: () => undefined,
        evolve: (_: undefined, event: RecordedEvent) => apply(event),
      });
    } else {
      // Usually one or two events another writer appended since.
      for await (const event of eventStore.readStream(streamId, { fromRevision: (base.revision ?? -1n) + 1n })) apply(event);
    }
    const entry: Entry = { store: eventStore, fold, state, revision, position, commands };
    const current = this.entries.get(streamId);
    // A concurrent load may have got further already: keep the most recent state.
    if (!current || current.store !== eventStore || current.fold !== fold || !isAhead(current.revision, revision)) this.store(streamId, entry);
    return entry;
  }

  private store(streamId: string, entry: Entry): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    while (this.entries.size > this.maxStreams) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  private touch(streamId: string, entry: Entry): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
  }
}

/** Whether a cached revision can be brought up to `tip` by folding forwards. */
function fitsTip(cached: bigint | null, tip: bigint | null): boolean {
  if (cached === null) return true;
  return tip !== null && tip >= cached;
}

/** Whether revision `a` is past `b` (null: no stream). */
function isAhead(a: bigint | null, b: bigint | null): boolean {
  if (a === null) return false;
  return b === null || a > b;
}

function indexCommand(commands: Map<string, CommandPlace>, event: RecordedEvent): void {
  const commandId = event.metadata.commandId;
  if (typeof commandId !== 'string') return;
  const place = commands.get(commandId);
  if (!place) commands.set(commandId, { first: event.revision, last: event.revision });
  else if (event.revision > place.last) place.last = event.revision;
}

function indexCommands(commands: Map<string, CommandPlace>, events: readonly RecordedEvent[]): void {
  for (const event of events) indexCommand(commands, event);
}

function view<S>(entry: Entry): CachedStream<S> {
  const { commands } = entry;
  return {
    state: entry.state as S,
    revision: entry.revision,
    position: entry.position,
    commandPlace: (commandId) => commands.get(commandId),
  };
}
