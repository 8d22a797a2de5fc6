import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { ThiduaError } from '@thidua/eventsourcing';
import Table from 'cli-table3';
import { currentIo } from './io';

/**
 * Writes to a stream and waits for it to drain when its buffer is full, so a
 * large export piped into a slow reader neither buffers the whole log in
 * memory nor loses its tail when the process exits.
 */
export async function write(stream: Writable, text: string): Promise<void> {
  if (text === '') return;
  if (stream.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const onDrain = () => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (error: unknown) => {
      stream.off('drain', onDrain);
      reject(error);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

/** Data for the caller (standings, exports, trails): stdout of the current run. */
export function printData(text: string): Promise<void> {
  return write(currentIo().stdout, text);
}

/** Everything that is not data (summaries of what was done, progress, errors): stderr of the current run. */
export function printInfo(text: string): void {
  currentIo().stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** A destination for data: a file given by `--out`, or stdout. */
export interface DataSink {
  write(text: string): Promise<void>;
  /** Finishes the data: a file is flushed and moved into place; stdout is left open. */
  close(): Promise<void>;
  /** Abandons the data: a file's partial content is removed and the target left as it was. */
  discard(): Promise<void>;
  /** Where the data went, for the summary line: the file path, or `stdout`. */
  readonly description: string;
}

/**
 * Opens `--out <file>`, or stdout when `path` is undefined. A file is written
 * beside its target and renamed over it on `close()`, so a failed or
 * interrupted command never leaves a truncated export that looks complete.
 */
export function openDataSink(path: string | undefined): DataSink {
  if (path === undefined) {
    return { write: printData, close: async () => undefined, discard: async () => undefined, description: 'stdout' };
  }
  const partial = `${path}.partial-${process.pid}`;
  const stream = createWriteStream(partial, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  // Reported by write()/close(); this keeps an early open failure from being an unhandled rejection.
  opened.catch(() => undefined);
  const end = () =>
    new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.end(() => resolve());
    });
  return {
    description: path,
    async write(text) {
      await opened;
      await write(stream, text);
    },
    async close() {
      await opened;
      await end();
      await rename(partial, path);
    },
    async discard() {
      await end().catch(() => undefined);
      await rm(partial, { force: true });
    },
  };
}

/** Writes `text` whole to `--out <file>` (renamed into place only once complete), or to stdout. */
export async function writeData(path: string | undefined, text: string): Promise<void> {
  const sink = openDataSink(path);
  try {
    await sink.write(text);
    await sink.close();
  } catch (error) {
    await sink.discard();
    throw error;
  }
}

/** `error [code] message`, or `error [rule_violated <rule>] message` for a refused rule. */
export function describeThiduaError(error: ThiduaError): string {
  const rule = error.code === 'rule_violated' && typeof error.details['rule'] === 'string' ? ` ${error.details['rule']}` : '';
  return `error [${error.code}${rule}] ${error.message}`;
}

/**
 * A plain-text table (no colours, so it can be piped or logged), in the same
 * look as the standings table of `@thidua/projections`.
 */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = new Table({
    head: [...head],
    style: { head: [], border: [] },
    // No rule between rows: a long trail stays one line per event.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push([...row]);
  return `${table.toString()}\n`;
}

/** `1 event`, `2 events`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
