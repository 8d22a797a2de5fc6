import type { ExpectedRevision } from '../event-store/expected-revision';
import { ThiduaError } from './thidua-error';

/** One problem found by validation: where (`path`) and what. */
export interface ValidationIssue {
  path: string;
  message: string;
  code?: string;
}

/** Input (a command, an event payload, an import line) failed its schema. */
export class ValidationError extends ThiduaError {
  readonly issues: readonly ValidationIssue[];
  constructor(message: string, issues: readonly ValidationIssue[], options?: { cause?: unknown }) {
    super('validation_failed', message, { issues }, options);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

export class NotFoundError extends ThiduaError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('not_found', message, details);
    this.name = 'NotFoundError';
  }
}

export class ForbiddenError extends ThiduaError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('forbidden', message, details);
    this.name = 'ForbiddenError';
  }
}

/** A business rule refused the command; `rule` is a stable dotted code such as `score.exceeds_max`. */
export class RuleViolationError extends ThiduaError {
  readonly rule: string;
  constructor(rule: string, message: string, details: Record<string, unknown> = {}) {
    super('rule_violated', message, { rule, ...details });
    this.name = 'RuleViolationError';
    this.rule = rule;
  }
}

/** `actual` is the stream's last revision, or `null` when the stream does not exist. */
export class ConcurrencyError extends ThiduaError {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  readonly actual: bigint | null;
  constructor(streamId: string, expected: ExpectedRevision, actual: bigint | null) {
    super(
      'concurrency',
      `Stream ${streamId}: expected revision ${String(expected)}, actual ${actual === null ? 'no stream' : actual.toString()}`,
      { streamId, expected, actual },
    );
    this.name = 'ConcurrencyError';
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Something read back from a store (or an import) is not a valid event of this log. */
export class CorruptLogError extends ThiduaError {
  readonly streamId: string;
  readonly revision: bigint | null;
  readonly reason: string;
  constructor(
    streamId: string,
    revision: bigint | null,
    reason: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(
      'corrupt_log',
      `Corrupt event at ${streamId}@${revision === null ? '?' : revision.toString()}: ${reason}`,
      { streamId, revision, reason, ...details },
      options,
    );
    this.name = 'CorruptLogError';
    this.streamId = streamId;
    this.revision = revision;
    this.reason = reason;
  }
}

/** A wait (read-your-writes, lease, subscription) did not finish in time. */
export class TimeoutError extends ThiduaError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('timeout', message, details);
    this.name = 'TimeoutError';
  }
}

/** A projection's handler threw; the batch was discarded and the checkpoint kept. */
export class ProjectionFailedError extends ThiduaError {
  constructor(
    projection: string,
    event: { streamId: string; revision: bigint; position: bigint; type: string },
    cause: unknown,
  ) {
    super(
      'projection_failed',
      `Projection ${projection} failed on ${event.type} at ${event.streamId}@${event.revision.toString()} (position ${event.position.toString()}): ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        projection,
        streamId: event.streamId,
        revision: event.revision,
        position: event.position,
        type: event.type,
      },
      { cause },
    );
    this.name = 'ProjectionFailedError';
  }
}

/**
 * The projection store holds documents built by a newer version of this
 * projection: this process runs older code (a rolling deploy) and must not
 * overwrite them.
 */
export class ProjectionOutdatedError extends ThiduaError {
  constructor(projection: string, version: number, storedVersion: number) {
    super(
      'projection_outdated',
      `Projection ${projection} v${version} is older than the stored v${storedVersion}: this process runs outdated code`,
      { projection, version, storedVersion },
    );
    this.name = 'ProjectionOutdatedError';
  }
}
