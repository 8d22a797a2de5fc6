/**
 * Exact scoring. Points carry at most 2 decimals; every sum is
 * done in integer hundredths so that 0.1 + 0.2 is 0.3, never
 * 0.30000000000000004. Pure and independent of the deciders: projections
 * compute standings with the very same functions.
 */
import { ValidationError } from '@thidua/eventsourcing';

/**
 * The largest number of points a score, maximum, cap or adjustment may carry.
 * Far above any real covenant, and low enough that sums of hundredths stay
 * safe integers.
 */
export const MAX_POINTS = 1_000_000_000;

/** The assessor levels, from weakest to strongest. */
export const ASSESSORS = ['self', 'cross', 'verified'] as const;

/** Who assessed a score. Precedence for the effective score: `verified` > `cross` > `self`. */
export type Assessor = (typeof ASSESSORS)[number];

/** A score as recorded in a pledge stream (only the fields scoring reads). */
export interface ScoreLike {
  criterionId: string;
  points: number;
  assessor: Assessor;
}

/**
 * `scores` with `score` recorded: only the latest score of a criterion at an
 * assessor level can ever be effective, so an earlier one of the same
 * criterion and level is dropped and the new one goes last. Keeps any list of
 * scores at most criteria × 3 long, so folding a pledge stays linear.
 * `scores` holds at most one score per criterion and level, as every list
 * built by this function does. Returns a new array; `scores` is not changed.
 */
export function withLatestScore<S extends ScoreLike>(scores: readonly S[], score: S): S[] {
  // Runs once per ScoreRecorded in every fold and projection: plain loops into a presized array, no callback per entry.
  const count = scores.length;
  let found = 0;
  while (found < count) {
    const earlier = scores[found] as S;
    if (earlier.criterionId === score.criterionId && earlier.assessor === score.assessor) break;
    found++;
  }
  if (found === count) {
    const next = scores.slice();
    next.push(score);
    return next;
  }
  const next = new Array<S>(count);
  for (let index = 0; index < found; index++) next[index] = scores[index] as S;
  for (let index = found + 1; index < count; index++) next[index - 1] = scores[index] as S;
  next[count - 1] = score;
  return next;
}

/** A bonus or deduction as recorded in a pledge stream. */
export interface AdjustmentLike {
  kind: 'bonus' | 'deduction';
  points: number;
}

const TWO_DECIMALS = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/**
 * True when `points` is a finite number with at most 2 decimals. Reads the
 * shortest round-trip decimal form of the number (what `String` prints), so
 * `8.25` passes and `1.005` or `1e-7` do not.
 */
export function hasAtMostTwoDecimals(points: number): boolean {
  return typeof points === 'number' && Number.isFinite(points) && TWO_DECIMALS.test(String(points));
}

/**
 * Points → integer hundredths, exactly (`0.29` → `29`, not `28.999…`).
 * Throws `validation_failed` for a number with more than 2 decimals.
 *
 * @example toHundredths(8.25) // 825
 */
export function toHundredths(points: number): number {
  const match = typeof points === 'number' && Number.isFinite(points) ? TWO_DECIMALS.exec(String(points)) : null;
  const hundredths = match ? Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0')) : Number.NaN;
  if (!match || !Number.isSafeInteger(hundredths)) {
    throw new ValidationError(`${String(points)} is not a number of points with at most 2 decimals`, [
      { path: 'points', message: 'must have at most 2 decimals' },
    ]);
  }
  return match[1] === '-' ? -hundredths : hundredths;
}

/**
 * Integer hundredths → points. Division of two exact integers is correctly
 * rounded, so the result prints as the decimal it stands for (`30` → `0.3`).
 */
export function fromHundredths(hundredths: number): number {
  return hundredths / 100;
}

/** Adds points exactly. @example addPoints(0.1, 0.2) // 0.3 */
export function addPoints(...points: readonly number[]): number {
  return fromHundredths(points.reduce((sum, p) => sum + toHundredths(p), 0));
}

