import { assertNever, type Projection, type RecordedEvent } from '@thidua/eventsourcing';
import { thiduaRegistry } from '@thidua/domain';
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

/** The business time of an event: its `…At` field (DESIGN §3). */
function businessAt(e: RecordedThiduaEvent): string {
  switch (e.type) {
    case 'BlocEstablished':
      return e.data.establishedAt;
    case 'MemberAdmitted':
      return e.data.admittedAt;
    case 'MemberRemoved':
      return e.data.removedAt;
    case 'ChairFlagTransferred':
      return e.data.transferredAt;
    case 'DeputyChairElected':
      return e.data.electedAt;
    case 'CampaignLaunched':
      return e.data.launchedAt;
    case 'ScoringOpened':
    case 'ScoringClosed':
    case 'PledgeDisqualified':
    case 'PledgeWithdrawn':
      return e.data.at;
    case 'ReviewHeld':
      return e.data.heldAt;
    case 'RankAssigned':
      return e.data.assignedAt;
    case 'AwardProposed':
      return e.data.proposedAt;
    case 'CampaignClosed':
      return e.data.closedAt;
    case 'PledgeSigned':
      return e.data.signedAt;
    case 'ScoreRecorded':
      return e.data.scoredAt;
    case 'AdjustmentRecorded':
      return e.data.adjustedAt;
    default:
      return assertNever(e, 'event');
  }
}

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

function keys(event: RecordedEvent): string[] {
  const e = asThiduaEvent(event);
  return [
    `${auditStreamPrefix(e.streamId)}${pad(e.revision)}`,
    ...trailUnits(e).map((unitId) => `${auditUnitPrefix(unitId)}${pad(e.position)}`),
  ];
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
    businessAt: businessAt(e),
    recordedAt: e.recordedAt,
    actor: actor ? { id: actor.id, role: actor.role, unitId: actor.unitId ?? null } : null,
    commandId: commandId ?? null,
    correlationId: correlationId ?? null,
    causationId: causationId ?? null,
    units: subjects(e).sort(),
    data: e.data,
  };
}

/**
 * The audit trail (DESIGN §4): who did what, when, under which command — per
 * stream (`stream:<streamId>:<revision>`) and per unit
 * (`unit:<unitId>:<position>`, for events about the unit or by it).
 */
export const auditTrailProjection: Projection<AuditEntry> = {
  name: AUDIT_TRAIL_PROJECTION,
  version: 1,
  // Every event of the log's registry: the trail must miss nothing.
  handles: thiduaRegistry.types(),
  keys,
  apply(event, docs) {
    const entry = auditEntryOf(event);
    for (const key of keys(event)) docs.set(key, entry);
  },
};
