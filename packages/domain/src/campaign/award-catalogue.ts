/**
 * The award catalogue of a campaign (what the bloc may propose, đề nghị
 * khen thưởng): each award with its title, kind, quota, the worst rank
 * eligible for it, and the group within which a unit gets at most one
 * award. A campaign launched without a catalogue has v1's three awards,
 * with `awardQuotas` and v1's rules, expressed as the same entries.
 */
import { z } from 'zod';
import { idSchema, requiredOr, textSchema, uniqueList } from '../schemas';

/** v1's award ids: still what a campaign without a catalogue offers. */
export const AWARD_KINDS = ['provincial-flag', 'government-flag', 'certificate-of-merit'] as const;
/** One of v1's award ids. */
export type AwardKind = (typeof AWARD_KINDS)[number];
/** v1's awards that are flags: they go only to units ranked within the number of flags the quotas allow. */
export const FLAG_AWARDS: readonly AwardKind[] = ['provincial-flag', 'government-flag'];
/** Quotas when `LaunchCampaign` names neither a catalogue nor quotas. */
export const DEFAULT_AWARD_QUOTAS: Readonly<Record<AwardKind, number>> = {
  'provincial-flag': 1,
  'government-flag': 1,
  'certificate-of-merit': 3,
};
/** Vietnamese titles of v1's awards. */
export const V1_AWARD_TITLES: Readonly<Record<AwardKind, string>> = {
  'provincial-flag': 'Cờ thi đua của UBND tỉnh',
  'government-flag': 'Cờ thi đua của Chính phủ',
  'certificate-of-merit': 'Bằng khen',
};

/** What an award is: a flag (cờ thi đua, lá cờ đầu), a certificate (bằng khen, giấy khen) or a title (danh hiệu). */
export const AWARD_ENTRY_KINDS = ['flag', 'certificate', 'title'] as const;
/** The kind of an award. */
export type AwardEntryKind = (typeof AWARD_ENTRY_KINDS)[number];

export const quotaSchema = z
  .number(requiredOr('must be a whole number of awards'))
  .int({ message: 'must be a whole number of awards' })
  .min(0, { message: 'must be 0 or more' })
  .max(1000, { message: 'must be at most 1000' });

/** How many of each of v1's awards a campaign may propose. */
export const awardQuotasSchema = z.object({
  'provincial-flag': quotaSchema,
  'government-flag': quotaSchema,
  'certificate-of-merit': quotaSchema,
});
/** Quotas of v1's awards. */
export type AwardQuotas = z.infer<typeof awardQuotasSchema>;

/** One award of a catalogue. */
export const awardEntrySchema = z.object({
  awardId: idSchema,
  title: textSchema(500),
  kind: z.enum(AWARD_ENTRY_KINDS, requiredOr('must be "flag", "certificate" or "title"')),
  quota: quotaSchema,
  maxRank: z
    .number(requiredOr('must be a whole rank, 1 or more'))
    .int({ message: 'must be a whole rank, 1 or more' })
    .min(1, { message: 'must be 1 or more' })
    .optional(),
  group: idSchema.optional(),
});
/** An award of a campaign's catalogue. */
export type AwardEntry = z.infer<typeof awardEntrySchema>;

/** A catalogue: at least one award, ids unique. */
export const awardCatalogueSchema = uniqueList(awardEntrySchema, (award) => award.awardId, 'awardId', {
  min: { count: 1, message: 'must list at least one award (leave awards out for the default three)' },
  max: { count: 100, message: 'must list at most 100 awards' },
});

/**
 * The catalogue in force: the one launched with, else v1's three awards
 * with their Vietnamese titles and `awardQuotas`. v1's flag rule (a flag
 * goes only to a unit ranked within provincial-flag + government-flag
 * quotas) is each flag's `maxRank`; v1's one award per unit is their one
 * shared default group.
 */
export function awardCatalogue(launched: { awards?: readonly AwardEntry[] | undefined; awardQuotas?: AwardQuotas | undefined }): AwardEntry[] {
  if (launched.awards !== undefined) return launched.awards.map((award) => ({ ...award }));
  const quotas = launched.awardQuotas ?? DEFAULT_AWARD_QUOTAS;
  const flags = quotas['provincial-flag'] + quotas['government-flag'];
  return AWARD_KINDS.map((awardId) => ({
    awardId,
    title: V1_AWARD_TITLES[awardId],
    kind: FLAG_AWARDS.includes(awardId) ? ('flag' as const) : ('certificate' as const),
    quota: quotas[awardId],
    ...(FLAG_AWARDS.includes(awardId) ? { maxRank: flags } : {}),
  }));
}

/** The group within which a unit gets at most one award: the award's `group`, or the one default group (`null`). */
export function awardGroupOf(award: Pick<AwardEntry, 'group'>): string | null {
  return award.group ?? null;
}
