import { ThiduaError } from '../errors/thidua-error';

/**
 * An anchor given to the audit (a file, a stored record) is not an anchor:
 * not JSON, a field missing or malformed. `source` names where it came from
 * (a file path, "stored anchor 3") so the message points at what to fix.
 */
export class AnchorFileError extends ThiduaError {
  constructor(source: string, reason: string, options?: { cause?: unknown }) {
    super('invalid_anchor', `${source} is not a thidua anchor: ${reason}`, { source, reason }, options);
    this.name = 'AnchorFileError';
  }
}

/**
 * A key given to sign or verify anchors cannot be used: not a PEM key, the
 * wrong kind (a public key where the private one is needed), or not Ed25519.
 */
export class AnchorKeyError extends ThiduaError {
  constructor(source: string, reason: string, options?: { cause?: unknown }) {
    super('invalid_key', `${source} is not a usable Ed25519 key: ${reason}`, { source, reason }, options);
    this.name = 'AnchorKeyError';
  }
}
