import { createHmac, timingSafeEqual } from 'node:crypto';
import { actorSchema } from '@thidua/domain';
import { ValidationError, type Actor } from '@thidua/eventsourcing';

/**
 * The shortest secret accepted: 32 bytes, the size of an HMAC-SHA256 key
 * (RFC 7518 §3.2 requires a key at least as long as the hash).
 */
export const MIN_TOKEN_SECRET_BYTES = 32;

/** What signing and checking a token share: the secret, and who issues the tokens for whom. */
export interface ActorTokenKey {
  /** The HMAC-SHA256 key, at least 32 bytes; shared by the token issuer and the service only. */
  secret: string | Uint8Array;
  /** The `iss` claim written, and required when checking (e.g. `https://sso.example.gov.vn`). */
  issuer?: string;
  /** The `aud` claim written, and required when checking (e.g. `thidua`). */
  audience?: string;
}

/** Why a token was refused; the service answers each with 401. */
export type TokenProblem = 'malformed' | 'unsupported_algorithm' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'wrong_issuer' | 'wrong_audience' | 'bad_actor';

/** A bearer token that does not authenticate anyone. The message says why, without echoing the token. */
export class InvalidTokenError extends Error {
  readonly problem: TokenProblem;
  constructor(problem: TokenProblem, message: string) {
    super(message);
    this.name = 'InvalidTokenError';
    this.problem = problem;
  }
}

const HEADER = { alg: 'HS256', typ: 'JWT' } as const;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * Signs a bearer token naming `actor`: a JSON Web Token (RFC 7519) signed
 * with HMAC-SHA256, so any JWT library of the token issuer can make the same
 * ones. Claims: `sub` (the actor's id), `role`, `unitId` (when the actor has
 * one), `iat`, `exp`, and `iss` / `aud` when the key names them.
 *
 * @example
 * const token = signActorToken({ id: 'hdtdkt', role: 'council' }, { secret, expiresInSeconds: 3600 });
 * await fetch(url, { headers: { authorization: `Bearer ${token}` } });
 */
export function signActorToken(actor: Actor, options: ActorTokenKey & { expiresInSeconds: number; now?: () => number }): string {
  if (!Number.isInteger(options.expiresInSeconds) || options.expiresInSeconds <= 0) {
    throw new ValidationError(`expiresInSeconds must be a positive whole number, got ${options.expiresInSeconds}`, [
      { path: 'expiresInSeconds', message: 'must be a positive whole number of seconds' },
    ]);
  }
  const checked = parseActor({ sub: actor.id, role: actor.role, unitId: actor.unitId });
  if (checked === null) throw new ValidationError('Not an actor', [{ path: 'actor', message: 'must be { id, role, unitId? }' }]);
  const issuedAt = Math.floor((options.now ?? Date.now)() / 1000);
  const claims = {
    sub: checked.id,
    role: checked.role,
    ...(checked.unitId === undefined ? {} : { unitId: checked.unitId }),
    ...(options.issuer === undefined ? {} : { iss: options.issuer }),
    ...(options.audience === undefined ? {} : { aud: options.audience }),
    iat: issuedAt,
    exp: issuedAt + options.expiresInSeconds,
  };
  const signingInput = `${base64url(JSON.stringify(HEADER))}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${sign(keyOf(options.secret), signingInput).toString('base64url')}`;
}

/** Options of {@link verifyActorToken}. */
export interface VerifyActorTokenOptions extends ActorTokenKey {
  /** Seconds of clock difference allowed between the issuer and this server for `exp` and `nbf` (default 30). */
  clockToleranceSeconds?: number;
  /** The clock, ms since the epoch (default `Date.now`); tests pass a fixed one. */
  now?: () => number;
}

