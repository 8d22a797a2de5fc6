import { v5 as uuidv5 } from 'uuid';

/** Fixed namespace for event ids derived from command ids (uuid v5). Never change it: old ids must stay reproducible. */
export const THIDUA_EVENT_NAMESPACE = '6f1c9a8e-3b2d-5e47-9c1a-7d4e2b8f0a63';

/**
 * The id of the `index`-th event emitted by a command. Deterministic, so a
 * retried append carries the same ids and the store (or EventStoreDB's own
 * dedupe) recognises it.
 */
export function eventIdFor(commandId: string, index: number): string {
  return uuidv5(`${commandId}/${index}`, THIDUA_EVENT_NAMESPACE);
}
