/**
 * Campaign events (phong trào / đợt thi đua of one bloc for one year),
 * DESIGN §3.
 */
import { defineEvent, type DomainEvent } from '@thidua/eventsourcing';
import { z } from 'zod';
import { dateTimeSchema, idSchema, pledgeIdSchema, pointsSchema, positivePointsSchema, textSchema, uniqueBy, yearSchema, requiredOr } from '../schemas';

/** The awards a bloc may propose (đề nghị khen thưởng). */
export const AWARD_KINDS = ['provincial-flag', 'government-flag', 'certificate-of-merit'] as const;
/** An award kind. */
export type AwardKind = (typeof AWARD_KINDS)[number];
/** The awards that are flags: they go only to units ranked within the number of flags the quotas allow. */
export const FLAG_AWARDS: readonly AwardKind[] = ['provincial-flag', 'government-flag'];
/** Quotas when `LaunchCampaign` names none (DESIGN §3). */
export const DEFAULT_AWARD_QUOTAS: Readonly<Record<AwardKind, number>> = {
  'provincial-flag': 1,
  'government-flag': 1,
  'certificate-of-merit': 3,
};

/** Review kinds: sơ kết (mid-year) and tổng kết (year-end). */
export const REVIEW_KINDS = ['mid-year', 'year-end'] as const;
/** A review kind. */
export type ReviewKind = (typeof REVIEW_KINDS)[number];

/** How ranks were set: computed from totals, or by the bloc's vote (bình bầu). */
export const RANK_BASES = ['score', 'vote'] as const;
/** A ranking basis. */
export type RankBasis = (typeof RANK_BASES)[number];

/** One criterion (chỉ tiêu) of the covenant. */
export const criterionSchema = z.object({
  criterionId: idSchema,
  title: textSchema(1000),
  maxPoints: positivePointsSchema,
});
/** A criterion of a campaign. */
export type Criterion = z.infer<typeof criterionSchema>;

/** The criteria of a campaign: at least one, ids unique. */
export const criteriaSchema = z
  .array(criterionSchema)
  .min(1, { message: 'must list at least one criterion' })
  .max(200, { message: 'must list at most 200 criteria' })
  .superRefine(uniqueBy((c: Criterion) => c.criterionId, 'criterionId'));

const quotaSchema = z
  .number(requiredOr('must be a whole number of awards'))
  .int({ message: 'must be a whole number of awards' })
  .min(0, { message: 'must be 0 or more' })
  .max(1000, { message: 'must be at most 1000' });

/** How many of each award a campaign may propose. */
export const awardQuotasSchema = z.object({
  'provincial-flag': quotaSchema,
  'government-flag': quotaSchema,
  'certificate-of-merit': quotaSchema,
});
/** Award quotas of a campaign. */
export type AwardQuotas = z.infer<typeof awardQuotasSchema>;

/** The bloc launched its campaign for a year, with the covenant's criteria. */
export const campaignLaunchedSchema = z.object({
  campaignId: idSchema,
  blocId: idSchema,
  year: yearSchema,
  title: textSchema(),
  criteria: criteriaSchema,
  bonusCap: pointsSchema,
  awardQuotas: awardQuotasSchema,
  launchedAt: dateTimeSchema,
});
/** Payload of `CampaignLaunched`. */
export type CampaignLaunchedData = z.infer<typeof campaignLaunchedSchema>;
/** Event definition of `CampaignLaunched` (v1). */
export const CampaignLaunched = defineEvent('CampaignLaunched', campaignLaunchedSchema);
/** A `CampaignLaunched` event. */
export type CampaignLaunchedEvent = DomainEvent<'CampaignLaunched', CampaignLaunchedData>;

/** Scoring opened. */
export const scoringOpenedSchema = z.object({ campaignId: idSchema, at: dateTimeSchema });
/** Payload of `ScoringOpened`. */
export type ScoringOpenedData = z.infer<typeof scoringOpenedSchema>;
/** Event definition of `ScoringOpened` (v1). */
export const ScoringOpened = defineEvent('ScoringOpened', scoringOpenedSchema);
/** A `ScoringOpened` event. */
export type ScoringOpenedEvent = DomainEvent<'ScoringOpened', ScoringOpenedData>;