/**
 * Checks a token made by {@link signActorToken} (or by any JWT library with
 * HS256 and the same claims) and returns its actor. Refused, with an
 * {@link InvalidTokenError}: anything but three base64url parts; any
 * algorithm but HS256 (`none` above all: the header never chooses how it is
 * checked); a signature that is not the key's (compared in constant time);
 * a missing or passed `exp`; an `nbf` still ahead; another `iss` or `aud`
 * than the key names; claims that are not an actor.
 */
export function verifyActorToken(token: string, options: VerifyActorTokenOptions): Actor {
  const key = keyOf(options.secret);
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) {
    throw new InvalidTokenError('malformed', 'The bearer token is not a signed token (three base64url parts)');
  }
  const [encodedHeader, encodedClaims, encodedSignature] = parts as [string, string, string];
  const header = parseJsonObject(encodedHeader);
  if (header === null) throw new InvalidTokenError('malformed', 'The token header is not a JSON object');
  if (header['alg'] !== 'HS256' || 'crit' in header) {
    throw new InvalidTokenError('unsupported_algorithm', 'The token must be signed with HS256');
  }
  const expected = sign(key, `${encodedHeader}.${encodedClaims}`);
  const given = Buffer.from(encodedSignature, 'base64url');
  // The length of an HMAC-SHA256 is public (32 bytes); only the bytes are compared in constant time.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidTokenError('bad_signature', 'The token signature is not valid');
  }
  const claims = parseJsonObject(encodedClaims);
  if (claims === null) throw new InvalidTokenError('malformed', 'The token claims are not a JSON object');
  const now = (options.now ?? Date.now)() / 1000;
  const tolerance = options.clockToleranceSeconds ?? 30;
  const exp = claims['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new InvalidTokenError('malformed', 'The token has no expiry (exp)');
  if (now - tolerance >= exp) throw new InvalidTokenError('expired', 'The token has expired');
  const nbf = claims['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || now + tolerance < nbf)) {
    throw new InvalidTokenError('not_yet_valid', 'The token is not valid yet (nbf)');
  }
  if (options.issuer !== undefined && claims['iss'] !== options.issuer) {
    throw new InvalidTokenError('wrong_issuer', 'The token was issued by someone else (iss)');
  }
  if (options.audience !== undefined && !audienceIncludes(claims['aud'], options.audience)) {
    throw new InvalidTokenError('wrong_audience', 'The token is meant for another service (aud)');
  }
  const actor = parseActor(claims);
  if (actor === null) throw new InvalidTokenError('bad_actor', 'The token does not name an actor (sub, role, unitId)');
  return actor;
}

/**
 * Throws `validation_failed` when `secret` is shorter than
 * {@link MIN_TOKEN_SECRET_BYTES}: a short secret can be guessed offline from
 * a single token.
 */
export function checkTokenSecret(secret: string | Uint8Array): void {
  keyOf(secret);
}

function keyOf(secret: string | Uint8Array): Buffer {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (key.length < MIN_TOKEN_SECRET_BYTES) {
    throw new ValidationError(`The token secret must be at least ${MIN_TOKEN_SECRET_BYTES} bytes`, [
      { path: 'secret', message: `must be at least ${MIN_TOKEN_SECRET_BYTES} bytes, e.g. from \`openssl rand -base64 32\`` },
    ]);
  }
  return key;
}

function sign(key: Buffer, signingInput: string): Buffer {
  return createHmac('sha256', key).update(signingInput).digest();
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function parseJsonObject(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function audienceIncludes(aud: unknown, audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.includes(audience));
}

/** The actor of the claims, through the domain's own schema; own properties only, as JSON.parse makes them. */
function parseActor(claims: Record<string, unknown>): Actor | null {
  const own = (name: string) => (Object.hasOwn(claims, name) ? claims[name] : undefined);
  const unitId = own('unitId');
  const parsed = actorSchema.safeParse({ id: own('sub'), role: own('role'), ...(unitId === undefined ? {} : { unitId }) });
  if (!parsed.success) return null;
  const { id, role } = parsed.data;
  return parsed.data.unitId === undefined ? { id, role } : { id, role, unitId: parsed.data.unitId };
}
