import { createHash, type Hash } from 'node:crypto';
import type { RecordedEvent } from '../envelope/envelope';
import { canonicalJson } from '../hash-chain/canonical-json';

/** The last event of one stream, as a digest sees it. */
export interface StreamTipFact {
  streamId: string;
  revision: bigint;
  hash: string;
}

/**
 * SHA-256 (hex) over every stream tip: the canonical JSON of
 * `[[streamId, revision, hash], …]` sorted by stream id (UTF-16 code units),
 * the revision as a decimal string. Sorting makes it independent of the order
 * the streams were met in, so any store holding the same log gives the same
 * digest.
 */
export function tipsDigest(tips: Iterable<StreamTipFact>): string {
  const rows = [...tips].map((tip) => [tip.streamId, tip.revision.toString(), tip.hash] as const);
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return createHash('sha256').update(canonicalJson(rows)).digest('hex');
}

/**
 * SHA-256 (hex) over every event up to a position, fed in position order:
 * one canonical JSON line `[position, streamId, revision, id, recordedAt,
 * hash]` per event (bigints as decimal strings). It covers what the hash
 * chain does not (the event id, `recordedAt`, the position, the interleaving
 * of streams), and through `hash` everything the chain does.
 */
export class EventsDigest {
  private readonly hash: Hash = createHash('sha256');

  /** Adds the next event (raw, in position order). */
  add(event: RecordedEvent): void {
    const line = canonicalJson([
      event.position.toString(),
      event.streamId,
      event.revision.toString(),
      event.id,
      event.recordedAt,
      typeof event.metadata?.hash === 'string' ? event.metadata.hash : null,
    ]);
    this.hash.update(`${line}\n`);
  }

  /** The digest of what was added; call once. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
