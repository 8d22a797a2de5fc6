import { z } from 'zod';
import type { RecordedEvent } from '../envelope/envelope';
import { issuesFromZod } from '../errors/from-zod';
import { unstorableTextIssue } from '../text/storable-text';

/**
 * One event of the NDJSON interchange format (`thidua export`, `thidua import`), exactly these keys
 * in this order. `revision` is a decimal string because JSON has no 64-bit
 * integer; the global position is left out on purpose: it belongs to the
 * store that assigned it.
 */
export interface NdjsonEvent {
  streamId: string;
  revision: string;
  id: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: Record<string, unknown> & { prevHash: string | null; hash: string };
  recordedAt: string;
}

/** The NDJSON line of a raw event (read with `raw: true`: as stored, not upcast), with its final newline. */
export function toNdjsonLine(event: RecordedEvent): string {
  const line: NdjsonEvent = {
    streamId: event.streamId,
    revision: event.revision.toString(),
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
  };
  return `${JSON.stringify(line)}\n`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The envelope of a line, strict: an unknown key (a `position`, a misspelt
 * field) is refused rather than dropped, since an audited log must come back
 * exactly as it left.
 */
const envelopeSchema = z.strictObject({
  streamId: z.string().regex(/^[^\s]{1,200}$/, 'must be 1–200 characters without whitespace'),
  revision: z.string().regex(/^(0|[1-9][0-9]*)$/, 'must be a decimal string such as "0"'),
  id: z.string().regex(UUID, 'must be a uuid'),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  // The line came from JSON.parse, so `data` is JSON already: only its presence is checked (a deep z.json() walk
  // of every payload cost a fifth of an import).
  data: z.custom<unknown>((value) => value !== undefined, 'is required'),
  metadata: z.looseObject({
    prevHash: z.string().regex(SHA256_HEX, 'must be a SHA-256 hex digest').nullable(),
    hash: z.string().regex(SHA256_HEX, 'must be a SHA-256 hex digest'),
  }),
  recordedAt: z.iso.datetime({ offset: true }),
});

const ENVELOPE_KEYS = ['streamId', 'revision', 'id', 'type', 'schemaVersion', 'data', 'metadata', 'recordedAt'];
const STREAM_ID = /^[^\s]{1,200}$/;
const REVISION = /^(0|[1-9][0-9]*)$/;
const isoDateTime = z.iso.datetime({ offset: true });

/**
 * The envelope schema's checks written out, for the common case of a good
 * line: an import checks every line twice (plan, then apply), and zod's walk
 * of the object was a fifth of it. It accepts exactly what `envelopeSchema`
 * accepts or less (the date still goes through zod's own check); anything it
 * does not accept goes through the schema, which then says what is wrong.
 */
function isPlainEnvelope(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const line = value as Record<string, unknown>;
  const keys = Object.keys(line);
  if (keys.length !== ENVELOPE_KEYS.length || !ENVELOPE_KEYS.every((key) => Object.hasOwn(line, key))) return false;
  const { streamId, revision, id, type, schemaVersion, data, metadata, recordedAt } = line;
  if (typeof streamId !== 'string' || !STREAM_ID.test(streamId)) return false;
  if (typeof revision !== 'string' || !REVISION.test(revision)) return false;
  if (typeof id !== 'string' || !UUID.test(id)) return false;
  if (typeof type !== 'string' || type.length === 0) return false;
  if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion) || schemaVersion <= 0) return false;
  if (data === undefined) return false;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return false;
  const { prevHash, hash } = metadata as Record<string, unknown>;
  if (!(prevHash === null || (typeof prevHash === 'string' && SHA256_HEX.test(prevHash)))) return false;
  if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) return false;
  return typeof recordedAt === 'string' && isoDateTime.safeParse(recordedAt).success;
}

/**
 * A line read: the event, or why it is not one (with the `streamId` when the
 * line names one, so a reader can stop trusting the rest of that stream).
 */
export type ParsedNdjsonLine =
  | { ok: true; event: NdjsonEvent; revision: bigint }
  | { ok: false; reason: string; streamId?: string };

/** Parses one NDJSON line into an event envelope, or says what is wrong with it. */
export function parseNdjsonLine(text: string): ParsedNdjsonLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = isPlainEnvelope(value) ? ({ success: true } as const) : envelopeSchema.safeParse(value);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error);
    const reason = `not an event envelope: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
    const streamId = (value as { streamId?: unknown } | null)?.streamId;
    return typeof streamId === 'string' ? { ok: false, reason, streamId } : { ok: false, reason };
  }
  // The value as written, not zod's output: zod may rebuild objects, and the hash covers what the file says.
  const event = value as NdjsonEvent;
  // Refused here, before any append, as the kernel refuses it on append: a log must import into every store.
  const unstorable = unstorableTextIssue(event, '');
  if (unstorable) {
    return { ok: false, reason: `text not every store can hold at ${unstorable.path}: ${unstorable.message}`, streamId: event.streamId };
  }
  return { ok: true, event, revision: BigInt(event.revision) };
}

/**
 * A parsed line as a recorded event, for the chain verifier or an in-memory
 * replay. `position` is the caller's choice: the line number, so that errors
 * name the line.
 */
export function recordedFromNdjson(event: NdjsonEvent, revision: bigint, position: bigint): RecordedEvent {
  return {
    id: event.id,
    streamId: event.streamId,
    revision,
    position,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
  };
}
