import { deepStrictEqual, fail, strictEqual } from 'node:assert/strict';
import type { Decider, DomainEvent } from '../decider/decider';
import type { ErrorCode } from '../errors/thidua-error';

/** What a rejected command must throw: the error `code` and, for `rule_violated`, the rule. */
export interface ExpectedRejection {
  code: ErrorCode;
  rule?: string;
}

export interface DeciderThen<E> {
  /** Asserts the events emitted, or (given a rejection) that the command threw it and emitted nothing. */
  then(expected: readonly E[] | ExpectedRejection): void;
  /** Shorthand for `then({ code, rule })`. */
  thenThrows(code: ErrorCode, rule?: string): void;
}

/**
 * given/when/then over a decider, without a store. Works with any test
 * runner: failures are `node:assert` errors.
 *
 * @example
 * const spec = deciderSpec(pledgeDecider);
 * spec.given([signed]).when(recordScore(11), context).thenThrows('rule_violated', 'score.exceeds_max');
 */
export function deciderSpec<C, E extends DomainEvent, S, Ctx>(decider: Decider<C, E, S, Ctx>) {
  return {
    given(events: readonly E[]) {
      return {
        when(command: C, ...context: Ctx extends undefined ? [context?: Ctx] : [context: Ctx]): DeciderThen<E> {
          const run = (): { events: E[] } | { error: unknown } => {
            let state = decider.initialState();
            for (const event of events) state = decider.evolve(state, event);
            try {
              return { events: decider.decide(command, state, context[0] as Ctx) };
            } catch (error) {
              return { error };
            }
          };
          const then = (expected: readonly E[] | ExpectedRejection) => {
            const outcome = run();
            if (Array.isArray(expected)) {
              if ('error' in outcome) fail(`expected events, but decide threw: ${describe(outcome.error)}`);
              deepStrictEqual(outcome.events, expected);
              return;
            }
            const rejection = expected as ExpectedRejection;
            if (!('error' in outcome)) {
              fail(`expected ${rejection.code}${rejection.rule ? ` (${rejection.rule})` : ''}, but decide emitted ${JSON.stringify(outcome.events.map((e) => e.type))}`);
            }
            const error = outcome.error as { code?: unknown; rule?: unknown };
            strictEqual(error.code, rejection.code, `error code (${describe(outcome.error)})`);
            if (rejection.rule !== undefined) strictEqual(error.rule, rejection.rule, `rule (${describe(outcome.error)})`);
          };
          return { then, thenThrows: (code, rule) => then(rule === undefined ? { code } : { code, rule }) };
        },
      };
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
