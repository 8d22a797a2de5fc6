/**
 * Campaign commands. Each `data` holds the fields of the event it emits, less
 * what the library derives (`totalPoints`, `pledgeId` of a rank);
 * `AssignRanks` is `{ campaignId, basis, ranks?, assignedAt }` (DESIGN §3).
 */
import type { Command } from '@thidua/eventsourcing';
import { z } from 'zod';
import { commandEnvelope } from '../command-envelope';
import { dateTimeSchema, idSchema, requiredOr } from '../schemas';
import {
  awardProposedSchema,
  campaignClosedSchema,
  campaignLaunchedSchema,
  RANK_BASES,
  reviewHeldSchema,
  scoringClosedSchema,
  scoringOpenedSchema,
} from './campaign.events';

const quotaSchema = z
  .number(requiredOr('must be a whole number of awards'))
  .int({ message: 'must be a whole number of awards' })
  .min(0, { message: 'must be 0 or more' })
  .max(1000, { message: 'must be at most 1000' });

/**
 * `LaunchCampaign` data → `CampaignLaunched`. `awardQuotas` and each of its
 * keys may be left out: DESIGN's defaults (provincial-flag 1,
 * government-flag 1, certificate-of-merit 3) fill the gaps.
 */
export const launchCampaignDataSchema = z.strictObject({
  ...campaignLaunchedSchema.shape,
  awardQuotas: z
    .strictObject({
      'provincial-flag': quotaSchema.optional(),
      'government-flag': quotaSchema.optional(),
      'certificate-of-merit': quotaSchema.optional(),
    })
    .optional(),
});
/** `OpenScoring` data → `ScoringOpened`. */
export const openScoringDataSchema = z.strictObject(scoringOpenedSchema.shape);
/** `CloseScoring` data → `ScoringClosed`. */
export const closeScoringDataSchema = z.strictObject(scoringClosedSchema.shape);
/** `HoldReview` data → `ReviewHeld`. */
export const holdReviewDataSchema = z.strictObject(reviewHeldSchema.shape);

/** One line of a vote ballot: the unit and the rank the bloc agreed. */
export const ballotEntrySchema = z.strictObject({
  unitId: idSchema,
  rank: z
    .number(requiredOr('must be a whole rank, 1 or more'))
    .int({ message: 'must be a whole rank, 1 or more' })
    .min(1, { message: 'must be 1 or more' }),
});

/** `AssignRanks` data → one `RankAssigned` per eligible pledge. `ranks` is required for a vote and refused for a score ranking. */
export const assignRanksDataSchema = z
  .strictObject({
    campaignId: idSchema,
    basis: z.enum(RANK_BASES, requiredOr('must be "score" or "vote"')),
    ranks: z.array(ballotEntrySchema).min(1, { message: 'must rank at least one unit' }).max(1000).optional(),
    assignedAt: dateTimeSchema,
  })
  .superRefine((data, context) => {
    if (data.basis === 'vote' && data.ranks === undefined) {
      context.addIssue({ code: 'custom', path: ['ranks'], message: 'is required when basis is "vote": list every unit with the rank the bloc voted', input: data });
    }
    if (data.basis === 'score' && data.ranks !== undefined) {
      context.addIssue({ code: 'custom', path: ['ranks'], message: 'must be left out when basis is "score": ranks are computed from the totals', input: data });
    }
  });
/** `ProposeAward` data → `AwardProposed`. */
export const proposeAwardDataSchema = z.strictObject(awardProposedSchema.shape);
/** `CloseCampaign` data → `CampaignClosed`. */
export const closeCampaignDataSchema = z.strictObject(campaignClosedSchema.shape);

/** Envelope schemas of the campaign commands. */
export const campaignCommandSchemas = [
  commandEnvelope('LaunchCampaign', launchCampaignDataSchema),
  commandEnvelope('OpenScoring', openScoringDataSchema),
  commandEnvelope('CloseScoring', closeScoringDataSchema),
  commandEnvelope('HoldReview', holdReviewDataSchema),
  commandEnvelope('AssignRanks', assignRanksDataSchema),
  commandEnvelope('ProposeAward', proposeAwardDataSchema),
  commandEnvelope('CloseCampaign', closeCampaignDataSchema),
] as const;

/** Launch a bloc's campaign for a year (council, or the chair of that year). */
export type LaunchCampaign = Command<'LaunchCampaign', z.infer<typeof launchCampaignDataSchema>>;
/** Open scoring (council or chair). */
export type OpenScoring = Command<'OpenScoring', z.infer<typeof openScoringDataSchema>>;
/** Close scoring (council or chair). */
export type CloseScoring = Command<'CloseScoring', z.infer<typeof closeScoringDataSchema>>;
/** Record a mid-year or year-end review (council or chair). */
export type HoldReview = Command<'HoldReview', z.infer<typeof holdReviewDataSchema>>;
/** Rank the eligible pledges, by score or by vote (council or chair). */
export type AssignRanks = Command<'AssignRanks', z.infer<typeof assignRanksDataSchema>>;
/** Propose an award for a ranked unit (council or chair). */
export type ProposeAward = Command<'ProposeAward', z.infer<typeof proposeAwardDataSchema>>;
/** Close the campaign for good (council or chair). */
export type CloseCampaign = Command<'CloseCampaign', z.infer<typeof closeCampaignDataSchema>>;

/** Every command handled by the campaign decider. */
export type CampaignCommand =
  | LaunchCampaign
  | OpenScoring
  | CloseScoring
  | HoldReview
  | AssignRanks
  | ProposeAward
  | CloseCampaign;

/** Names of the campaign commands. */
export const CAMPAIGN_COMMANDS = [
  'LaunchCampaign',
  'OpenScoring',
  'CloseScoring',
  'HoldReview',
  'AssignRanks',
  'ProposeAward',
  'CloseCampaign',
] as const;
