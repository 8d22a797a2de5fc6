import type { NewEvent } from '../envelope/envelope';

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

  constructor(private readonly limits: ImportBatchLimits) {}

  /** Adds the next command; returns the batch it closed, if it closed one. */
  push(command: ImportCommand): ImportRequest[] | null {
    const last = this.batch[this.batch.length - 1];
    const full = this.events > 0 && this.events + command.events.length > this.limits.maxEvents;
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
    return closed;
  }

  /** The batch being filled, closed; `null` when it is empty. */
  end(): ImportRequest[] | null {
    if (this.batch.length === 0) return null;
    const closed = this.batch;
    this.batch = [];
    this.events = 0;
    return closed;
  }
}
