import type { Decider, DomainEvent } from '../decider/decider';
import type { RecordedEvent } from '../envelope/envelope';
import { ConcurrencyError } from '../errors/errors';
import type { EventStore } from '../event-store/event-store';
import type { ExpectedRevision } from '../event-store/expected-revision';
import { commandTelemetry } from '../telemetry/command-telemetry';
import type { TelemetryOption } from '../telemetry/telemetry-options';
import type { Command } from './command';
import { eventIdFor } from './event-ids';

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
  /** Attempts after a `ConcurrencyError` before giving up with it. */
  maxAttempts?: number;
  /** An OpenTelemetry span and metrics per command (off by default; see the operations guide). */
  telemetry?: TelemetryOption;
}

/**
 * Load → decide → append at the loaded revision. Retries on conflict (each
 * retry reloads and decides again), and is idempotent by `commandId`.
 */
export function createCommandHandler<C extends Command, E extends DomainEvent, S, Ctx = undefined>(
  options: CommandHandlerOptions<C, E, S, Ctx>,
): (command: C) => Promise<CommandResult<S>> {
  const { eventStore, decider } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const trace = commandTelemetry(options.telemetry);

  const handle = async (command: C, streamId: string, onAttempt?: () => void): Promise<CommandResult<S>> => {
    for (let attempt = 1; ; attempt += 1) {
      onAttempt?.();
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
      let state = loaded.state.state;
      const { revision } = loaded;
      const { position, earlier } = loaded.state;
      if (earlier.length > 0) {
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
      };
      try {
        const result = await eventStore.appendToStream(
          streamId,
          decided.map((event, index) => ({ id: eventIdFor(command.commandId, index), type: event.type, data: event.data, metadata })),
          { expectedRevision },
        );
        for (const event of result.events) state = decider.evolve(state, event as unknown as E);
        return {
          events: result.events,
          state,
          position: result.position,
          revision: result.nextExpectedRevision,
          duplicate: result.alreadyAppended,
        };
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= maxAttempts) throw error;
      }
    }
  };

  return async (command) => {
    const streamId = options.streamId(command);
    return trace ? trace(command, streamId, (onAttempt) => handle(command, streamId, onAttempt)) : handle(command, streamId);
  };
}
