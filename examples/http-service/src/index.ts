/**
 * @packageDocumentation
 * An HTTP backend embedding thidua on PostgreSQL, with `node:http` only:
 * authenticated callers, RFC 9457 problem details, leased projections.
 * See `README.md` for the API and its status codes.
 */

// The PostgreSQL wiring: what a backend calls.
export { createServer, type CreateServerOptions, type PostgresTarget } from './create-server';
// The service over any stores (memory, SQLite, PostgreSQL).
export { createHttpService, type HttpServiceOptions, type ProjectionLeaseOptions, type ThiduaHttpService } from './http-service';
// Who the caller is: the host's job, plugged in here; signed bearer tokens as one way to do it.
export { AUTHENTICATION_REALM, AuthenticationError, bearerTokenAuthentication, type Authenticate } from './authentication';
export {
  checkTokenSecret,
  InvalidTokenError,
  MIN_TOKEN_SECRET_BYTES,
  signActorToken,
  verifyActorToken,
  type ActorTokenKey,
  type TokenProblem,
  type VerifyActorTokenOptions,
} from './actor-tokens';
// How errors become problem details, for hosts that mount the routes in their own server.
export { HttpRequestError, problemFor, type HttpRequestErrorCode } from './http-errors';
// What /healthz reports.
export type { HealthReport, ProjectionHealth } from './projection-health';
// The headers of the API.
export { POSITION_HEADER, WAIT_FOR_HEADER } from './request';
// Settings of `main.ts`, and the token command for trying the service out.
export { serviceEnvironment, type ServiceEnvironment } from './environment';
export { issueToken, ISSUE_TOKEN_USAGE } from './token-command';
