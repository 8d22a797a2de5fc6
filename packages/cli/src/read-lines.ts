import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { UsageError } from './exit-codes';

/** A line of an input file, numbered from 1 as an editor shows it. */
export interface NumberedLine {
  lineNumber: number;
  text: string;
  /** Bytes of the file read so far (read ahead in chunks, so a little past this line): for progress. */
  bytesRead: number;
}

/**
 * Streams a UTF-8 text file line by line (LF or CRLF), so that a large
 * export is never held whole in memory. A missing or unreadable file is a
 * usage error.
 */
export async function* readLines(path: string): AsyncGenerator<NumberedLine> {
  try {
    await access(path);
  } catch {
    throw new UsageError(`cannot read ${path}: no such file or not readable`);
  }
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      // An editor may save a byte-order mark; it is not part of the first line's JSON.
      yield { lineNumber, text: lineNumber === 1 ? line.replace(/^\uFEFF/, '') : line, bytesRead: input.bytesRead };
    }
  } finally {
    lines.close();
  }
}
