import { z } from 'zod';
import { createCommandHandler, type CommandResult } from '../command-handler/command-handler';
import type { Command } from '../command-handler/command';
import { assertNever, type Decider, type DomainEvent } from '../decider/decider';
import { RuleViolationError } from '../errors/errors';
import type { EventStore } from '../event-store/event-store';
import { createEventRegistry, defineEvent } from '../registry/event-registry';

/*
 * A small write model for the suites that run real processes: counters that
 * are opened with a maximum, added to, and closed. It has what the suites
 * need from a domain (rules that refuse commands, one stream per aggregate,
 * idempotent commands) without depending on any real one.
 */

/** What a counter records. */
export type CounterEvent =
  | DomainEvent<'CounterOpened', { counterId: string; max: number }>
  | DomainEvent<'Added', { counterId: string; amount: number }>
  | DomainEvent<'CounterClosed', { counterId: string }>;

/** What a counter is asked to do. */
export type CounterCommand =
  | Command<'OpenCounter', { counterId: string; max: number }>
  | Command<'Add', { counterId: string; amount: number }>
  | Command<'CloseCounter', { counterId: string }>;

/** A counter as its events leave it. */
export interface CounterState {
  status: 'none' | 'open' | 'closed';
  total: number;
  max: number;
}

/** The counter's events, for stores that validate on append. */
export const counterRegistry = createEventRegistry([
  defineEvent('CounterOpened', z.object({ counterId: z.string(), max: z.number().int().positive() })),
  defineEvent('Added', z.object({ counterId: z.string(), amount: z.number().int().positive() })),
  defineEvent('CounterClosed', z.object({ counterId: z.string() })),
]);

/** Refuses an `Add` that would pass the maximum (`counter.exceeds_max`) or comes after closing (`counter.closed`). */
export const counterDecider: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: () => ({ status: 'none', total: 0, max: 0 }),
  decide(command, state) {
    switch (command.command) {
      case 'OpenCounter':
        if (state.status !== 'none') throw new RuleViolationError('counter.exists', `Counter ${command.data.counterId} exists`);
        return [{ type: 'CounterOpened', data: command.data }];
      case 'Add':
        if (state.status === 'none') throw new RuleViolationError('counter.not_open', `Counter ${command.data.counterId} is not open`);
        if (state.status === 'closed') throw new RuleViolationError('counter.closed', `Counter ${command.data.counterId} is closed`);
        if (state.total + command.data.amount > state.max) {
          throw new RuleViolationError('counter.exceeds_max', `Counter ${command.data.counterId} would pass ${state.max}`);
        }
        return [{ type: 'Added', data: command.data }];
      case 'CloseCounter':
        if (state.status !== 'open') throw new RuleViolationError('counter.not_open', `Counter ${command.data.counterId} is not open`);
        return [{ type: 'CounterClosed', data: command.data }];
      default:
        return assertNever(command, 'counter command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'CounterOpened':
        return { status: 'open', total: 0, max: event.data.max };
      case 'Added':
        return { ...state, total: state.total + event.data.amount };
      case 'CounterClosed':
        return { ...state, status: 'closed' };
      default:
        return assertNever(event, 'counter event');
    }
  },
};

/** The stream of one counter. */
export const counterStream = (counterId: string): string => `counter-${counterId}`;

/** The kernel's command handler over {@link counterDecider}, with its default retries. */
export function createCounterHandler(eventStore: EventStore): (command: CounterCommand) => Promise<CommandResult<CounterState>> {
  return createCommandHandler({ eventStore, decider: counterDecider, streamId: (command) => counterStream(command.data.counterId) });
}
