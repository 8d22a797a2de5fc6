import * as cryptoModule from 'node:crypto';
import { createHash } from 'node:crypto';
import type { EventMetadata, RecordedEvent } from '../envelope/envelope';
import { canonicalJson, canonicalJsonWithoutHashes } from './canonical-json';

/** The fields an event hash covers (see `docs/concepts.md`, "Hash chain"). Position, id and recordedAt are store-assigned and not covered. */
export interface HashedFields {
  streamId: string;
  revision: bigint;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: Record<string, unknown>;
}

/** Metadata as hashed: everything but `prevHash` and `hash`. */
export function metadataWithoutHashes(metadata: Record<string, unknown>): Record<string, unknown> {
  const { prevHash: _prev, hash: _hash, ...rest } = metadata;
  return rest;
}

/**
 * SHA-256 (hex) over the previous hash (empty for a stream's first event), a
 * newline, and the canonical JSON of the covered fields. Revision is hashed as
 * a decimal string, since JSON has no bigint.
 */
export function computeEventHash(prevHash: string | null, fields: HashedFields): string {
  return sha256Hex(`${prevHash ?? ''}\n${hashedBody(fields)}`);
}

/**
 * `canonicalJson` of the covered fields, written out in their sorted key
 * order (data, metadata, revision, schemaVersion, streamId, type) instead of
 * building and sorting a wrapper object for every event. Anything unusual (a
 * missing member, which canonical JSON would drop, or metadata that is not a
 * plain object) takes the general path so the bytes stay the same.
 */
function hashedBody(fields: HashedFields): string {
  const { streamId, revision, type, schemaVersion, data, metadata } = fields;
  const regular =
    data !== undefined &&
    type !== undefined &&
    schemaVersion !== undefined &&
    streamId !== undefined &&
    typeof metadata === 'object' &&
    metadata !== null &&
    !Array.isArray(metadata);
  if (!regular) {
    return canonicalJson({
      streamId,
      revision: revision.toString(),
      type,
      schemaVersion,
      data,
      metadata: metadataWithoutHashes(metadata),
    });
  }
  return (
    `{"data":${canonicalJson(data)},"metadata":${canonicalJsonWithoutHashes(metadata)},` +
    `"revision":${JSON.stringify(revision.toString())},"schemaVersion":${canonicalJson(schemaVersion)},` +
    `"streamId":${canonicalJson(streamId)},"type":${canonicalJson(type)}}`
  );
}

/** One-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object; older Node 20 releases fall back to `createHash`. */
const oneShotHash = (cryptoModule as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

function sha256Hex(input: string): string {
  return oneShotHash ? oneShotHash('sha256', input, 'hex') : createHash('sha256').update(input).digest('hex');
}

/** An event ready to be written: revision assigned, hashes computed. */
export interface SealedEvent {
  id: string;
  revision: bigint;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
}

/** Assigns revisions after `tip` and chains the hashes. Pure; used by every store. */
export function sealEvents(
  streamId: string,
  tip: { revision: bigint | null; hash: string | null },
  events: readonly { id: string; type: string; schemaVersion: number; data: unknown; metadata: Record<string, unknown> }[],
): SealedEvent[] {
  let prevHash = tip.hash;
  let revision = tip.revision ?? -1n;
  return events.map((event) => {
    revision += 1n;
    const metadata = metadataWithoutHashes(event.metadata);
    const hash = computeEventHash(prevHash, {
      streamId,
      revision,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata,
    });
    // `metadata` is our own copy (metadataWithoutHashes): extend it rather than copy it again.
    metadata.prevHash = prevHash;
    metadata.hash = hash;
    const sealed: SealedEvent = {
      id: event.id,
      revision,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: metadata as EventMetadata,
    };
    prevHash = hash;
    return sealed;
  });
}

/** Where a chain first breaks. */
export interface ChainBreak {
  streamId: string;
  revision: bigint;
  position: bigint;
  eventId: string;
  reason: string;
}

/**
 * Checks events of any number of streams, in store order, one at a time.
 * Keeps only each stream's last revision and hash, so it scales to a whole
 * `$all` read. Events must be as stored (raw), not upcast.
 */
export class ChainVerifier {
  private readonly tips = new Map<string, { revision: bigint; hash: string }>();
  private checked = 0;

  /** Returns the break this event shows, or `null` when it extends its chain correctly. */
  check(event: RecordedEvent): ChainBreak | null {
    const at = { streamId: event.streamId, revision: event.revision, position: event.position, eventId: event.id };
    const tip = this.tips.get(event.streamId);
    const expectedRevision = tip === undefined ? 0n : tip.revision + 1n;
    if (event.revision !== expectedRevision) {
      return { ...at, reason: `revision ${event.revision} where ${expectedRevision} was expected` };
    }
    const expectedPrev = tip?.hash ?? null;
    const prevHash = event.metadata?.prevHash ?? null;
    if (prevHash !== expectedPrev) {
      return { ...at, reason: `prevHash ${String(prevHash)} does not match the previous event's hash ${String(expectedPrev)}` };
    }
    let actual: string;
    try {
      actual = computeEventHash(expectedPrev, {
        streamId: event.streamId,
        revision: event.revision,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
        metadata: event.metadata ?? {},
      });
    } catch (error) {
      return { ...at, reason: `cannot hash event: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (actual !== event.metadata?.hash) {
      return { ...at, reason: `hash ${String(event.metadata?.hash)} does not match recomputed ${actual} (content was altered)` };
    }
    this.tips.set(event.streamId, { revision: event.revision, hash: actual });
    this.checked += 1;
    return null;
  }

  /** How many events have verified so far. */
  get verifiedCount(): number {
    return this.checked;
  }
}

/** Verifies a sequence of raw events; returns the first break, or null when every chain is sound. */
export async function verifyChains(
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
): Promise<{ verified: number; firstBreak: ChainBreak | null }> {
  const verifier = new ChainVerifier();
  for await (const event of events) {
    const broken = verifier.check(event);
    if (broken) return { verified: verifier.verifiedCount, firstBreak: broken };
  }
  return { verified: verifier.verifiedCount, firstBreak: null };
}
