import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { UsageError } from './exit-codes';
import { currentIo } from './io';

/** A line of an input file, numbered from 1 as an editor shows it. */
export interface NumberedLine {
  lineNumber: number;
  text: string;
  /** Bytes of the file read so far (read ahead in chunks, so a little past this line): for progress. */
  bytesRead: number;
}

/** The `<file>` argument that means standard input. */
export const STDIN = '-';

/** How an input is named in messages: its path, or `stdin`. */
export function inputName(path: string): string {
  return path === STDIN ? 'stdin' : path;
}

/**
 * Streams a UTF-8 text file line by line (LF or CRLF), so that a large
 * export is never held whole in memory; `-` reads the run's standard input.
 * A missing or unreadable file is a usage error.
 */
export async function* readLines(path: string): AsyncGenerator<NumberedLine> {
  let input: Readable & { bytesRead?: number };
  if (path === STDIN) {
    input = currentIo().stdin;
    input.setEncoding('utf8');
  } else {
    try {
      await access(path);
    } catch {
      throw new UsageError(`cannot read ${path}: no such file or not readable`);
    }
    input = createReadStream(path, { encoding: 'utf8' });
  }
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  let bytes = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      // A pipe has no byte count of its own: count what was read, for progress.
      bytes += Buffer.byteLength(line) + 1;
      // An editor may save a byte-order mark; it is not part of the first line's JSON.
      yield { lineNumber, text: lineNumber === 1 ? line.replace(/^\uFEFF/, '') : line, bytesRead: input.bytesRead ?? bytes };
    }
  } finally {
    lines.close();
  }
}
