/**
 * An event emitted by `decide`, before the store gives it an envelope.
 * `type` is the discriminant; `data` is the payload validated by the registry.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * The decider pattern: `decide` holds every rule and throws typed errors;
 * `evolve` holds none, is total, and never throws.
 *
 * @example
 * const counter: Decider<{ type: 'Add'; n: number }, DomainEvent<'Added', { n: number }>, number> = {
 *   initialState: () => 0,
 *   decide: (c) => [{ type: 'Added', data: { n: c.n } }],
 *   evolve: (s, e) => s + e.data.n,
 * };
 */
export interface Decider<Command, Event extends DomainEvent, State, Context = undefined> {
  initialState(): State;
  decide(command: Command, state: State, context: Context): Event[];
  evolve(state: State, event: Event): State;
}

/** Ends a `switch` over a union so that a new member fails to compile until handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}

/** Folds events into a state with a decider's `evolve`. */
export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<never, Event, State, never>, 'initialState' | 'evolve'>,
  events: Iterable<Event>,
  from: State = decider.initialState(),
): State {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
