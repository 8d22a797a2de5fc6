import type { IncomingMessage } from 'node:http';
import type { Actor } from '@thidua/eventsourcing';
import { checkTokenSecret, InvalidTokenError, verifyActorToken, type VerifyActorTokenOptions } from './actor-tokens';
import { HttpRequestError } from './http-errors';

/**
 * Who sends a request: the host's authentication. thidua authorises every
 * command by the actor it is given (`role`, `unitId`) and authenticates no
 * one, so this is where a real backend checks its callers (a session, an
 * OpenID Connect token, a client certificate) and maps each to an actor.
 * Throw {@link AuthenticationError} (401) for a caller it does not know.
 */
export type Authenticate = (request: IncomingMessage) => Actor | Promise<Actor>;

/** The realm named in `WWW-Authenticate` challenges. */
export const AUTHENTICATION_REALM = 'thidua';

/**
 * The request does not say who sends it, or says it with a token that is not
 * valid: 401 with a `WWW-Authenticate: Bearer` challenge (RFC 6750), carrying
 * `error="invalid_token"` when a token was sent.
 */
export class AuthenticationError extends HttpRequestError {
  constructor(message: string, options: { invalidToken: boolean }) {
    const challenge = options.invalidToken
      ? `Bearer realm="${AUTHENTICATION_REALM}", error="invalid_token", error_description="${message.replace(/["\\]/g, '')}"`
      : `Bearer realm="${AUTHENTICATION_REALM}"`;
    super('unauthenticated', 401, message, { 'www-authenticate': challenge });
    this.name = 'AuthenticationError';
  }
}

/**
 * Authenticates requests by an `Authorization: Bearer <token>` header whose
 * token {@link verifyActorToken} accepts (HMAC-SHA256, with expiry): the
 * token's claims are the actor. Anything else is an
 * {@link AuthenticationError}.
 *
 * @example
 * const authenticate = bearerTokenAuthentication({ secret: process.env.THIDUA_TOKEN_SECRET!, audience: 'thidua' });
 * createHttpService({ eventStore, projectionStore, authenticate });
 */
export function bearerTokenAuthentication(options: VerifyActorTokenOptions): Authenticate {
  // Refuses a short secret at start-up rather than on the first request.
  checkTokenSecret(options.secret);
  return (request) => {
    const header = request.headers.authorization;
    if (header === undefined || header.trim() === '') {
      throw new AuthenticationError('Send a bearer token: Authorization: Bearer <token>', { invalidToken: false });
    }
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
    if (!match) throw new AuthenticationError('The Authorization header must be "Bearer <token>"', { invalidToken: true });
    try {
      return verifyActorToken(match[1]!, options);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new AuthenticationError(error.message, { invalidToken: true });
      throw error;
    }
  };
}
