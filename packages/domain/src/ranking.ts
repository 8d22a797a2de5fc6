/**
 * Ranking rules, pure so that projections can show provisional
 * ranks with exactly the rule `AssignRanks` uses.
 *
 * Ranks are "standard competition" ranks: ties share a rank and the next rank
 * skips (1, 2, 2, 4). Rows of equal rank are ordered by `unitId`, compared by
 * UTF-16 code units (not locale), so the order is the same on every machine.
 */
import { toHundredths } from './scoring';
import { RULES } from './rules';

/** A row to rank by score: its unit and its total points. */
export interface ScoreRow {
  unitId: string;
  total: number;
}

/** One line of a vote (bình bầu) ballot. */
export interface BallotEntry {
  unitId: string;
  rank: number;
}

/** Why a ballot is refused: a stable rule code and a message a person can act on. */
export interface BallotProblem {
  rule: string;
  message: string;
  unitIds: string[];
}

/** Orders two strings by code units: deterministic, locale-free. */
export function compareUnitIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders ranked rows by rank, then unitId. */
export function compareRanked(a: { rank: number; unitId: string }, b: { rank: number; unitId: string }): number {
  return a.rank - b.rank || compareUnitIds(a.unitId, b.unitId);
}

/**
 * Ranks rows by total, highest first; equal totals (compared exactly, in
 * hundredths) share a rank, and the next rank skips. Returns new rows ordered
 * by rank then unitId.
 *
 * @example
 * rankByScore([{ unitId: 'a', total: 90 }, { unitId: 'b', total: 95 }, { unitId: 'c', total: 90 }, { unitId: 'd', total: 80 }])
 * // b 1, a 2, c 2, d 4
 */
export function rankByScore<R extends ScoreRow>(rows: readonly R[]): (R & { rank: number })[] {
  const keyed = rows.map((row) => ({ row, hundredths: toHundredths(row.total) }));
  keyed.sort((a, b) => b.hundredths - a.hundredths || compareUnitIds(a.row.unitId, b.row.unitId));
  const ranked: (R & { rank: number })[] = [];
  keyed.forEach((entry, index) => {
    const previous = keyed[index - 1];
    const rank = previous && previous.hundredths === entry.hundredths ? ranked[index - 1]!.rank : index + 1;
    ranked.push({ ...entry.row, rank });
  });
  return ranked;
}

/**
 * True when `ranks` (in any order) form a valid competition ranking: each
 * rank equals 1 + the number of entries ranked strictly better. `[1, 2, 2, 4]`
 * and `[1, 1, 3]` are valid; `[1, 2, 2, 3]`, `[2]` and `[1, 3]` are not.
 */
export function isValidRanking(ranks: readonly number[]): boolean {
  const sorted = [...ranks].sort((a, b) => a - b);
  return sorted.every((rank, index) => Number.isInteger(rank) && rank === (index > 0 && sorted[index - 1] === rank ? rank : index + 1));
}

/**
 * How a vote's units cover the eligible ones: those it names more than once,
 * those that are not eligible, and the eligible ones it leaves out, each
 * sorted by `compareUnitIds`. A vote is valid only when all three are empty.
 */
export function coverageOf(unitIds: readonly string[], eligibleUnitIds: readonly string[]): { duplicates: string[]; unknown: string[]; missing: string[] } {
  const eligible = new Set(eligibleUnitIds);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const unitId of unitIds) {
    if (seen.has(unitId)) duplicates.add(unitId);
    seen.add(unitId);
  }
  return {
    duplicates: [...duplicates].sort(compareUnitIds),
    unknown: [...seen].filter((unitId) => !eligible.has(unitId)).sort(compareUnitIds),
    missing: eligibleUnitIds.filter((unitId) => !seen.has(unitId)).sort(compareUnitIds),
  };
}

/**
 * The first way a vote's units fail to cover the eligible ones exactly once
 * (named twice, not eligible, left out), with its rule and a message built
 * from `words` ("The ballot ranks X more than once; rank each unit exactly
 * once"), or `null`.
 */
export function coverageProblem(
  unitIds: readonly string[],
  eligibleUnitIds: readonly string[],
  words: { rules: { duplicate: string; unknown: string; incomplete: string }; subject: string; names: string; once: string; must: string },
): BallotProblem | null {
  const { duplicates, unknown, missing } = coverageOf(unitIds, eligibleUnitIds);
  if (duplicates.length > 0) {
    return { rule: words.rules.duplicate, message: `${words.subject} ${words.names} ${duplicates.join(', ')} more than once; ${words.once}`, unitIds: duplicates };
  }
  if (unknown.length > 0) {
    return {
      rule: words.rules.unknown,
      message: `${words.subject} ${words.names} ${unknown.join(', ')}, which ${unknown.length === 1 ? 'has' : 'have'} no active pledge in this campaign`,
      unitIds: unknown,
    };
  }
  if (missing.length > 0) return { rule: words.rules.incomplete, message: `${words.subject} leaves out ${missing.join(', ')}; ${words.must}`, unitIds: missing };
  return null;
}

/**
 * Checks a vote ballot against the eligible pledges' units: it must name
 * every eligible unit exactly once, nothing else, and form a valid ranking.
 * Returns the first problem found, or `null` for a valid ballot.
 */
export function validateBallot(ballot: readonly BallotEntry[], eligibleUnitIds: readonly string[]): BallotProblem | null {
  const problem = coverageProblem(ballot.map((entry) => entry.unitId), eligibleUnitIds, {
    rules: { duplicate: RULES.ranksDuplicateUnit, unknown: RULES.ranksUnknownUnit, incomplete: RULES.ranksIncomplete },
    subject: 'The ballot',
    names: 'ranks',
    once: 'rank each unit exactly once',
    must: 'every active pledge must be ranked',
  });
  if (problem) return problem;
  if (!isValidRanking(ballot.map((entry) => entry.rank))) {
    const ranks = ballot.map((entry) => entry.rank).sort((a, b) => a - b);
    return {
      rule: RULES.ranksInvalid,
      message: `Ranks ${ranks.join(', ')} are not a valid ranking: start at 1, tied units share a rank and the next rank skips (1, 2, 2, 4)`,
      unitIds: [],
    };
  }
  return null;
}
