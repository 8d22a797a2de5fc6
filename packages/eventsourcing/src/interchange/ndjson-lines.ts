import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One line of an NDJSON input, numbered from 1 as an editor shows it. */
export interface NdjsonLine {
  lineNumber: number;
  text: string;
  /** Bytes of the input read so far, when known: for progress. */
  bytesRead?: number;
}

/**
 * An NDJSON input that can be read more than once: import planning reads
 * it to validate, and the import reads it again to append, so that a large
 * export is never held whole in memory.
 */
export type NdjsonLines = () => AsyncIterable<NdjsonLine>;

/** The lines of a UTF-8 file (LF or CRLF), streamed; a byte-order mark before the first line is dropped. */
export function ndjsonFileLines(path: string): NdjsonLines {
  return async function* lines() {
    const input = createReadStream(path, { encoding: 'utf8' });
    const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let lineNumber = 0;
    try {
      for await (const text of reader) {
        lineNumber += 1;
        yield { lineNumber, text: lineNumber === 1 ? text.replace(/^\uFEFF/, '') : text, bytesRead: input.bytesRead };
      }
    } finally {
      reader.close();
    }
  };
}

/** The lines of a text already in memory (a test, a small upload). */
export function ndjsonTextLines(text: string): NdjsonLines {
  return async function* lines() {
    let lineNumber = 0;
    for (const line of text.split(/\r?\n/)) {
      lineNumber += 1;
      yield { lineNumber, text: lineNumber === 1 ? line.replace(/^\uFEFF/, '') : line };
    }
  };
}