/**
 * The effective score of each criterion, in hundredths: the latest (in stream
 * order) `verified` score, else the latest `cross`, else the latest `self`,
 * else 0. With `criterionIds`, every listed criterion is present (0 when
 * unscored) and scores of other criteria are ignored. The result is a
 * prototype-free record, safe for any id.
 */
export function effectiveScoresInHundredths(
  scores: readonly ScoreLike[],
  criterionIds?: readonly string[],
): Record<string, number> {
  const latest = new Map<string, Partial<Record<Assessor, number>>>();
  for (const score of scores) {
    const levels = latest.get(score.criterionId) ?? {};
    levels[score.assessor] = toHundredths(score.points);
    latest.set(score.criterionId, levels);
  }
  const result = Object.create(null) as Record<string, number>;
  const ids = criterionIds ?? [...latest.keys()];
  for (const criterionId of ids) {
    const levels = latest.get(criterionId);
    result[criterionId] = levels?.verified ?? levels?.cross ?? levels?.self ?? 0;
  }
  return result;
}

/**
 * {@link effectiveScoresInHundredths}, in points.
 *
 * @example
 * effectiveScores([{ criterionId: 'c1', points: 8, assessor: 'self' }, { criterionId: 'c1', points: 7.5, assessor: 'cross' }])
 * // { c1: 7.5 }
 */
export function effectiveScores(scores: readonly ScoreLike[], criterionIds?: readonly string[]): Record<string, number> {
  const inHundredths = effectiveScoresInHundredths(scores, criterionIds);
  const result = Object.create(null) as Record<string, number>;
  for (const [criterionId, hundredths] of Object.entries(inHundredths)) result[criterionId] = fromHundredths(hundredths);
  return result;
}

/** What a pledge's total is computed from. */
export interface PledgeTotalInput {
  /** The campaign's criteria, in the campaign's order. */
  criterionIds: readonly string[];
  /** The campaign's cap on the sum of bonuses. */
  bonusCap: number;
  scores: readonly ScoreLike[];
  adjustments: readonly AdjustmentLike[];
}

/** A pledge's total and its parts, in points (`totalHundredths` for exact comparisons). */
export interface PledgeTotal {
  /** Effective points per criterion (criterionId → points), every criterion present. */
  criteria: Record<string, number>;
  /** Σ effective scores. */
  scored: number;
  /** Bonus counted in the total: min(Σ bonus, bonusCap). */
  bonus: number;
  /** Σ bonus as recorded, before the cap. */
  bonusRecorded: number;
  /** Σ deductions. */
  deduction: number;
  /** Σ effective + min(Σ bonus, bonusCap) − Σ deductions, not below 0. */
  total: number;
  /** `total` in integer hundredths. */
  totalHundredths: number;
}

/**
 * Total of a pledge: Σ effective + min(Σ bonus, bonusCap) −
 * Σ deductions, not below 0, computed in integer hundredths.
 */
export function pledgeTotal(input: PledgeTotalInput): PledgeTotal {
  const effective = effectiveScoresInHundredths(input.scores, input.criterionIds);
  let scored = 0;
  const criteria = Object.create(null) as Record<string, number>;
  for (const criterionId of input.criterionIds) {
    const hundredths = effective[criterionId] ?? 0;
    scored += hundredths;
    criteria[criterionId] = fromHundredths(hundredths);
  }
  let bonusRecorded = 0;
  let deduction = 0;
  for (const adjustment of input.adjustments) {
    if (adjustment.kind === 'bonus') bonusRecorded += toHundredths(adjustment.points);
    else deduction += toHundredths(adjustment.points);
  }
  const bonus = Math.min(bonusRecorded, toHundredths(input.bonusCap));
  const totalHundredths = Math.max(0, scored + bonus - deduction);
  return {
    criteria,
    scored: fromHundredths(scored),
    bonus: fromHundredths(bonus),
    bonusRecorded: fromHundredths(bonusRecorded),
    deduction: fromHundredths(deduction),
    total: fromHundredths(totalHundredths),
    totalHundredths,
  };
}
