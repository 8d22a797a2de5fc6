import type { CounterCommand } from './counter-decider';

/** The counters the workload fights over, each opened with {@link COUNTER_MAX}. */
export const WORKLOAD_COUNTERS = ['c0', 'c1', 'c2'] as const;
/** High enough that only the deliberately oversized additions pass it. */
export const COUNTER_MAX = 1_000;
/** The counter replica 0 closes half-way, so that later additions to it are refused by a rule. */
export const CLOSED_COUNTER = 'c2';

const actor = { id: 'tester', role: 'council' };

/** Opens every workload counter; fixed ids, so running it twice appends nothing the second time. */
export function openCounters(): CounterCommand[] {
  return WORKLOAD_COUNTERS.map((counterId) => ({
    command: 'OpenCounter',
    commandId: `setup-${counterId}`,
    actor,
    data: { counterId, max: COUNTER_MAX },
  }));
}

/** One addition, as a caller would send it. */
export function addTo(commandId: string, counterId: string, amount: number): CounterCommand {
  return { command: 'Add', commandId, actor, data: { counterId, amount } };
}

/**
 * The commands replica `replica` (0, 1, 2…) sends, in order. Round `i` of
 * every replica goes to the same counter, so replicas that start a round
 * together conflict. Every fourth round is a `shared-<i>` command that every
 * replica sends identically (a client retrying through another replica);
 * round 5 adds more than the maximum; replica 0 closes {@link CLOSED_COUNTER}
 * in the first round past the middle that targets it.
 */
export function counterWorkload(replica: number, count: number): CounterCommand[] {
  const counterOf = (round: number) => WORKLOAD_COUNTERS[round % WORKLOAD_COUNTERS.length]!;
  let closeRound = Math.ceil(count / 2);
  while (counterOf(closeRound) !== CLOSED_COUNTER || closeRound % 4 === 0 || closeRound === 5) closeRound += 1;
  return Array.from({ length: count }, (_, round): CounterCommand => {
    const counterId = counterOf(round);
    if (round % 4 === 0) return addTo(`shared-${round}`, counterId, 1);
    if (round === 5) return addTo(`r${replica}-${round}`, counterId, COUNTER_MAX + 1);
    if (replica === 0 && round === closeRound) return { command: 'CloseCounter', commandId: `r0-close`, actor, data: { counterId } };
    return addTo(`r${replica}-${round}`, counterId, 1 + ((round + replica) % 3));
  });
}
