export {
  anchorPrivateKey,
  anchorPublicKey,
  anchorSigningPayload,
  createAnchor,
  signAnchor,
  verifyAnchor,
  type Anchor,
  type AnchorKey,
  type CreateAnchorOptions,
} from './anchor';
export { anchorFileSchema, anchorToFile, anchorToJson, parseAnchor, type AnchorFile } from './anchor-file';
export { AnchorFileError, AnchorKeyError } from './audit-errors';
export type { AuditLogFacts, AuditRule, AuditRuleRun } from './audit-rule';
export { EventsDigest, tipsDigest, type StreamTipFact } from './log-digests';
export {
  AUDIT_CHECKS,
  MAX_FINDINGS,
  describeFinding,
  verifyLog,
  type AuditCheckName,
  type AuditCheckResult,
  type AuditEventRef,
  type AuditFinding,
  type AuditReplay,
  type AuditReport,
  type VerifyLogOptions,
} from './verify-log';
