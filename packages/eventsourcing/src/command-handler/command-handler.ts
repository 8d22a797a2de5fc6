import type { Decider, DomainEvent } from '../decider/decider';
import type { RecordedEvent } from '../envelope/envelope';
import { ConcurrencyError } from '../errors/errors';
import { CommandIdReusedError } from '../errors/integrity-errors';
import type { EventStore } from '../event-store/event-store';
import type { ExpectedRevision } from '../event-store/expected-revision';
import { withRetry } from '../retry/with-retry';
import type { RetryPolicy } from '../retry/retry-policy';
import { commandTelemetry } from '../telemetry/command-telemetry';
import type { TelemetryOption } from '../telemetry/telemetry-options';
import type { Command } from './command';
import { COMMAND_DIGEST_KEY, commandDigest } from './command-digest';
import { eventIdFor } from './event-ids';
import type { StreamStateCache } from './stream-state-cache';

export interface CommandResult<State> {
  /** Events this command recorded (on a re-sent command: those of the first time). */
  events: RecordedEvent[];
  /** The stream's state after the command. */
  state: State;
  /** Global position of the last event, for read-your-writes; null when nothing was ever appended. */
  position: bigint | null;
  /** The stream's revision after the command; null when the stream still does not exist. */
  revision: bigint | null;
  /** True when this `commandId` had already been handled: nothing was appended this time. */
  duplicate: boolean;
}

export interface CommandHandlerOptions<C extends Command, E extends DomainEvent, S, Ctx> {
  eventStore: EventStore;
  decider: Decider<C, E, S, Ctx>;
  streamId(command: C): string;
  /** Loads what `decide` needs from other streams; called again on every retry. */
  loadContext?(command: C, state: S): Promise<Ctx>;
  /**
   * How a command that lost a race (`ConcurrencyError`: another writer
   * appended to its stream between load and append) is tried again, each
   * time reloading and deciding afresh. Default `DEFAULT_RETRY_POLICY`; the
   * last `ConcurrencyError` is thrown once the attempts are spent.
   */
  retry?: Partial<RetryPolicy>;
  /** An OpenTelemetry span and metrics per command (off by default; see the operations guide). */
  telemetry?: TelemetryOption;
  /**
   * Keeps the folded state of the command's stream between commands
   * (checked against the stream's tip before every use, so other writers'
   * events are seen), and finds a re-sent `commandId` through its index
   * instead of scanning the stream. Share one cache with `loadContext` to
   * spare the other streams' folds too. Without it, every command folds
   * its stream from the start.
   */
  stateCache?: StreamStateCache;
}

/**
 * Load → decide → append at the loaded revision. Retries on conflict (each
 * retry reloads and decides again), and is idempotent by `commandId`: a
 * re-sent command appends nothing and returns the events of the first time;
 * the same `commandId` with another command name, actor or data is refused
 * with `command_id_reused` naming the first use.
 *
 * Each event a command appends records, besides `commandId`, the digest of
 * the command (`metadata.commandDigest`), and gets an id derived from the
 * command id, the stream and its index ({@link eventIdFor}). The earlier use
 * is looked for in the command's own stream: a `commandId` reused for a
 * command on another stream is a new command there (with ids of its own).
 * Events recorded before digests existed carry none; a command re-sent
 * against them is taken for the same one, as it always was.
 */
export function createCommandHandler<C extends Command, E extends DomainEvent, S, Ctx = undefined>(
  options: CommandHandlerOptions<C, E, S, Ctx>,
): (command: C) => Promise<CommandResult<S>> {
  const { eventStore, decider } = options;
  const trace = commandTelemetry(options.telemetry);

  const { stateCache } = options;

  /** The stream's state, where it ends, and this command's events if it already ran there. */
  const load = async (command: C, streamId: string) => {
    if (stateCache) {
      const cached = await stateCache.load(eventStore, streamId, decider);
      const place = cached.commandPlace(command.commandId);
      const earlier: RecordedEvent[] = [];
      if (place) {
        const count = Number(place.last - place.first) + 1;
        for await (const event of eventStore.readStream(streamId, { fromRevision: place.first, maxCount: count })) {
          if (event.metadata.commandId === command.commandId) earlier.push(event);
        }
      }
      return { state: cached.state, revision: cached.revision, position: cached.position, earlier, cached };
    }
    // One fold gathers the state, where the stream ends, and this command's events if it already ran.
    const loaded = await eventStore.aggregateStream(streamId, {
      initialState: () => ({ state: decider.initialState(), position: null as bigint | null, earlier: [] as RecordedEvent[] }),
      evolve: (acc, event) => {
        acc.state = decider.evolve(acc.state, event as unknown as E);
        acc.position = event.position;
        if (event.metadata.commandId === command.commandId) acc.earlier.push(event);
        return acc;
      },
    });
    return { ...loaded.state, revision: loaded.revision, cached: null };
  };

  const attempt = async (command: C, streamId: string, digest: string): Promise<CommandResult<S>> => {
    const loaded = await load(command, streamId);
    let state = loaded.state;
    const { revision, position, earlier } = loaded;
    const first = earlier[0];
    if (first) {
      const recorded = first.metadata[COMMAND_DIGEST_KEY];
      if (typeof recorded === 'string' && recorded !== digest) {
        throw new CommandIdReusedError(command.commandId, {
          streamId,
          revision: first.revision,
          recordedAt: first.recordedAt,
        });
      }
      return { events: earlier, state, position: earlier[earlier.length - 1]!.position, revision, duplicate: true };
    }

    const context = options.loadContext ? await options.loadContext(command, state) : (undefined as Ctx);
    const decided = decider.decide(command, state, context);
    if (decided.length === 0) return { events: [], state, position, revision, duplicate: false };

    const expectedRevision: ExpectedRevision = revision === null ? 'no_stream' : revision;
    const metadata = {
      commandId: command.commandId,
      correlationId: command.correlationId ?? command.commandId,
      causationId: command.causationId ?? command.commandId,
      actor: command.actor,
      [COMMAND_DIGEST_KEY]: digest,
    };
    const result = await eventStore.appendToStream(
      streamId,
      decided.map((event, index) => ({
        id: eventIdFor(command.commandId, streamId, index),
        type: event.type,
        data: event.data,
        metadata,
      })),
      { expectedRevision },
    );
    for (const event of result.events) state = decider.evolve(state, event as unknown as E);
    if (loaded.cached && !result.alreadyAppended) stateCache?.appended(eventStore, streamId, decider, loaded.cached, result.events, state);
    return {
      events: result.events,
      state,
      position: result.position,
      revision: result.nextExpectedRevision,
      duplicate: result.alreadyAppended,
    };
  };

  return async (command) => {
    const streamId = options.streamId(command);
    const digest = commandDigest(command);
    const retry = { policy: options.retry, retryable: (error: unknown) => error instanceof ConcurrencyError };
    if (!trace) return withRetry(() => attempt(command, streamId, digest), retry);
    return trace(command, streamId, (onAttempt) =>
      withRetry(() => {
        onAttempt();
        return attempt(command, streamId, digest);
      }, retry),
    );
  };
}
