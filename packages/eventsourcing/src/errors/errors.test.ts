import { z } from 'zod';
import {
  ConcurrencyError,
  CorruptLogError,
  ForbiddenError,
  isThiduaError,
  NotFoundError,
  parseOrThrow,
  RuleViolationError,
  isTransientStoreError,
  StoreUnavailableError,
  ThiduaError,
  TimeoutError,
  ValidationError,
  withoutCredentials,
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

describe('store unavailable', () => {
  it('names the store without its password, keeps the cause and says whether it may pass', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const error = new StoreUnavailableError('postgres://app:s3cr@t@db:5432/thidua?password=x&ssl=true', { transient: true, cause });
    expect(error).toBeInstanceOf(ThiduaError);
    expect(error).toMatchObject({ code: 'store_unavailable', name: 'StoreUnavailableError', transient: true });
    expect(error.store).toBe('postgres://app@db:5432/thidua?ssl=true');
    expect(error.message).toBe('Store postgres://app@db:5432/thidua?ssl=true is unavailable: connect ECONNREFUSED 127.0.0.1:5432');
    expect(error.message).not.toContain('s3cr');
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({ code: 'store_unavailable', message: error.message, store: error.store, transient: true });
    expect(isThiduaError(error, 'store_unavailable')).toBe(true);
  });

  it('removes credentials from URLs and password parameters only', () => {
    expect(withoutCredentials('esdb://admin:changeit@localhost:2113?tls=false')).toBe('esdb://admin@localhost:2113?tls=false');
    expect(withoutCredentials('postgres://db/thidua?password=x')).toBe('postgres://db/thidua');
    expect(withoutCredentials('postgres://db/thidua?a=1&password=x&b=2')).toBe('postgres://db/thidua?a=1&b=2');
    expect(withoutCredentials('postgres://app@db/thidua')).toBe('postgres://app@db/thidua');
    expect(withoutCredentials('sqlite:./data/thidua.db')).toBe('sqlite:./data/thidua.db');
    expect(withoutCredentials('memory')).toBe('memory');
    // A cause that repeats the URL does not leak it through the message either.
    expect(new StoreUnavailableError('pg', { transient: false, cause: new Error('bad postgres://u:pw@h/db') }).message).toBe(
      'Store pg is unavailable: bad postgres://u@h/db',
    );
  });

  it('isTransientStoreError: transient store errors and raw dropped-connection codes, nothing else', () => {
    const raw = (code: string) => Object.assign(new Error(code), { code });
    expect(isTransientStoreError(new StoreUnavailableError('s', { transient: true }))).toBe(true);
    expect(isTransientStoreError(new StoreUnavailableError('s', { transient: false }))).toBe(false);
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', '08006', '08P01', '57P01', '57P03', '40001', '40P01']) {
      expect([code, isTransientStoreError(raw(code))]).toEqual([code, true]);
    }
    for (const code of ['ENOENT', 'ENOTFOUND', '23505', '22021', '42P01', 'SQLITE_CORRUPT']) {
      expect([code, isTransientStoreError(raw(code))]).toEqual([code, false]);
    }
    expect(isTransientStoreError(new ConcurrencyError('s', 1n, 2n))).toBe(false);
    // A thidua error that happens to carry a network-like code field is judged by its own code.
    expect(isTransientStoreError(new TimeoutError('slow', { code: 'ECONNRESET' }))).toBe(false);
    expect(isTransientStoreError(new Error('plain'))).toBe(false);
    expect(isTransientStoreError(undefined)).toBe(false);
    expect(isTransientStoreError('ECONNRESET')).toBe(false);
  });
});
