/**
 * @packageDocumentation
 * RFC 9457 problem details for HTTP hosts of thidua. An edge adapter on its
 * own subpath (`@thidua/eventsourcing/problem-details`): the kernel's errors
 * carry stable codes and no HTTP status; this maps each code to one.
 */

// Error → problem details (the body), and → a whole response (status, headers, body).
export {
  createProblemDetails,
  DEFAULT_PROBLEM_TYPE_BASE,
  PROBLEM_CONTENT_TYPE,
  problemResponse,
  toProblemDetails,
  type ProblemDetails,
  type ProblemDetailsOptions,
  type ProblemResponse,
} from './problem-details';
// The status and title of every error code, for hosts that document or test their API.
export { INTERNAL_PROBLEM_CODE, PROBLEM_TYPES, problemTypeOf, type ProblemType } from './problem-types';