/** Scoring closed: totals are final, ranking and awards may follow. */
export const scoringClosedSchema = z.object({ campaignId: idSchema, at: dateTimeSchema });
/** Payload of `ScoringClosed`. */
export type ScoringClosedData = z.infer<typeof scoringClosedSchema>;
/** Event definition of `ScoringClosed` (v1). */
export const ScoringClosed = defineEvent('ScoringClosed', scoringClosedSchema);
/** A `ScoringClosed` event. */
export type ScoringClosedEvent = DomainEvent<'ScoringClosed', ScoringClosedData>;

/** A review conference (sơ kết / tổng kết) was held, hosted by a member unit. */
export const reviewHeldSchema = z.object({
  campaignId: idSchema,
  kind: z.enum(REVIEW_KINDS, requiredOr('must be "mid-year" or "year-end"')),
  hostUnitId: idSchema,
  heldAt: dateTimeSchema,
});
/** Payload of `ReviewHeld`. */
export type ReviewHeldData = z.infer<typeof reviewHeldSchema>;
/** Event definition of `ReviewHeld` (v1). */
export const ReviewHeld = defineEvent('ReviewHeld', reviewHeldSchema);
/** A `ReviewHeld` event. */
export type ReviewHeldEvent = DomainEvent<'ReviewHeld', ReviewHeldData>;

/**
 * One pledge's rank. A ranking is one atomic append of one `RankAssigned` per
 * eligible pledge, ordered by rank then unitId; a later ranking supersedes it
 * (see `campaign.state.ts` for how a reader tells rankings apart).
 */
export const rankAssignedSchema = z.object({
  campaignId: idSchema,
  unitId: idSchema,
  pledgeId: pledgeIdSchema,
  rank: z.number().int().min(1),
  totalPoints: pointsSchema,
  basis: z.enum(RANK_BASES, requiredOr('must be "score" or "vote"')),
  assignedAt: dateTimeSchema,
});
/** Payload of `RankAssigned`. */
export type RankAssignedData = z.infer<typeof rankAssignedSchema>;
/** Event definition of `RankAssigned` (v1). */
export const RankAssigned = defineEvent('RankAssigned', rankAssignedSchema);
/** A `RankAssigned` event. */
export type RankAssignedEvent = DomainEvent<'RankAssigned', RankAssignedData>;

/** The bloc proposed an award for a unit. */
export const awardProposedSchema = z.object({
  campaignId: idSchema,
  unitId: idSchema,
  award: z.enum(AWARD_KINDS, requiredOr('must be "provincial-flag", "government-flag" or "certificate-of-merit"')),
  proposedAt: dateTimeSchema,
});
/** Payload of `AwardProposed`. */
export type AwardProposedData = z.infer<typeof awardProposedSchema>;
/** Event definition of `AwardProposed` (v1). */
export const AwardProposed = defineEvent('AwardProposed', awardProposedSchema);
/** An `AwardProposed` event. */
export type AwardProposedEvent = DomainEvent<'AwardProposed', AwardProposedData>;

/** The campaign is final: nothing more may be recorded in it or its pledges. */
export const campaignClosedSchema = z.object({ campaignId: idSchema, closedAt: dateTimeSchema });
/** Payload of `CampaignClosed`. */
export type CampaignClosedData = z.infer<typeof campaignClosedSchema>;
/** Event definition of `CampaignClosed` (v1). */
export const CampaignClosed = defineEvent('CampaignClosed', campaignClosedSchema);
/** A `CampaignClosed` event. */
export type CampaignClosedEvent = DomainEvent<'CampaignClosed', CampaignClosedData>;

/** Every event of a campaign stream. */
export type CampaignEvent =
  | CampaignLaunchedEvent
  | ScoringOpenedEvent
  | ScoringClosedEvent
  | ReviewHeldEvent
  | RankAssignedEvent
  | AwardProposedEvent
  | CampaignClosedEvent;

/** The campaign's event definitions, for the registry. */
export const campaignEventDefinitions = [
  CampaignLaunched,
  ScoringOpened,
  ScoringClosed,
  ReviewHeld,
  RankAssigned,
  AwardProposed,
  CampaignClosed,
] as const;
