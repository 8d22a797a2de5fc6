/**
 * The counter aggregate the kernel's tests drive the command handler with: a
 * rule to break (never above 10), a command that decides nothing (n = 0), and
 * one that records two events (n > 5).
 */
import type { Decider, DomainEvent } from '../decider/decider';
import { RuleViolationError } from '../errors/errors';
import type { Command } from './command';

export type Add = Command<'Add', { counter: string; n: number }>;
export type Added = DomainEvent<'Added', { n: number }>;

export const counter: Decider<Add, Added, number> = {
  initialState: () => 0,
  decide(command, state) {
    if (command.data.n === 0) return [];
    if (state + command.data.n > 10) throw new RuleViolationError('counter.over_ten', 'A counter never exceeds 10');
    return [{ type: 'Added', data: { n: command.data.n } }, ...(command.data.n > 5 ? [{ type: 'Added' as const, data: { n: 0 } }] : [])];
  },
  evolve: (state, event) => state + event.data.n,
};

export const actor = { id: 'tester', role: 'council' };

/** An `Add` of `n` to counter `name`, by {@link actor}. */
export const add = (commandId: string, n: number, name = 'c1'): Add => ({ command: 'Add', commandId, actor, data: { counter: name, n } });
