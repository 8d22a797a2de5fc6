/**
 * Classes (xếp loại) and criteria groups of a campaign. A classification
 * puts each eligible pledge in a tier (hoàn thành xuất sắc, hoàn thành tốt,
 * hoàn thành…), by thresholds on the total or by the bloc's vote; a
 * criteria group (nhóm tiêu chí) adds up some of the criteria.
 */
import { z } from 'zod';
import { idSchema, pointsSchema, textSchema, uniqueList } from '../schemas';
import { toHundredths } from '../scoring';

/** One tier of a classification, best first; `minTotal` is the least total that reaches it by score. */
export const tierSchema = z.object({ tierId: idSchema, title: textSchema(500), minTotal: pointsSchema.optional() });
/** A tier. */
export type Tier = z.infer<typeof tierSchema>;

/** The tiers of a campaign, best first, ids unique. */
export const tiersSchema = uniqueList(tierSchema, (tier) => tier.tierId, 'tierId', {
  min: { count: 1, message: 'must list at least one tier (leave tiers out when the campaign classifies nobody)' },
  max: { count: 50, message: 'must list at most 50 tiers' },
});

/** A group of criteria (its criteria name it by `groupId`). */
export const criteriaGroupSchema = z.object({ groupId: idSchema, title: textSchema(1000) });
/** A criteria group. */
export type CriteriaGroup = z.infer<typeof criteriaGroupSchema>;

/** The criteria groups of a campaign, ids unique. */
export const criteriaGroupsSchema = uniqueList(criteriaGroupSchema, (group) => group.groupId, 'groupId', {
  max: { count: 200, message: 'must list at most 200 groups' },
});

/** The ways to classify: by thresholds on the totals, or by the bloc's vote. */
export const CLASS_BASES = ['score', 'vote'] as const;
/** A classification basis. */
export type ClassBasis = (typeof CLASS_BASES)[number];

/**
 * The tier a total reaches by score: the first, best first, whose
 * `minTotal` it reaches (compared exactly, in hundredths); a tier without
 * `minTotal` takes every total that reaches it; `null` below every threshold.
 *
 * @example tierForTotal([{ tierId: 'a', title: 'A', minTotal: 90 }, { tierId: 'b', title: 'B' }], 85) // 'b'
 */
export function tierForTotal(tiers: readonly Tier[], total: number): string | null {
  const hundredths = toHundredths(total);
  for (const tier of tiers) if (tier.minTotal === undefined || hundredths >= toHundredths(tier.minTotal)) return tier.tierId;
  return null;
}
