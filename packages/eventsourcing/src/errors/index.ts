export { ThiduaError, isThiduaError, type ErrorCode } from './thidua-error';
export {
  ValidationError,
  NotFoundError,
  ForbiddenError,
  RuleViolationError,
  ConcurrencyError,
  CorruptLogError,
  TimeoutError,
  ProjectionFailedError,
  ProjectionOutdatedError,
  type ValidationIssue,
} from './errors';
export {
  CommandIdReusedError,
  DuplicateEventIdError,
  UnsupportedOperationError,
  type CommandFirstUse,
  type EventPlace,
} from './integrity-errors';
export { AppendTooLargeError, StreamDeletedError } from './store-limit-errors';
export { StoreUnavailableError, isTransientStoreError, withoutCredentials } from './store-unavailable';
export { issuesFromZod, parseOrThrow } from './from-zod';
