import type { RecordedEvent } from '../envelope/envelope';

/** What a rule may ask about the whole log once every event was seen. */
export interface AuditLogFacts {
  /** True when the log holds at least one event of this stream. */
  streamExists(streamId: string): boolean;
}

/** One verification's run of a rule: it sees every event once, in position order. */
export interface AuditRuleRun {
  /**
   * Sees the next event whose payload the registry accepted, parsed (upcast
   * to its current version); returns what is impossible about it, or `null`.
   */
  check(event: RecordedEvent): string | null;
  /** After the last event: what only the whole log shows (an event about a stream the log does not hold). */
  finish?(log: AuditLogFacts): ReadonlyArray<{ event: RecordedEvent; problem: string }>;
}

/**
 * An order the domain makes impossible, so that a log showing it was edited
 * (a score recorded after scoring closed, a rank for a pledge that is not in
 * the log). The kernel knows no domain: a domain package supplies its rules
 * and `verifyLog` runs them. `start` gives fresh state for each run.
 */
export interface AuditRule {
  /** Names the rule in findings, e.g. `score-after-scoring-closed`. */
  readonly name: string;
  start(): AuditRuleRun;
}
