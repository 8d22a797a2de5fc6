import { parsePledgeId, type ThiduaEvent } from '@thidua/domain';
import type { RecordedEvent } from '@thidua/eventsourcing';

/** A recorded thidua event, discriminated by `type` so that a `switch` narrows `data`. */
export type RecordedThiduaEvent = {
  [Type in ThiduaEvent['type']]: RecordedEvent<Type, Extract<ThiduaEvent, { type: Type }>['data']>;
}[ThiduaEvent['type']];

/** One recorded thidua event by type. */
export type RecordedThiduaEventOf<Type extends ThiduaEvent['type']> = Extract<RecordedThiduaEvent, { type: Type }>;

/** The type of every thidua event. */
export type ThiduaEventType = ThiduaEvent['type'];

/**
 * Narrows a recorded event to the thidua union. Sound because the event store
 * parses every payload with `thiduaRegistry` on read, and the
 * runner only passes a projection the types listed in its `handles`.
 */
export function asThiduaEvent(event: RecordedEvent): RecordedThiduaEvent {
  return event as RecordedThiduaEvent;
}

/**
 * The campaign and unit of a pledge id. Pledge events after `PledgeSigned`
 * carry only `pledgeId`; ids hold no dots, so it splits back exactly.
 */
export function pledgeParts(pledgeId: string): { campaignId: string; unitId: string } {
  // The domain owns the grammar; the hot paths (standings, progress) ask once per pledge, through pledgeLocator.
  const parts = parsePledgeId(pledgeId);
  // The registry validated the payload on read, so this only fires on a store read without it.
  if (!parts) throw new Error(`Invalid pledgeId ${JSON.stringify(pledgeId)}: expected <campaignId>.<unitId>`);
  return parts;
}

/**
 * Throws when a document an event depends on is missing: the log is out of
 * order or the projection is. Takes the parts of the message rather than the
 * message, which would be built for every event of a rebuild.
 */
export function required<T>(doc: T | undefined, kind: string, id: string): T {
  if (doc === undefined) throw new Error(`${kind} ${id} is unknown to this projection (its first event is missing)`);
  return doc;
}
