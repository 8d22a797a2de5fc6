import { assertNever, type DocumentEventHandler, type DocumentEventHandlers, type RecordedEvent } from '@thidua/eventsourcing';
import { businessTimeOf, THIDUA_EVENT_TYPES } from '@thidua/domain';
import { thiduaProjection } from '../documents';
import { asThiduaEvent, pledgeParts, type RecordedThiduaEvent } from '../thidua-event';
import type { AuditEntry } from './audit-trail.types';

/** Name of the audit-trail projection in the projection store. */
export const AUDIT_TRAIL_PROJECTION = 'audit-trail';

/*
 * One small document per entry, never a growing list: an event writes one
 * new document per trail it belongs to and rewrites nothing, so appending to
 * a long trail costs the same as to a short one. Keys end in the revision or
 * position zero-padded to 20 digits (a bigint up to 2^64 fits), so the
 * store's key order is log order and a prefix lists one trail.
 */
const pad = (n: bigint): string => n.toString().padStart(20, '0');

/** Key prefix listing one stream's trail. Stream ids hold no `:`, so one stream's prefix never matches another's. */
export const auditStreamPrefix = (streamId: string): string => `stream:${streamId}:`;
/** Key prefix listing one unit's trail. */
export const auditUnitPrefix = (unitId: string): string => `unit:${unitId}:`;

/** The units an event is about. */
function subjects(e: RecordedThiduaEvent): string[] {
  switch (e.type) {
    case 'BlocEstablished':
    case 'CampaignLaunched':
    case 'ScoringOpened':
    case 'ScoringClosed':
    case 'CampaignClosed':
      return [];
    case 'MemberAdmitted':
    case 'MemberRemoved':
    case 'DeputyChairElected':
    case 'RankAssigned':
    case 'AwardProposed':
    case 'PledgeSigned':
      return [e.data.unitId];
    case 'ChairFlagTransferred':
      return e.data.fromUnitId === null ? [e.data.toUnitId] : [e.data.fromUnitId, e.data.toUnitId];
    case 'ReviewHeld':
      return [e.data.hostUnitId];
    case 'AwardDecided':
      return [e.data.unitId];
    case 'PledgesClassified':
      return e.data.classes.map((entry) => entry.unitId);
    case 'ScoreRecorded':
    case 'AdjustmentRecorded':
    case 'PledgeDisqualified':
    case 'PledgeWithdrawn':
      return [pledgeParts(e.data.pledgeId).unitId];
    default:
      return assertNever(e, 'event');
  }
}

/** Units whose trail holds the event: those it is about, and the acting unit. */
function trailUnits(e: RecordedThiduaEvent): string[] {
  const units = new Set(subjects(e));
  const actorUnit = e.metadata.actor?.unitId;
  if (actorUnit !== undefined) units.add(actorUnit);
  return [...units];
}

function keys(e: RecordedThiduaEvent): string[] {
  return [`${auditStreamPrefix(e.streamId)}${pad(e.revision)}`, ...trailUnits(e).map((unitId) => `${auditUnitPrefix(unitId)}${pad(e.position)}`)];
}

/** The entry written for an event (the same document in every trail it belongs to). */
export function auditEntryOf(event: RecordedEvent): AuditEntry {
  const e = asThiduaEvent(event);
  const { actor, commandId, correlationId, causationId } = e.metadata;
  return {
    position: e.position.toString(),
    streamId: e.streamId,
    revision: e.revision.toString(),
    eventId: e.id,
    type: e.type,
    businessAt: businessTimeOf(e),
    recordedAt: e.recordedAt,
    actor: actor ? { id: actor.id, role: actor.role, unitId: actor.unitId ?? null } : null,
    commandId: commandId ?? null,
    correlationId: correlationId ?? null,
    causationId: causationId ?? null,
    units: subjects(e).sort(),
    data: e.data,
  };
}

/** Every event is one entry, whatever its type. */
const entry: DocumentEventHandler<RecordedThiduaEvent, AuditEntry> = {
  ids: keys,
  evolve(docs, e) {
    const written = auditEntryOf(e);
    for (const key of keys(e)) docs.set(key, written);
  },
};

/**
 * The audit trail: who did what, when, under which command — per stream
 * (`stream:<streamId>:<revision>`) and per unit (`unit:<unitId>:<position>`,
 * for events about the unit or by it).
 */
export const auditTrailProjection = thiduaProjection<AuditEntry>({
  name: AUDIT_TRAIL_PROJECTION,
  version: 1,
  // Every event type of the domain: the trail must miss nothing. One handler serves them all, so the
  // list is built from the types; a handler for the whole union serves each of its members.
  on: Object.fromEntries(THIDUA_EVENT_TYPES.map((type) => [type, entry])) as DocumentEventHandlers<RecordedThiduaEvent, AuditEntry>,
});
