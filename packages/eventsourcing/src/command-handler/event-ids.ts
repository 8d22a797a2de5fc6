import { v5 as uuidv5 } from 'uuid';

/** Fixed namespace for event ids derived from command ids (uuid v5). Never change it: ids must stay reproducible. */
export const THIDUA_EVENT_NAMESPACE = '6f1c9a8e-3b2d-5e47-9c1a-7d4e2b8f0a63';

/**
 * The id of the `index`-th event a command appends to `streamId`.
 * Deterministic, so a re-sent command carries the same ids and the store
 * (or EventStoreDB's own dedupe) recognises it; derived from the stream as
 * well as the command, so one `commandId` used on two streams never gives
 * two events the same id (ids are unique in the whole store).
 *
 * Events recorded before the stream was part of the derivation keep their
 * ids (uuid v5 of `<commandId>/<index>`): an id is never recomputed from an
 * event, so they read, verify, export and import as before, and a command
 * re-sent against them is still recognised by its `commandId`.
 */
export function eventIdFor(commandId: string, streamId: string, index: number): string {
  // A JSON array keeps the three parts apart whatever characters a command id holds.
  return uuidv5(JSON.stringify([commandId, streamId, index]), THIDUA_EVENT_NAMESPACE);
}
