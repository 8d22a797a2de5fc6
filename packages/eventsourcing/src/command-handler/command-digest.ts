import { createHash } from 'node:crypto';
import { canonicalJson } from '../hash-chain/canonical-json';
import type { Command } from './command';

/** Metadata key under which the command handler records the digest of the command that appended an event. */
export const COMMAND_DIGEST_KEY = 'commandDigest';

/**
 * SHA-256 (hex) over the canonical JSON of what makes a command that
 * command: its name, actor and data. Correlation and causation ids are left
 * out: they say where a request came from, and a re-send may come from
 * elsewhere. Stored in the metadata of the events a command appends, it lets
 * the handler tell a re-sent command from a different one that reuses its
 * `commandId`, without knowing anything of the domain.
 */
export function commandDigest(command: Pick<Command, 'command' | 'actor' | 'data'>): string {
  const body = canonicalJson({ command: command.command, actor: command.actor, data: command.data });
  return createHash('sha256').update(body).digest('hex');
}
