/**
 * A classification by vote: the bloc puts every eligible pledge in one of
 * the campaign's tiers. Pure, like the ballot check of a ranking.
 */
import { compareUnitIds, coverageProblem, type BallotProblem } from '../ranking';
import { RULES } from '../rules';

/**
 * Checks a vote classification against the eligible pledges' units and the
 * campaign's tiers: every eligible unit exactly once, nothing else, known
 * tiers only. Returns the first problem found, or `null`.
 */
export function validateClassVote(
  votes: readonly { unitId: string; tierId: string }[],
  eligibleUnitIds: readonly string[],
  tierIds: readonly string[],
): BallotProblem | null {
  const problem = coverageProblem(votes.map((vote) => vote.unitId), eligibleUnitIds, {
    rules: { duplicate: RULES.classesDuplicateUnit, unknown: RULES.classesUnknownUnit, incomplete: RULES.classesIncomplete },
    subject: 'The classification',
    names: 'names',
    once: 'classify each unit exactly once',
    must: 'every active pledge must be classified',
  });
  if (problem) return problem;
  const known = new Set(tierIds);
  const badTiers = votes.filter((vote) => !known.has(vote.tierId));
  if (badTiers.length > 0) {
    return {
      rule: RULES.classesUnknownTier,
      message: `The campaign has no tier ${[...new Set(badTiers.map((vote) => vote.tierId))].join(', ')}; its tiers are ${tierIds.join(', ')}`,
      unitIds: badTiers.map((vote) => vote.unitId).sort(compareUnitIds),
    };
  }
  return null;
}
