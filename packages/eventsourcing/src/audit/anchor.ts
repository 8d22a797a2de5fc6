import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { EventStore } from '../event-store/event-store';
import { canonicalJson } from '../hash-chain/canonical-json';
import { AnchorKeyError } from './audit-errors';
import { EventsDigest, tipsDigest, type StreamTipFact } from './log-digests';

/**
 * A log head, taken at one moment, that later verifications check the log
 * still extends. Kept outside the database (a file, a ledger, a letter to
 * the council), it shows what the hash chain cannot: a cut tail, a deleted
 * stream, a forged or rewritten tail, events swapped between streams.
 */
export interface Anchor {
  /** The position of the last event anchored (`0n` for an empty log). */
  position: bigint;
  /** How many streams the log held up to `position`. */
  streams: number;
  /** SHA-256 over the sorted streamId, revision and hash of every stream tip (see `tipsDigest`). */
  tipsDigest: string;
  /**
   * SHA-256 over every event up to `position` (see `EventsDigest`): covers
   * event ids, `recordedAt` and positions, which the chain does not. Always
   * written by {@link createAnchor}; optional when read, so an anchor with
   * only the other fields still verifies (that check is then skipped).
   */
  eventsDigest?: string;
  /** When it was taken, ISO-8601 UTC. */
  anchoredAt: string;
  /** Ed25519 over {@link anchorSigningPayload}, base64; absent for an unsigned anchor. */
  signature?: string;
}

/** A key as `createAnchor` and `verifyLog` take it: a `KeyObject` or PEM text. */
export type AnchorKey = KeyObject | string;

/** Options of {@link createAnchor}. */
export interface CreateAnchorOptions {
  /** Signs the anchor (Ed25519 private key). Without one the anchor is unsigned. */
  privateKey?: AnchorKey;
  /** The clock for `anchoredAt` (default: now). */
  now?: () => Date;
}

/**
 * The bytes a signature covers: the kernel's canonical JSON of every field
 * but `signature`, with the position as a decimal string (as in the file).
 */
export function anchorSigningPayload(anchor: Anchor): Buffer {
  const fields: Record<string, unknown> = {
    position: anchor.position.toString(),
    streams: anchor.streams,
    tipsDigest: anchor.tipsDigest,
    anchoredAt: anchor.anchoredAt,
  };
  if (anchor.eventsDigest !== undefined) fields['eventsDigest'] = anchor.eventsDigest;
  return Buffer.from(canonicalJson(fields), 'utf8');
}

/** An Ed25519 private key from a `KeyObject` or PEM text, or an {@link AnchorKeyError}. */
export function anchorPrivateKey(key: AnchorKey, source = 'the private key'): KeyObject {
  let object: KeyObject;
  try {
    object = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch (error) {
    throw new AnchorKeyError(source, 'not a PEM private key (make one with: openssl genpkey -algorithm ed25519)', { cause: error });
  }
  if (object.type !== 'private') throw new AnchorKeyError(source, `a ${object.type} key where the private key is needed`);
  if (object.asymmetricKeyType !== 'ed25519') throw new AnchorKeyError(source, `a ${String(object.asymmetricKeyType)} key, not ed25519`);
  return object;
}

/** An Ed25519 public key from a `KeyObject` or PEM text (a private key gives its public half), or an {@link AnchorKeyError}. */
export function anchorPublicKey(key: AnchorKey, source = 'the public key'): KeyObject {
  let object: KeyObject;
  try {
    object = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  } catch (error) {
    throw new AnchorKeyError(source, 'not a PEM public key (openssl pkey -in private.pem -pubout gives it)', { cause: error });
  }
  if (object.asymmetricKeyType !== 'ed25519') throw new AnchorKeyError(source, `a ${String(object.asymmetricKeyType)} key, not ed25519`);
  return object;
}

/** Signs an anchor: the same fields with `signature` set. */
export function signAnchor(anchor: Anchor, privateKey: AnchorKey): Anchor {
  const { signature: _unsigned, ...fields } = anchor;
  const key = anchorPrivateKey(privateKey);
  // Ed25519 hashes internally: node:crypto takes null as the digest.
  return { ...fields, signature: sign(null, anchorSigningPayload(fields), key).toString('base64') };
}

/**
 * Checks an anchor's signature: `'valid'`, `'invalid'` (the signature does
 * not match its fields under this key: altered, or signed by another key),
 * or `'unsigned'`.
 */
export function verifyAnchor(anchor: Anchor, publicKey: AnchorKey): 'valid' | 'invalid' | 'unsigned' {
  if (anchor.signature === undefined) return 'unsigned';
  const key = anchorPublicKey(publicKey);
  const signature = Buffer.from(anchor.signature, 'base64');
  return verify(null, anchorSigningPayload(anchor), key, signature) ? 'valid' : 'invalid';
}

/**
 * Takes an anchor of the log as it is now: the head position, the number of
 * streams, the digest of every stream tip and of every event, signed when
 * given a private key. Reads the whole log once (raw). The store is not
 * changed: recording the anchor in the store, where it can, is
 * `eventStore.recordAnchor`, and keeping it elsewhere is up to the caller.
 *
 * @example
 * const anchor = await createAnchor(store, { privateKey: readFileSync('anchor-key.pem', 'utf8') });
 * writeFileSync('anchor.json', anchorToJson(anchor));
 */
export async function createAnchor(eventStore: EventStore, options: CreateAnchorOptions = {}): Promise<Anchor> {
  // Resolved before the read, so a bad key fails at once rather than after a long log.
  const key = options.privateKey === undefined ? undefined : anchorPrivateKey(options.privateKey);
  const head = (await eventStore.headPosition()) ?? 0n;
  const tips = new Map<string, StreamTipFact>();
  const events = new EventsDigest();
  let position = 0n;
  // Events appended while this runs lie after the head read first: they belong to the next anchor.
  for await (const event of eventStore.readAll({ raw: true })) {
    if (event.position > head) break;
    events.add(event);
    tips.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: String(event.metadata?.hash ?? '') });
    position = event.position;
  }
  const anchor: Anchor = {
    position,
    streams: tips.size,
    tipsDigest: tipsDigest(tips.values()),
    eventsDigest: events.digest(),
    anchoredAt: (options.now ?? (() => new Date()))().toISOString(),
  };
  return key ? signAnchor(anchor, key) : anchor;
}
