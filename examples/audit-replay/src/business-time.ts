import type { ThiduaEvent, ThiduaEventType } from '@thidua/domain';
import { ValidationError, type RecordedEvent } from '@thidua/eventsourcing';

/**
 * The payload field holding each event's business time (the `…At`
 * fields come from the command, so imported history keeps its real dates).
 * Typed so that a new event type, or a renamed field, fails to compile here.
 */
export const BUSINESS_TIME_FIELD = {
  BlocEstablished: 'establishedAt',
  MemberAdmitted: 'admittedAt',
  MemberRemoved: 'removedAt',
  ChairFlagTransferred: 'transferredAt',
  DeputyChairElected: 'electedAt',
  CampaignLaunched: 'launchedAt',
  ScoringOpened: 'at',
  ScoringClosed: 'at',
  ReviewHeld: 'heldAt',
  RankAssigned: 'assignedAt',
  AwardProposed: 'proposedAt',
  CampaignClosed: 'closedAt',
  AwardDecided: 'decidedAt',
  PledgesClassified: 'classifiedAt',
  PledgeSigned: 'signedAt',
  ScoreRecorded: 'scoredAt',
  AdjustmentRecorded: 'adjustedAt',
  PledgeDisqualified: 'at',
  PledgeWithdrawn: 'at',
} as const satisfies { [Type in ThiduaEventType]: keyof Extract<ThiduaEvent, { type: Type }>['data'] };

/**
 * The business time of an event parsed by `thiduaRegistry` (so in its
 * current schema version), e.g. `2014-02-13T10:00:00+07:00`.
 */
export function businessTimeOf(event: RecordedEvent): string {
  const field = (BUSINESS_TIME_FIELD as Record<string, string>)[event.type];
  const value = field === undefined ? undefined : (event.data as Record<string, unknown>)[field];
  // The registry validated the payload, so this only fires for a type the registry does not know.
  if (typeof value !== 'string') throw new Error(`Event ${event.type} has no business time`);
  return value;
}

/**
 * An auditor's "as of": the end of a calendar day, or an instant.
 *
 * - `2014-02-01` (a date): every event whose business date, *as written in
 *   its own offset*, is on or before that day. `2014-02-01T23:30:00+07:00`
 *   is on the 1st in Tây Ninh even though it is the 1st at 16:30 UTC, and an
 *   event of the 2nd is not included whatever the reader's time zone.
 * - `2014-02-01T12:00:00+07:00` (an instant, with offset): every event whose
 *   business time is at or before that instant.
 */
export type AsOfCut = { kind: 'day'; day: string } | { kind: 'instant'; instant: string; epochMs: number };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an as-of argument; `validation_failed` for anything but a valid date or an instant with offset. */
export function parseAsOf(text: string): AsOfCut {
  const day = DAY.exec(text);
  if (day) {
    const [, y, m, d] = day as unknown as [string, string, string, string];
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    if (date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d)) {
      return { kind: 'day', day: text };
    }
  } else if (INSTANT.test(text) && !Number.isNaN(Date.parse(text))) {
    return { kind: 'instant', instant: text, epochMs: Date.parse(text) };
  }
  throw new ValidationError(`Invalid as-of ${JSON.stringify(text)}`, [
    { path: 'asOf', message: 'must be a date (2014-02-01) or an ISO-8601 instant with offset (2014-02-01T12:00:00+07:00)' },
  ]);
}

/** True when a business time is within the cut. */
export function isWithin(businessTime: string, cut: AsOfCut): boolean {
  if (cut.kind === 'day') return businessTime.slice(0, 10) <= cut.day;
  return Date.parse(businessTime) <= cut.epochMs;
}
