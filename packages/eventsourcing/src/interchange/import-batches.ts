import type { NewEvent } from '../envelope/envelope';
import { appendSizeOf } from './append-size';

/** A line of the input on its way into the store: where it came from and the hash it must get again. */
export interface ImportedLine {
  lineNumber: number;
  hash: string;
}

/**
 * Consecutive events of one stream that one command recorded (the same
 * `metadata.commandId`; an event without one is a command of its own). An
 * import never splits one: a batch boundary falls between commands.
 */
export interface ImportCommand {
  streamId: string;
  /** Revision of its first event. */
  first: bigint;
  events: NewEvent[];
  lines: ImportedLine[];
}

/** One append request of a batch: a run of consecutive lines of one stream, whole commands only. */
export type ImportRequest = ImportCommand;

/** How {@link ImportBatches} closes batches. */
export interface ImportBatchLimits {
  /** Events per batch at most, unless one command alone is larger (it then goes alone). */
  maxEvents: number;
  /** One stream per batch: for stores without an atomic multi-stream append. */
  oneStream: boolean;
  /**
   * Bytes per batch at most (by `appendSizeOf`), when the store declares a
   * limit (`maxAppendBytes`). The plan refuses a command larger than that
   * alone, so every command fits in a batch of its own.
   */
  maxBytes?: number | undefined;
}

/**
 * Groups the commands of an input, in input order, into append batches: a
 * batch is a list of requests (runs of one stream), closed when the next
 * command would take it over `maxEvents`, or, with `oneStream`, when the
 * stream changes. Batches and requests only ever close between commands.
 */
export class ImportBatches {
  private batch: ImportRequest[] = [];
  private events = 0;
  private bytes = 0;

  constructor(private readonly limits: ImportBatchLimits) {}

  /** Adds the next command; returns the batch it closed, if it closed one. */
  push(command: ImportCommand): ImportRequest[] | null {
    const last = this.batch[this.batch.length - 1];
    const { maxBytes } = this.limits;
    const bytes = maxBytes === undefined ? 0 : command.events.reduce((sum, event) => sum + appendSizeOf(event), 0);
    const full =
      this.events > 0 &&
      (this.events + command.events.length > this.limits.maxEvents || (maxBytes !== undefined && this.bytes + bytes > maxBytes));
    const otherStream = last !== undefined && last.streamId !== command.streamId;
    const closed = full || (this.limits.oneStream && otherStream) ? this.end() : null;
    const tail = this.batch[this.batch.length - 1];
    if (tail && tail.streamId === command.streamId && tail.first + BigInt(tail.events.length) === command.first) {
      tail.events.push(...command.events);
      tail.lines.push(...command.lines);
    } else {
      this.batch.push({ streamId: command.streamId, first: command.first, events: [...command.events], lines: [...command.lines] });
    }
    this.events += command.events.length;
    this.bytes += bytes;
    return closed;
  }

  /** The batch being filled, closed; `null` when it is empty. */
  end(): ImportRequest[] | null {
    if (this.batch.length === 0) return null;
    const closed = this.batch;
    this.batch = [];
    this.events = 0;
    this.bytes = 0;
    return closed;
  }
}
