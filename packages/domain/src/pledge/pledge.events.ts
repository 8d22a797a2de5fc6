/**
 * Pledge events (đăng ký / giao ước thi đua of one unit in one campaign),
 * DESIGN §3.
 */
import { defineEvent, type DomainEvent } from '@thidua/eventsourcing';
import { z } from 'zod';
import { dateTimeSchema, idSchema, pledgeIdSchema, pointsSchema, positivePointsSchema, textSchema, uniqueBy, requiredOr } from '../schemas';
import { ASSESSORS } from '../scoring';

/** What a unit commits to for one criterion. */
export const targetSchema = z.object({
  criterionId: idSchema,
  commitment: textSchema(2000),
});
/** One target of a pledge. */
export type Target = z.infer<typeof targetSchema>;

/** A pledge's targets: criterion ids unique. */
export const targetsSchema = z
  .array(targetSchema)
  .max(200, { message: 'must list at most 200 targets' })
  .superRefine(uniqueBy((t: Target) => t.criterionId, 'criterionId'));

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
/** Payload of `PledgeSigned`. */
export type PledgeSignedData = z.infer<typeof pledgeSignedSchema>;
/** Event definition of `PledgeSigned` (v1). */
export const PledgeSigned = defineEvent('PledgeSigned', pledgeSignedSchema);
/** A `PledgeSigned` event. */
export type PledgeSignedEvent = DomainEvent<'PledgeSigned', PledgeSignedData>;

/** Points for one criterion, by the unit itself, a cross assessment or the verified assessment. */
export const scoreRecordedSchema = z.object({
  pledgeId: pledgeIdSchema,
  criterionId: idSchema,
  points: pointsSchema,
  assessor: z.enum(ASSESSORS, requiredOr('must be "self", "cross" or "verified"')),
  note: textSchema(2000).optional(),
  scoredAt: dateTimeSchema,
});
/** Payload of `ScoreRecorded`. */
export type ScoreRecordedData = z.infer<typeof scoreRecordedSchema>;
/** Event definition of `ScoreRecorded` (v1). */
export const ScoreRecorded = defineEvent('ScoreRecorded', scoreRecordedSchema);
/** A `ScoreRecorded` event. */
export type ScoreRecordedEvent = DomainEvent<'ScoreRecorded', ScoreRecordedData>;

/** A bonus (điểm thưởng) or deduction (điểm trừ). */
export const adjustmentRecordedSchema = z.object({
  pledgeId: pledgeIdSchema,
  kind: z.enum(['bonus', 'deduction'], requiredOr('must be "bonus" or "deduction"')),
  points: positivePointsSchema,
  reason: textSchema(2000),
  adjustedAt: dateTimeSchema,
});
/** Payload of `AdjustmentRecorded`. */
export type AdjustmentRecordedData = z.infer<typeof adjustmentRecordedSchema>;
/** Event definition of `AdjustmentRecorded` (v1). */
export const AdjustmentRecorded = defineEvent('AdjustmentRecorded', adjustmentRecordedSchema);
/** An `AdjustmentRecorded` event. */
export type AdjustmentRecordedEvent = DomainEvent<'AdjustmentRecorded', AdjustmentRecordedData>;

/** The pledge was disqualified: it is no longer ranked nor awarded. */
export const pledgeDisqualifiedSchema = z.object({ pledgeId: pledgeIdSchema, reason: textSchema(2000), at: dateTimeSchema });
/** Payload of `PledgeDisqualified`. */
export type PledgeDisqualifiedData = z.infer<typeof pledgeDisqualifiedSchema>;
/** Event definition of `PledgeDisqualified` (v1). */
export const PledgeDisqualified = defineEvent('PledgeDisqualified', pledgeDisqualifiedSchema);
/** A `PledgeDisqualified` event. */
export type PledgeDisqualifiedEvent = DomainEvent<'PledgeDisqualified', PledgeDisqualifiedData>;

/** The unit withdrew its pledge: it is no longer ranked nor awarded. */
export const pledgeWithdrawnSchema = z.object({ pledgeId: pledgeIdSchema, reason: textSchema(2000), at: dateTimeSchema });
/** Payload of `PledgeWithdrawn`. */
export type PledgeWithdrawnData = z.infer<typeof pledgeWithdrawnSchema>;
/** Event definition of `PledgeWithdrawn` (v1). */
export const PledgeWithdrawn = defineEvent('PledgeWithdrawn', pledgeWithdrawnSchema);
/** A `PledgeWithdrawn` event. */
export type PledgeWithdrawnEvent = DomainEvent<'PledgeWithdrawn', PledgeWithdrawnData>;

/** Every event of a pledge stream. */
export type PledgeEvent =
  | PledgeSignedEvent
  | ScoreRecordedEvent
  | AdjustmentRecordedEvent
  | PledgeDisqualifiedEvent
  | PledgeWithdrawnEvent;

/** The pledge's event definitions, for the registry. */
export const pledgeEventDefinitions = [
  PledgeSigned,
  ScoreRecorded,
  AdjustmentRecorded,
  PledgeDisqualified,
  PledgeWithdrawn,
] as const;
