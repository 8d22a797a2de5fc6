import { addPoints, effectiveScores, fromHundredths, hasAtMostTwoDecimals, pledgeTotal, toHundredths, withLatestScore, type ScoreLike } from './scoring';

describe('scoring', () => {
  describe('hundredths', () => {
    it.each([
      [0, 0],
      [8.25, 825],
      [0.29, 29],
      [0.1, 10],
      [10, 1000],
      [1_000_000_000, 100_000_000_000],
    ])('toHundredths(%p) is %p, exactly', (points, hundredths) => {
      expect(toHundredths(points)).toBe(hundredths);
      expect(fromHundredths(hundredths)).toBe(points);
    });
    it.each([1.005, 0.001, 1e-7, Number.NaN, Number.POSITIVE_INFINITY])('refuses %p (more than 2 decimals or not finite)', (points) => {
      expect(hasAtMostTwoDecimals(points)).toBe(false);
      expect(() => toHundredths(points)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    });
    it('adds without float drift: 0.1 + 0.2 is 0.3', () => {
      expect(0.1 + 0.2).not.toBe(0.3);
      expect(addPoints(0.1, 0.2)).toBe(0.3);
      expect(addPoints(...Array.from({ length: 1000 }, () => 0.01))).toBe(10);
    });
  });

  describe('effectiveScores', () => {
    const s = (criterionId: string, points: number, assessor: ScoreLike['assessor']): ScoreLike => ({ criterionId, points, assessor });

    it('takes verified over cross over self, whatever the stream order', () => {
      expect(effectiveScores([s('a', 9, 'verified'), s('a', 8, 'cross'), s('a', 10, 'self')], ['a'])).toEqual({ a: 9 });
      expect(effectiveScores([s('a', 10, 'self'), s('a', 8, 'cross')], ['a'])).toEqual({ a: 8 });
      expect(effectiveScores([s('a', 10, 'self')], ['a'])).toEqual({ a: 10 });
    });
    it('takes the latest score of the winning level', () => {
      expect(effectiveScores([s('a', 6, 'cross'), s('a', 9, 'verified'), s('a', 7, 'cross'), s('a', 8.5, 'verified')], ['a'])).toEqual({ a: 8.5 });
    });
    it('gives 0 to unscored criteria and ignores criteria not listed', () => {
      expect(effectiveScores([s('a', 5, 'self'), s('zz', 5, 'self')], ['a', 'b'])).toEqual({ a: 5, b: 0 });
    });
    it('is safe for any id, including __proto__', () => {
      const result = effectiveScores([s('__proto__', 5, 'self')], ['__proto__']);
      expect(Object.keys(result)).toEqual(['__proto__']);
      expect(result['__proto__']).toBe(5);
    });
  });

  describe('pledgeTotal', () => {
    const criterionIds = ['c1', 'c2'];
    it('sums effective scores, bonus capped, minus deductions, exactly', () => {
      const total = pledgeTotal({
        criterionIds,
        bonusCap: 2,
        scores: [
          { criterionId: 'c1', points: 0.1, assessor: 'self' },
          { criterionId: 'c2', points: 0.2, assessor: 'self' },
        ],
        adjustments: [
          { kind: 'bonus', points: 1.5 },
          { kind: 'bonus', points: 1.5 },
          { kind: 'deduction', points: 0.15 },
        ],
      });
      expect(total).toEqual({
        criteria: { c1: 0.1, c2: 0.2 },
        scored: 0.3,
        bonus: 2,
        bonusRecorded: 3,
        deduction: 0.15,
        total: 2.15,
        totalHundredths: 215,
      });
    });
    it('never goes below 0', () => {
      const total = pledgeTotal({
        criterionIds,
        bonusCap: 0,
        scores: [{ criterionId: 'c1', points: 3, assessor: 'verified' }],
        adjustments: [{ kind: 'deduction', points: 5 }, { kind: 'bonus', points: 1 }],
      });
      expect(total.total).toBe(0);
      expect(total.bonus).toBe(0);
    });
    it('counts bonuses below the cap in full', () => {
      expect(pledgeTotal({ criterionIds, bonusCap: 5, scores: [], adjustments: [{ kind: 'bonus', points: 0.7 }] }).total).toBe(0.7);
    });
  });
});

describe('withLatestScore', () => {
  it('keeps only the latest score of a criterion and level, latest last, without changing its input', () => {
    const scores = [
      { criterionId: 'c1', points: 5, assessor: 'self' as const },
      { criterionId: 'c1', points: 6, assessor: 'cross' as const },
    ];
    const next = withLatestScore(scores, { criterionId: 'c1', points: 7, assessor: 'self' });
    expect(next).toEqual([
      { criterionId: 'c1', points: 6, assessor: 'cross' },
      { criterionId: 'c1', points: 7, assessor: 'self' },
    ]);
    expect(scores).toHaveLength(2);
    expect(scores[0]!.points).toBe(5);
    expect(pledgeTotal({ criterionIds: ['c1'], bonusCap: 0, scores: next, adjustments: [] }).total).toBe(6);
  });
});
