/**
 * Campaign commands. Each `data` holds the fields of the event it emits, less
 * what the library derives (`totalPoints`, `pledgeId` of a rank or a
 * class); `AssignRanks` is `{ campaignId, basis, ranks?, assignedAt }` and
 * `ClassifyPledges` is `{ campaignId, basis, classes?, classifiedAt }`.
 */
import { z } from 'zod';
import { commandEnvelope, commandNames, type CommandOf } from '../command-envelope';
import { dateTimeSchema, idSchema, requiredOr } from '../schemas';
import { quotaSchema } from './award-catalogue';
import {
  awardDecidedSchema,
  awardProposedSchema,
  campaignClosedSchema,
  campaignLaunchedSchema,
  RANK_BASES,
  refineLaunch,
  reviewHeldSchema,
  scoringClosedSchema,
  scoringOpenedSchema,
} from './campaign.events';
import { CLASS_BASES } from './classes';

/**
 * `LaunchCampaign` data → `CampaignLaunched`. Without `awards`, the campaign
 * offers v1's three awards: `awardQuotas` and each of its keys may be left
 * out, and the defaults (provincial-flag 1, government-flag 1,
 * certificate-of-merit 3) fill the gaps. With `awards`, each award carries
 * its quota and `awardQuotas` is refused.
 */
export const launchCampaignDataSchema = z
  .strictObject({
    ...campaignLaunchedSchema.shape,
    awardQuotas: z
      .strictObject({
        'provincial-flag': quotaSchema.optional(),
        'government-flag': quotaSchema.optional(),
        'certificate-of-merit': quotaSchema.optional(),
      })
      .optional(),
  })
  .superRefine((data, context) => refineLaunch(data, context, false));
/** `OpenScoring` data → `ScoringOpened`. */
export const openScoringDataSchema = z.strictObject(scoringOpenedSchema.shape);
/** `CloseScoring` data → `ScoringClosed`. */
export const closeScoringDataSchema = z.strictObject(scoringClosedSchema.shape);
/** `HoldReview` data → `ReviewHeld`. */
export const holdReviewDataSchema = z.strictObject(reviewHeldSchema.shape);

/** A vote's list (`ranks`, `classes`) is required with basis `vote` and refused with basis `score`. */
function votedOnly<Field extends string>(field: Field, whenVote: string, whenScore: string) {
  return (data: { basis: 'score' | 'vote' } & Partial<Record<Field, unknown>>, context: z.core.$RefinementCtx): void => {
    if (data.basis === 'vote' && data[field] === undefined) {
      context.addIssue({ code: 'custom', path: [field], message: `is required when basis is "vote": ${whenVote}`, input: data });
    }
    if (data.basis === 'score' && data[field] !== undefined) {
      context.addIssue({ code: 'custom', path: [field], message: `must be left out when basis is "score": ${whenScore}`, input: data });
    }
  };
}

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
  .superRefine(
    votedOnly('ranks', 'list every unit with the rank the bloc voted', 'ranks are computed from the totals'),
  );
/** One line of a vote classification: the unit and the tier the bloc agreed. */
export const classVoteSchema = z.strictObject({ unitId: idSchema, tierId: idSchema });

/** `ClassifyPledges` data → `PledgesClassified`. `classes` is required for a vote and refused for a score classification. */
export const classifyPledgesDataSchema = z
  .strictObject({
    campaignId: idSchema,
    basis: z.enum(CLASS_BASES, requiredOr('must be "score" or "vote"')),
    classes: z.array(classVoteSchema).min(1, { message: 'must classify at least one unit' }).max(1000).optional(),
    classifiedAt: dateTimeSchema,
  })
  .superRefine(
    votedOnly('classes', 'list every unit with the tier the bloc voted', "tiers follow from the totals and the tiers' minTotal"),
  );
/** `DecideAward` data → `AwardDecided`. */
export const decideAwardDataSchema = z.strictObject(awardDecidedSchema.shape);
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
  commandEnvelope('DecideAward', decideAwardDataSchema),
  commandEnvelope('ClassifyPledges', classifyPledgesDataSchema),
] as const;

/** Every command handled by the campaign decider. */
export type CampaignCommand = CommandOf<(typeof campaignCommandSchemas)[number]>;

/** Names of the campaign commands. */
export const CAMPAIGN_COMMANDS = commandNames(campaignCommandSchemas);
