import { isValidRanking, rankByScore, validateBallot } from './ranking';
import { RULES } from './rules';
import { pledgeTotal } from './scoring';

describe('ranking', () => {
  describe('rankByScore', () => {
    it('ties share a rank and the next skips (1, 2, 2, 4); equal ranks ordered by unitId', () => {
      const rows = rankByScore([
        { unitId: 'd', total: 80 },
        { unitId: 'c', total: 90 },
        { unitId: 'b', total: 95 },
        { unitId: 'a', total: 90 },
      ]);
      expect(rows.map((r) => [r.unitId, r.rank])).toEqual([
        ['b', 1],
        ['a', 2],
        ['c', 2],
        ['d', 4],
      ]);
    });
    it('ties totals that are equal exactly: 0.1 + 0.2 scored is the same total as 0.3', () => {
      const total = (points: number[]) =>
        pledgeTotal({
          criterionIds: points.map((_, i) => `c${i}`),
          bonusCap: 0,
          scores: points.map((p, i) => ({ criterionId: `c${i}`, points: p, assessor: 'self' as const })),
          adjustments: [],
        }).total;
      const rows = rankByScore([
        { unitId: 'x', total: total([0.1, 0.2]) },
        { unitId: 'y', total: total([0.3]) },
        { unitId: 'z', total: total([0.29]) },
      ]);
      expect(rows.map((r) => [r.unitId, r.rank])).toEqual([
        ['x', 1],
        ['y', 1],
        ['z', 3],
      ]);
    });
    it('refuses a total with float drift rather than mis-rank it', () => {
      expect(() => rankByScore([{ unitId: 'x', total: 0.1 + 0.2 }])).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    });
    it('keeps the rows’ other fields and leaves its input alone', () => {
      const input = [
        { unitId: 'b', total: 1, pledgeId: 'c.b' },
        { unitId: 'a', total: 2, pledgeId: 'c.a' },
      ];
      expect(rankByScore(input)).toEqual([
        { unitId: 'a', total: 2, pledgeId: 'c.a', rank: 1 },
        { unitId: 'b', total: 1, pledgeId: 'c.b', rank: 2 },
      ]);
      expect(input[0]).toEqual({ unitId: 'b', total: 1, pledgeId: 'c.b' });
    });
    it('orders unitIds by code units, not locale', () => {
      expect(rankByScore([{ unitId: 'b', total: 1 }, { unitId: 'B', total: 1 }, { unitId: 'a', total: 1 }]).map((r) => r.unitId)).toEqual(['B', 'a', 'b']);
    });
  });

  describe('isValidRanking', () => {
    it.each([[[1]], [[1, 2, 2, 4]], [[4, 2, 1, 2]], [[1, 1, 3]], [[1, 1, 1]], [[1, 2, 3]]])('accepts %p', (ranks) => {
      expect(isValidRanking(ranks)).toBe(true);
    });
    it.each([[[2]], [[1, 3]], [[1, 2, 2, 3]], [[1, 1, 2]], [[0, 1]], [[1, 1.5]]])('refuses %p', (ranks) => {
      expect(isValidRanking(ranks)).toBe(false);
    });
  });

  describe('validateBallot', () => {
    const eligible = ['a', 'b', 'c'];
    it('accepts a ballot that ranks every eligible unit once', () => {
      expect(validateBallot([{ unitId: 'c', rank: 1 }, { unitId: 'a', rank: 2 }, { unitId: 'b', rank: 2 }], eligible)).toBeNull();
    });
    it('names the units left out (ranks.incomplete)', () => {
      expect(validateBallot([{ unitId: 'a', rank: 1 }], eligible)).toMatchObject({ rule: RULES.ranksIncomplete, unitIds: ['b', 'c'] });
    });
    it('names units ranked twice (ranks.duplicate_unit)', () => {
      expect(validateBallot([{ unitId: 'a', rank: 1 }, { unitId: 'b', rank: 2 }, { unitId: 'c', rank: 3 }, { unitId: 'a', rank: 4 }], eligible)).toMatchObject({
        rule: RULES.ranksDuplicateUnit,
        unitIds: ['a'],
      });
    });
    it('names units without an eligible pledge (ranks.unknown_unit)', () => {
      expect(validateBallot([{ unitId: 'a', rank: 1 }, { unitId: 'b', rank: 2 }, { unitId: 'c', rank: 3 }, { unitId: 'z', rank: 4 }], eligible)).toMatchObject({
        rule: RULES.ranksUnknownUnit,
        unitIds: ['z'],
      });
    });
    it('refuses ranks that are not a ranking (ranks.invalid)', () => {
      expect(validateBallot([{ unitId: 'a', rank: 1 }, { unitId: 'b', rank: 3 }, { unitId: 'c', rank: 4 }], eligible)).toMatchObject({ rule: RULES.ranksInvalid });
    });
  });
});
