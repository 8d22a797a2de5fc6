import { createHmac } from 'node:crypto';
import { InvalidTokenError, signActorToken, verifyActorToken, type TokenProblem } from './actor-tokens';
import { issueToken } from './token-command';

const secret = 'unit-test-secret-0123456789abcdef';
const member = { id: 'office-sxd', role: 'member', unitId: 'so-xay-dung' };
const at = Date.parse('2013-12-10T08:00:00+07:00');
const now = () => at;

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
/** A token signed with `key` over any header and claims, as a forger with (or without) the key would make one. */
const handMade = (header: unknown, claims: unknown, key = secret) => {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
};
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

function refusal(token: string, options: Parameters<typeof verifyActorToken>[1] = { secret, now }): TokenProblem | 'accepted' {
  try {
    verifyActorToken(token, options);
    return 'accepted';
  } catch (error) {
    if (error instanceof InvalidTokenError) return error.problem;
    throw error;
  }
}

describe('actor tokens (HMAC-SHA256 JWT)', () => {
  it('carry the actor: what is signed is what is verified, with iat and exp', () => {
    const token = signActorToken(member, { secret, expiresInSeconds: 600, now });
    expect(verifyActorToken(token, { secret, now })).toEqual(member);
    expect(claimsOf(token)).toEqual({ sub: 'office-sxd', role: 'member', unitId: 'so-xay-dung', iat: at / 1000, exp: at / 1000 + 600 });
    const council = signActorToken({ id: 'hdtdkt', role: 'council' }, { secret, expiresInSeconds: 600, now });
    expect(verifyActorToken(council, { secret, now })).toEqual({ id: 'hdtdkt', role: 'council' });
  });

  it('check a token any HS256 JWT library makes (the RFC 7515 A.1 example: its signature passes, its claims name no actor)', () => {
    const key = Buffer.from('AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow', 'base64url');
    const token =
      'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const before = () => 1_300_819_000_000;
    expect(refusal(token, { secret: key, now: before })).toBe('bad_actor');
    expect(refusal(token, { secret: key, now: () => 1_300_819_380_000 + 31_000 })).toBe('expired');
    expect(refusal(token, { secret: Buffer.alloc(64, 1), now: before })).toBe('bad_signature');
  });

  it('refuse a token signed with another secret, or with its claims changed', () => {
    const token = signActorToken(member, { secret, expiresInSeconds: 600, now });
    expect(refusal(signActorToken(member, { secret: 'another-secret-0123456789abcdefgh', expiresInSeconds: 600, now }))).toBe('bad_signature');
    const [header, , signature] = token.split('.');
    const promoted = `${header}.${b64({ ...claimsOf(token), role: 'council' })}.${signature}`;
    expect(refusal(promoted)).toBe('bad_signature');
    expect(refusal(`${token.slice(0, -2)}AA`)).toBe('bad_signature');
    expect(refusal(`${token}AA`)).toBe('bad_signature');
  });

  it('let the header choose no algorithm but HS256: none, RS256 and critical extensions are refused', () => {
    const claims = { sub: 'x', role: 'council', exp: at / 1000 + 600 };
    expect(refusal(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`)).toBe('malformed');
    expect(refusal(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.${b64('x')}`)).toBe('unsupported_algorithm');
    expect(refusal(handMade({ alg: 'RS256' }, claims))).toBe('unsupported_algorithm');
    expect(refusal(handMade({ alg: 'hs256' }, claims))).toBe('unsupported_algorithm');
    expect(refusal(handMade({ alg: 'HS256', crit: ['exp'] }, claims))).toBe('unsupported_algorithm');
    expect(refusal(handMade({ alg: 'HS256' }, claims))).toBe('accepted');
  });

  it('refuse an expired token, one not valid yet, and one without an expiry, allowing 30 s of clock difference', () => {
    const token = signActorToken(member, { secret, expiresInSeconds: 60, now });
    expect(refusal(token, { secret, now: () => at + 60_000 + 29_000 })).toBe('accepted');
    expect(refusal(token, { secret, now: () => at + 60_000 + 30_000 })).toBe('expired');
    expect(refusal(token, { secret, now: () => at + 3_600_000, clockToleranceSeconds: 0 })).toBe('expired');
    const claims = { sub: 'x', role: 'council' };
    expect(refusal(handMade({ alg: 'HS256' }, claims))).toBe('malformed');
    expect(refusal(handMade({ alg: 'HS256' }, { ...claims, exp: String(at / 1000 + 600) }))).toBe('malformed');
    expect(refusal(handMade({ alg: 'HS256' }, { ...claims, exp: at / 1000 + 600, nbf: at / 1000 + 300 }))).toBe('not_yet_valid');
    expect(refusal(handMade({ alg: 'HS256' }, { ...claims, exp: at / 1000 + 600, nbf: at / 1000 + 10 }))).toBe('accepted');
  });

  it('require the issuer and audience the key names', () => {
    const key = { secret, issuer: 'https://sso.example.gov.vn', audience: 'thidua' };
    const token = signActorToken(member, { ...key, expiresInSeconds: 600, now });
    expect(claimsOf(token)).toMatchObject({ iss: 'https://sso.example.gov.vn', aud: 'thidua' });
    expect(refusal(token, { ...key, now })).toBe('accepted');
    expect(refusal(signActorToken(member, { secret, expiresInSeconds: 600, now }), { ...key, now })).toBe('wrong_issuer');
    expect(refusal(signActorToken(member, { ...key, audience: 'payroll', expiresInSeconds: 600, now }), { ...key, now })).toBe('wrong_audience');
    const listed = handMade({ alg: 'HS256' }, { sub: 'x', role: 'auditor', iss: key.issuer, aud: ['payroll', 'thidua'], exp: at / 1000 + 600 });
    expect(refusal(listed, { ...key, now })).toBe('accepted');
  });

  it('refuse claims that are not an actor', () => {
    const exp = at / 1000 + 600;
    for (const claims of [{ role: 'council', exp }, { sub: 'x', exp }, { sub: 'x', role: 'member', unitId: 'not an id!', exp }, { sub: 7, role: 'council', exp }]) {
      expect([claims, refusal(handMade({ alg: 'HS256' }, claims))]).toEqual([claims, 'bad_actor']);
    }
    for (const token of ['', 'a.b', 'a.b.c.d', 'a.b.c', 'x y.z.w', `${b64([1])}.${b64({})}.${b64('s')}`]) {
      expect([token, refusal(token)]).toEqual([token, 'malformed']);
    }
  });

  it('read the actor from own claims only: a __proto__ claim does not make a council', () => {
    const input = `${b64({ alg: 'HS256' })}.${b64(`{"sub":"x","__proto__":{"role":"council"},"exp":${at / 1000 + 600}}`)}`;
    const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    expect(refusal(token)).toBe('bad_actor');
  });

  it('refuse a secret shorter than 32 bytes, on signing and on checking', () => {
    expect(() => signActorToken(member, { secret: 'short', expiresInSeconds: 60 })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => verifyActorToken('a.b.c', { secret: 'short' })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => signActorToken(member, { secret, expiresInSeconds: 0 })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('are issued by the issue-token command from the environment', () => {
    const env = { THIDUA_TOKEN_SECRET: secret, THIDUA_TOKEN_AUDIENCE: 'thidua' };
    const token = issueToken(['--id', 'office-sxd', '--role', 'member', '--unit', 'so-xay-dung', '--expires-in', '120'], env, now);
    expect(verifyActorToken(token, { secret, audience: 'thidua', now })).toEqual(member);
    expect(claimsOf(token)['exp']).toBe(at / 1000 + 120);
    for (const argv of [['--role', 'council'], ['--id', 'x', '--role', 'council', '--expires-in', '-5'], ['--id', 'x', '--role', 'council', '--secret', 's']]) {
      expect(() => issueToken(argv, env, now)).toThrow(expect.objectContaining({ code: 'validation_failed', message: expect.stringContaining('usage:') }));
    }
    expect(() => issueToken(['--id', 'x', '--role', 'council'], {}, now)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});
