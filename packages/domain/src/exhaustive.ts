/**
 * Ends an `evolve` switch. The `never` parameter makes a new event type fail
 * to compile until it is handled; at run time it returns the state unchanged,
 * because `evolve` must be total and never throw (the registry has already
 * refused any event this version does not know).
 */
export function unhandledEvent<State>(event: never, state: State): State {
  void event;
  return state;
}
