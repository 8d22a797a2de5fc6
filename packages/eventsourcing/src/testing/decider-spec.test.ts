import { AssertionError } from 'node:assert';
import type { Decider, DomainEvent } from '../decider/decider';
import { assertNever, fold } from '../decider/decider';
import { RuleViolationError } from '../errors/errors';
import { deciderSpec } from '.';

type Cmd = { type: 'Open' } | { type: 'Close' };
type Evt = DomainEvent<'Opened', Record<string, never>> | DomainEvent<'Closed', Record<string, never>>;

const door: Decider<Cmd, Evt, 'open' | 'closed'> = {
  initialState: () => 'closed',
  decide(command, state) {
    switch (command.type) {
      case 'Open':
        if (state === 'open') throw new RuleViolationError('door.already_open', 'The door is open');
        return [{ type: 'Opened', data: {} }];
      case 'Close':
        if (state === 'closed') throw new RuleViolationError('door.already_closed', 'The door is closed');
        return [{ type: 'Closed', data: {} }];
      default:
        return assertNever(command);
    }
  },
  evolve: (_state, event) => (event.type === 'Opened' ? 'open' : 'closed'),
};

describe('deciderSpec', () => {
  const spec = deciderSpec(door);
  const opened: Evt = { type: 'Opened', data: {} };

  it('passes on the expected events or rejection', () => {
    spec.given([]).when({ type: 'Open' }).then([opened]);
    spec.given([opened]).when({ type: 'Open' }).thenThrows('rule_violated', 'door.already_open');
    spec.given([opened]).when({ type: 'Open' }).then({ code: 'rule_violated' });
  });

  it('fails when the outcome differs, so a spec can never pass by accident', () => {
    expect(() => spec.given([]).when({ type: 'Open' }).then([])).toThrow(AssertionError);
    expect(() => spec.given([]).when({ type: 'Open' }).thenThrows('rule_violated')).toThrow(/but decide emitted \["Opened"\]/);
    expect(() => spec.given([opened]).when({ type: 'Open' }).thenThrows('forbidden')).toThrow(AssertionError);
    expect(() => spec.given([opened]).when({ type: 'Open' }).thenThrows('rule_violated', 'door.other')).toThrow(AssertionError);
    expect(() => spec.given([opened]).when({ type: 'Open' }).then([opened])).toThrow(/decide threw/);
  });

  it('folds with evolve and ends unhandled unions loudly', () => {
    expect(fold(door, [opened, { type: 'Closed', data: {} }, opened])).toBe('open');
    expect(() => assertNever('x' as never, 'command')).toThrow('Unhandled command: "x"');
  });
});
