import { z } from 'zod';
import {
  ConcurrencyError,
  CorruptLogError,
  ForbiddenError,
  isThiduaError,
  NotFoundError,
  parseOrThrow,
  RuleViolationError,
  ThiduaError,
  TimeoutError,
  ValidationError,
} from '.';

describe('errors', () => {
  it('give every error a stable code, a name, and details readable as properties', () => {
    const cases: [ThiduaError, string, string][] = [
      [new ValidationError('bad', [{ path: 'a', message: 'm' }]), 'validation_failed', 'ValidationError'],
      [new NotFoundError('gone', { streamId: 's' }), 'not_found', 'NotFoundError'],
      [new ForbiddenError('no'), 'forbidden', 'ForbiddenError'],
      [new RuleViolationError('score.exceeds_max', 'too many'), 'rule_violated', 'RuleViolationError'],
      [new ConcurrencyError('s', 1n, 2n), 'concurrency', 'ConcurrencyError'],
      [new CorruptLogError('s', 3n, 'broken'), 'corrupt_log', 'CorruptLogError'],
      [new TimeoutError('slow'), 'timeout', 'TimeoutError'],
    ];
    for (const [error, code, name] of cases) {
      expect(error).toBeInstanceOf(ThiduaError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
      expect(isThiduaError(error, error.code)).toBe(true);
    }
    expect(new RuleViolationError('score.exceeds_max', 'x').rule).toBe('score.exceeds_max');
    expect(new CorruptLogError('pledge-a', 3n, 'broken')).toMatchObject({ streamId: 'pledge-a', revision: 3n, reason: 'broken' });
    expect(new ConcurrencyError('s', 'no_stream', 0n).message).toBe('Stream s: expected revision no_stream, actual 0');
  });

  it('serialise to JSON with bigints as strings and keep the cause', () => {
    const cause = new Error('root');
    const error = new CorruptLogError('s', 7n, 'bad hash', {}, { cause });
    expect(error.toJSON()).toMatchObject({ code: 'corrupt_log', streamId: 's', revision: '7', reason: 'bad hash' });
    expect(error.cause).toBe(cause);
    expect(isThiduaError(new Error('plain'))).toBe(false);
    expect(isThiduaError('nope')).toBe(false);
  });

  it('parseOrThrow names every bad field in the message and the issues', () => {
    const schema = z.object({ unitId: z.string().regex(/^[a-z-]+$/), points: z.number().max(10) });
    expect(parseOrThrow(schema, { unitId: 'so-tt-tt', points: 3 }, 'score')).toEqual({ unitId: 'so-tt-tt', points: 3 });
    let caught: unknown;
    try {
      parseOrThrow(schema, { unitId: 'Bad Id', points: 11 }, 'score');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/^Invalid score: /);
    expect(error.message).toContain('unitId');
    expect(error.message).toContain('points');
    expect(error.issues.map((i) => i.path)).toEqual(['unitId', 'points']);
  });
});
