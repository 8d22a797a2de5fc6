/**
 * Campaign events (phong trào / đợt thi đua of one bloc for one year).
 * See docs/domain.md.
 */
import { defineEvent } from '@thidua/eventsourcing';
import { z } from 'zod';
import type { EventOf } from '../event-types';
import { dateTimeSchema, idSchema, pledgeIdSchema, pointsSchema, positivePointsSchema, textSchema, uniqueList, yearSchema, requiredOr } from '../schemas';
import { AWARD_KINDS, awardCatalogueSchema, awardQuotasSchema } from './award-catalogue';
import { CLASS_BASES, criteriaGroupsSchema, tiersSchema, type CriteriaGroup } from './classes';

/** Review kinds: sơ kết (mid-year) and tổng kết (year-end). */
export const REVIEW_KINDS = ['mid-year', 'year-end'] as const;
/** A review kind. */
export type ReviewKind = (typeof REVIEW_KINDS)[number];

/** How ranks were set: computed from totals, or by the bloc's vote (bình bầu). */
export const RANK_BASES = ['score', 'vote'] as const;
/** A ranking basis. */
export type RankBasis = (typeof RANK_BASES)[number];

/** One criterion (chỉ tiêu) of the covenant; `groupId` names its criteria group, when it has one. */
export const criterionSchema = z.object({
  criterionId: idSchema,
  title: textSchema(1000),
  maxPoints: positivePointsSchema,
  groupId: idSchema.optional(),
});
/** A criterion of a campaign. */
export type Criterion = z.infer<typeof criterionSchema>;

/** The criteria of a campaign: at least one, ids unique. */
export const criteriaSchema = uniqueList(criterionSchema, (c) => c.criterionId, 'criterionId', {
  min: { count: 1, message: 'must list at least one criterion' },
  max: { count: 200, message: 'must list at most 200 criteria' },
});

/**
 * Rules of a launch that span fields, shared by the command and the event:
 * every `groupId` a criterion uses is declared in `groups`, and quotas come
 * either from the catalogue or from `awardQuotas`, never both.
 */
export function refineLaunch(
  data: { criteria: readonly Criterion[]; groups?: readonly CriteriaGroup[] | undefined; awards?: unknown; awardQuotas?: unknown },
  context: z.core.$RefinementCtx,
  quotasRequired: boolean,
): void {
  const declared = new Set((data.groups ?? []).map((group) => group.groupId));
  data.criteria.forEach((criterion, index) => {
    if (criterion.groupId !== undefined && !declared.has(criterion.groupId)) {
      context.addIssue({
        code: 'custom',
        path: ['criteria', index, 'groupId'],
        message: `names group "${criterion.groupId}", which groups does not declare`,
        input: criterion.groupId,
      });
    }
  });
  if (data.awards !== undefined && data.awardQuotas !== undefined) {
    context.addIssue({ code: 'custom', path: ['awardQuotas'], message: 'must be left out when awards is given: each award carries its quota', input: data.awardQuotas });
  }
  if (quotasRequired && data.awards === undefined && data.awardQuotas === undefined) {
    context.addIssue({ code: 'custom', path: ['awardQuotas'], message: 'is required when awards is left out', input: undefined });
  }
}

/** What v1 launches held (read back and lifted to v2 unchanged: v2 only adds optional fields). */
const campaignLaunchedV1Schema = z.object({
  campaignId: idSchema,
  blocId: idSchema,
  year: yearSchema,
  title: textSchema(),
  criteria: z.array(z.object({ criterionId: idSchema, title: textSchema(1000), maxPoints: positivePointsSchema })).min(1).max(200),
  bonusCap: pointsSchema,
  awardQuotas: awardQuotasSchema,
  launchedAt: dateTimeSchema,
});

/**
 * The bloc launched its campaign for a year, with the covenant's criteria.
 * v2 adds, all optional: `awards` (the catalogue; then no `awardQuotas`),
 * `tiers` (classes, best first), `groups` and each criterion's `groupId`.
 */
export const campaignLaunchedSchema = z.object({
  campaignId: idSchema,
  blocId: idSchema,
  year: yearSchema,
  title: textSchema(),
  criteria: criteriaSchema,
  bonusCap: pointsSchema,
  awardQuotas: awardQuotasSchema.optional(),
  awards: awardCatalogueSchema.optional(),
  tiers: tiersSchema.optional(),
  groups: criteriaGroupsSchema.optional(),
  launchedAt: dateTimeSchema,
});
/** Event definition of `CampaignLaunched` (v2; a v1 payload is a valid v2 one). */
export const CampaignLaunched = defineEvent(
  'CampaignLaunched',
  campaignLaunchedSchema.superRefine((data, context) => refineLaunch(data, context, true)),
  { version: 2, history: { 1: { schema: campaignLaunchedV1Schema, upcast: (data) => data } } },
);

