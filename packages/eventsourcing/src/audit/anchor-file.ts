import { z } from 'zod';
import type { Anchor } from './anchor';
import { AnchorFileError } from './audit-errors';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest in lowercase hex');

/**
 * The anchor file: JSON, the position as a decimal string (positions may
 * exceed what a JSON number holds exactly). `eventsDigest` is optional so an
 * anchor with only the original fields still reads; unknown fields are
 * refused, since the signature would not cover them.
 */
export const anchorFileSchema = z.strictObject({
  position: z.string().regex(/^(0|[1-9][0-9]*)$/, 'must be a decimal string'),
  streams: z.number().int().min(0),
  tipsDigest: sha256Hex,
  eventsDigest: sha256Hex.optional(),
  anchoredAt: z.iso.datetime({ offset: true }),
  signature: z.base64().optional(),
});

/** An anchor as it is written to a file or stored: plain JSON. */
export type AnchorFile = z.infer<typeof anchorFileSchema>;

/** The file form of an anchor. */
export function anchorToFile(anchor: Anchor): AnchorFile {
  return {
    position: anchor.position.toString(),
    streams: anchor.streams,
    tipsDigest: anchor.tipsDigest,
    ...(anchor.eventsDigest !== undefined ? { eventsDigest: anchor.eventsDigest } : {}),
    anchoredAt: anchor.anchoredAt,
    ...(anchor.signature !== undefined ? { signature: anchor.signature } : {}),
  };
}

/** An anchor as the text of an anchor file (pretty JSON, one trailing newline). */
export function anchorToJson(anchor: Anchor): string {
  return `${JSON.stringify(anchorToFile(anchor), null, 2)}\n`;
}

/**
 * Reads an anchor from its file form (parsed JSON) or the file's text;
 * `source` names it in the {@link AnchorFileError} thrown for anything else.
 */
export function parseAnchor(input: unknown, source = 'the anchor'): Anchor {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (error) {
      throw new AnchorFileError(source, 'not JSON', { cause: error });
    }
  }
  const parsed = anchorFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new AnchorFileError(source, `${where}${issue?.message ?? 'invalid'}`, { cause: parsed.error });
  }
  const file = parsed.data;
  return {
    position: BigInt(file.position),
    streams: file.streams,
    tipsDigest: file.tipsDigest,
    ...(file.eventsDigest !== undefined ? { eventsDigest: file.eventsDigest } : {}),
    anchoredAt: file.anchoredAt,
    ...(file.signature !== undefined ? { signature: file.signature } : {}),
  };
}
