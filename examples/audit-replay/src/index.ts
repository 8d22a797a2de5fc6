/**
 * @packageDocumentation
 * An auditor's replay of a thidua NDJSON export: verify it, then print the
 * standings as of a business date. See `README.md` and `docs/audit.md`.
 */

// The replay.
export { auditReplay, type AuditReplayOptions, type AuditReplayResult, type BadLine, type SoundReplay, type UnsoundLog } from './audit-replay';
// "As of" by business time.
export { BUSINESS_TIME_FIELD, businessTimeOf, isWithin, parseAsOf, type AsOfCut } from './business-time';
// The interchange format (one event a line, as `thidua export` writes it).
// The command line of `main.ts`.
export { runAuditReplayCli, USAGE, type CliOutput } from './cli';
