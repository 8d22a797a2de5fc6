import { z } from 'zod';
import type { RecordedEvent } from '../envelope/envelope';
import { issuesFromZod } from '../errors/from-zod';
import { unstorableTextIssue } from '../text/storable-text';

/**
 * One event of the NDJSON interchange format (`docs/audit.md`), exactly these keys
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
  data: z.json(),
  metadata: z.looseObject({
    prevHash: z.string().regex(SHA256_HEX, 'must be a SHA-256 hex digest').nullable(),
    hash: z.string().regex(SHA256_HEX, 'must be a SHA-256 hex digest'),
  }),
  recordedAt: z.iso.datetime({ offset: true }),
});

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
  const parsed = envelopeSchema.safeParse(value);
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
