/**
 * One line of the audit trail: who did what, when, under which command.
 * Positions and revisions are decimal strings (documents are JSON, which has
 * no bigint), as in the NDJSON interchange format.
 */
export interface AuditEntry {
  /** Global position in the log. */
  position: string;
  streamId: string;
  /** Revision within `streamId`. */
  revision: string;
  eventId: string;
  type: string;
  /** The business time the command gave: the event's `…At` field (`signedAt`, `scoredAt`, `at`…). */
  businessAt: string | null;
  /** The store's clock at append. */
  recordedAt: string;
  /** Who issued the command; null for events appended without an actor (a raw import, say). */
  actor: { id: string; role: string; unitId: string | null } | null;
  commandId: string | null;
  correlationId: string | null;
  causationId: string | null;
  /** Units the event is about (a pledge's unit, the flag's giver and taker, a review's host…), sorted. */
  units: string[];
  /** The event's payload, as recorded. */
  data: unknown;
}

