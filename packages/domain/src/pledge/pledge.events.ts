/**
 * Pledge events (đăng ký / giao ước thi đua of one unit in one campaign).
 * See docs/domain.md.
 */
import { defineEvent } from '@thidua/eventsourcing';
import { z } from 'zod';
import type { EventOf } from '../event-types';
import { dateTimeSchema, idSchema, pledgeIdSchema, pointsSchema, positivePointsSchema, textSchema, uniqueList, requiredOr } from '../schemas';
import { ASSESSORS } from '../scoring';

/** What a unit commits to for one criterion. */
export const targetSchema = z.object({
  criterionId: idSchema,
  commitment: textSchema(2000),
});
/** One target of a pledge. */
export type Target = z.infer<typeof targetSchema>;

/** A pledge's targets: criterion ids unique. */
export const targetsSchema = uniqueList(targetSchema, (t) => t.criterionId, 'criterionId', { max: { count: 200, message: 'must list at most 200 targets' } });

/** A member unit signed the covenant (ký kết giao ước) of a campaign. */
export const pledgeSignedSchema = z.object({
  pledgeId: pledgeIdSchema,
  campaignId: idSchema,
  blocId: idSchema,
  unitId: idSchema,
  signedBy: textSchema(200),
  targets: targetsSchema,
  signedAt: dateTimeSchema,
});
/** Event definition of `PledgeSigned` (v1). */
export const PledgeSigned = defineEvent('PledgeSigned', pledgeSignedSchema);

/** Points for one criterion, by the unit itself, a cross assessment or the verified assessment. */
export const scoreRecordedSchema = z.object({
  pledgeId: pledgeIdSchema,
  criterionId: idSchema,
  points: pointsSchema,
  assessor: z.enum(ASSESSORS, requiredOr('must be "self", "cross" or "verified"')),
  note: textSchema(2000).optional(),
  scoredAt: dateTimeSchema,
});
/** Event definition of `ScoreRecorded` (v1). */
export const ScoreRecorded = defineEvent('ScoreRecorded', scoreRecordedSchema);

/** A bonus (điểm thưởng) or deduction (điểm trừ). */
export const adjustmentRecordedSchema = z.object({
  pledgeId: pledgeIdSchema,
  kind: z.enum(['bonus', 'deduction'], requiredOr('must be "bonus" or "deduction"')),
  points: positivePointsSchema,
  reason: textSchema(2000),
  adjustedAt: dateTimeSchema,
});
/** Event definition of `AdjustmentRecorded` (v1). */
export const AdjustmentRecorded = defineEvent('AdjustmentRecorded', adjustmentRecordedSchema);

/** The pledge was disqualified: it is no longer ranked nor awarded. */
export const pledgeDisqualifiedSchema = z.object({ pledgeId: pledgeIdSchema, reason: textSchema(2000), at: dateTimeSchema });
/** Event definition of `PledgeDisqualified` (v1). */
export const PledgeDisqualified = defineEvent('PledgeDisqualified', pledgeDisqualifiedSchema);

/** The unit withdrew its pledge: it is no longer ranked nor awarded. */
export const pledgeWithdrawnSchema = z.object({ pledgeId: pledgeIdSchema, reason: textSchema(2000), at: dateTimeSchema });
/** Event definition of `PledgeWithdrawn` (v1). */
export const PledgeWithdrawn = defineEvent('PledgeWithdrawn', pledgeWithdrawnSchema);


/** The pledge's event definitions, for the registry. */
export const pledgeEventDefinitions = [
  PledgeSigned,
  ScoreRecorded,
  AdjustmentRecorded,
  PledgeDisqualified,
  PledgeWithdrawn,
] as const;

/** Every event of a pledge stream. */
export type PledgeEvent = EventOf<(typeof pledgeEventDefinitions)[number]>;
