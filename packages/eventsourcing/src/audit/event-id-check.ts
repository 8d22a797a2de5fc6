import { v5 as uuidv5 } from 'uuid';
import type { RecordedEvent } from '../envelope/envelope';
import { eventIdFor, THIDUA_EVENT_NAMESPACE } from '../command-handler/event-ids';

/**
 * Checks every event id against the id the command handler derives from
 * the event's `commandId`, its stream and its index in the command's append.
 * The hash chain does not cover ids, so this is what shows an id changed in
 * the database. Events without a `commandId` (appended directly, with ids
 * the caller chose or the kernel drew) are exempt. Ids recorded before the
 * stream was part of the derivation (`<commandId>/<index>`) are accepted.
 */
export class EventIdCheck {
  /** Per stream, the command whose append the last event belonged to, and that append's first revision. */
  private readonly batches = new Map<string, { commandId: string; firstRevision: bigint }>();

  /** The problem with this event's id, or `null` (also for an exempt event). */
  check(event: RecordedEvent): string | null {
    const commandId = event.metadata?.commandId;
    if (typeof commandId !== 'string') {
      this.batches.delete(event.streamId);
      return null;
    }
    // One command's events are one atomic append: consecutive revisions of one stream.
    let batch = this.batches.get(event.streamId);
    if (!batch || batch.commandId !== commandId) {
      batch = { commandId, firstRevision: event.revision };
      this.batches.set(event.streamId, batch);
    }
    const index = Number(event.revision - batch.firstRevision);
    const expected = eventIdFor(commandId, event.streamId, index);
    if (event.id === expected || event.id === uuidv5(`${commandId}/${index}`, THIDUA_EVENT_NAMESPACE)) return null;
    return `event id ${event.id} is not the id derived from its command ${JSON.stringify(commandId)} (event ${index} of it in ${event.streamId}): ${expected} was expected`;
  }
}
