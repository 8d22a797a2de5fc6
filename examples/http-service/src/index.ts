/**
 * @packageDocumentation
 * An HTTP backend embedding thidua on PostgreSQL, with `node:http` only.
 * See `README.md` for the API and its status codes.
 */

// The PostgreSQL wiring: what a backend calls.
export { createServer, type CreateServerOptions, type PostgresTarget } from './create-server';
// The service over any stores (memory, SQLite, PostgreSQL).
export { createHttpService, type HttpServiceOptions, type ThiduaHttpService } from './http-service';
// How errors become statuses, for hosts that mount the routes in their own server.
export { errorResponse, HttpRequestError, STATUS_BY_CODE, type ErrorResponse, type HttpRequestErrorCode } from './http-errors';
// The headers of the API.
export { ACTOR_HEADER, POSITION_HEADER, WAIT_FOR_HEADER } from './request';
// Settings of `main.ts`.
export { serviceEnvironment, type ServiceEnvironment } from './environment';
