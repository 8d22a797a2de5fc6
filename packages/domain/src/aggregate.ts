/**
 * What one aggregate brings to the write side, so that `createThidua` is a
 * lookup over a list of them rather than a switch that repeats each
 * aggregate's commands.
 */
import {
  createCommandHandler,
  type Command,
  type CommandHandlerOptions,
  type CommandResult,
  type Decider,
  type DomainEvent,
  type EventDefinition,
  type EventStore,
  type StreamStateCache,
} from '@thidua/eventsourcing';

/** Options of the kernel's command handler that a caller of `createThidua` may set (retries). */
export type HandlerTuning = Omit<CommandHandlerOptions<Command, DomainEvent, unknown, unknown>, 'eventStore' | 'decider' | 'streamId' | 'loadContext'>;

/** One aggregate: its commands, events, decider, stream and the other streams its rules read. */
export interface AggregateModule<C extends Command, E extends DomainEvent, S, Ctx> {
  /** `bloc`, `campaign` or `pledge`. */
  readonly name: string;
  /** The commands it handles: `createThidua` routes these names, and only these, to it. */
  readonly commands: readonly C['command'][];
  /** Its event definitions, for the registry. */
  readonly events: readonly EventDefinition[];
  readonly decider: Decider<C, E, S, Ctx>;
  /** The stream a command appends to. */
  streamId(command: C): string;
  /**
   * What `decide` needs from other streams, read just before it (and again
   * on every retry): see `docs/domain.md` for the consistency this gives.
   * `cache`, when the write side has one, is passed on to the loaders so
   * the other streams are not folded again for every command.
   */
  loadContext(eventStore: EventStore, command: C, state: S, cache: StreamStateCache | undefined): Promise<Ctx>;
}

/** A module with its types erased to what routing needs: a handler per store. */
export interface RoutedAggregate<S = unknown> {
  readonly name: string;
  readonly commands: readonly string[];
  readonly events: readonly EventDefinition[];
  /** The command handler of this aggregate over `eventStore`. */
  handler(eventStore: EventStore, tuning: HandlerTuning): (command: Command) => Promise<CommandResult<S>>;
}

/**
 * Declares an aggregate module. The typed parts stay on the module; the
 * `handler` it adds takes any command, because `createThidua` hands it only
 * commands it parsed under one of `commands`, which are this module's `C`.
 */
export function defineAggregate<C extends Command, E extends DomainEvent, S, Ctx>(
  module: AggregateModule<C, E, S, Ctx>,
): AggregateModule<C, E, S, Ctx> & RoutedAggregate<S> {
  return {
    ...module,
    handler(eventStore, tuning) {
      const handle = createCommandHandler<C, E, S, Ctx>({
        eventStore,
        decider: module.decider,
        streamId: (command) => module.streamId(command),
        loadContext: (command, state) => module.loadContext(eventStore, command, state, tuning.stateCache),
        ...tuning,
      });
      // Sound by routing: see the TSDoc above.
      return (command) => handle(command as C);
    },
  };
}