/** Scoring opened. */
export const scoringOpenedSchema = z.object({ campaignId: idSchema, at: dateTimeSchema });
/** Event definition of `ScoringOpened` (v1). */
export const ScoringOpened = defineEvent('ScoringOpened', scoringOpenedSchema);

/** Scoring closed: totals are final, ranking and awards may follow. */
export const scoringClosedSchema = z.object({ campaignId: idSchema, at: dateTimeSchema });
/** Event definition of `ScoringClosed` (v1). */
export const ScoringClosed = defineEvent('ScoringClosed', scoringClosedSchema);

/** A review conference (sơ kết / tổng kết) was held, hosted by a member unit. */
export const reviewHeldSchema = z.object({
  campaignId: idSchema,
  kind: z.enum(REVIEW_KINDS, requiredOr('must be "mid-year" or "year-end"')),
  hostUnitId: idSchema,
  heldAt: dateTimeSchema,
});
/** Event definition of `ReviewHeld` (v1). */
export const ReviewHeld = defineEvent('ReviewHeld', reviewHeldSchema);

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
/** Event definition of `RankAssigned` (v1). */
export const RankAssigned = defineEvent('RankAssigned', rankAssignedSchema);

/** The bloc proposed an award of its campaign's catalogue for a unit (v2: `award` is an `awardId`, no longer one of three). */
export const awardProposedSchema = z.object({ campaignId: idSchema, unitId: idSchema, award: idSchema, proposedAt: dateTimeSchema });
/** Event definition of `AwardProposed` (v2; a v1 payload is a valid v2 one). */
export const AwardProposed = defineEvent('AwardProposed', awardProposedSchema, {
  version: 2,
  history: {
    1: {
      schema: z.object({ campaignId: idSchema, unitId: idSchema, award: z.enum(AWARD_KINDS), proposedAt: dateTimeSchema }),
      upcast: (data) => data,
    },
  },
});

/** What the authority's decision (quyết định khen thưởng) said of a proposal. */
export const AWARD_OUTCOMES = ['granted', 'declined'] as const;
/** An award decision's outcome. */
export type AwardOutcome = (typeof AWARD_OUTCOMES)[number];

/** The council decided a proposed award: granted or declined, under its decision's reference. */
export const awardDecidedSchema = z.object({
  campaignId: idSchema,
  unitId: idSchema,
  award: idSchema,
  outcome: z.enum(AWARD_OUTCOMES, requiredOr('must be "granted" or "declined"')),
  decisionRef: textSchema(200),
  decidedAt: dateTimeSchema,
});
/** Event definition of `AwardDecided` (v1). */
export const AwardDecided = defineEvent('AwardDecided', awardDecidedSchema);

/** One pledge's class in a classification. */
export const classEntrySchema = z.object({ unitId: idSchema, pledgeId: pledgeIdSchema, tierId: idSchema });

/**
 * The eligible pledges were classified (xếp loại): one event for the whole
 * classification, ordered by tier (best first) then unitId; a pledge left
 * without a tier is not listed. A later classification supersedes it whole.
 */
export const pledgesClassifiedSchema = z.object({
  campaignId: idSchema,
  basis: z.enum(CLASS_BASES, requiredOr('must be "score" or "vote"')),
  classes: z.array(classEntrySchema).max(1000),
  classifiedAt: dateTimeSchema,
});
/** Event definition of `PledgesClassified` (v1). */
export const PledgesClassified = defineEvent('PledgesClassified', pledgesClassifiedSchema);

/** The campaign is final: nothing more may be recorded in it or its pledges. */
export const campaignClosedSchema = z.object({ campaignId: idSchema, closedAt: dateTimeSchema });
/** Event definition of `CampaignClosed` (v1). */
export const CampaignClosed = defineEvent('CampaignClosed', campaignClosedSchema);

/** The campaign's event definitions, for the registry. */
export const campaignEventDefinitions = [
  CampaignLaunched,
  ScoringOpened,
  ScoringClosed,
  ReviewHeld,
  RankAssigned,
  AwardProposed,
  CampaignClosed,
  AwardDecided,
  PledgesClassified,
] as const;

/** Every event of a campaign stream. */
export type CampaignEvent = EventOf<(typeof campaignEventDefinitions)[number]>;
