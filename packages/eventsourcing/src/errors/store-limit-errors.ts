import { ThiduaError } from './thidua-error';

/**
 * An append carries more bytes than the store accepts in one append (its
 * `maxAppendBytes` capability, or its server's own limit). Nothing of it is
 * appended. Sending it again fails again: the events must go in smaller
 * appends, which an import does on its own; one command whose events alone
 * exceed the limit cannot be stored in that store at all.
 */
export class AppendTooLargeError extends ThiduaError {
  readonly streamId: string;
  /** The size of the refused append, as measured (see `appendSizeOf`), or `null` when the store did not say. */
  readonly bytes: number | null;
  /** The store's limit in bytes. */
  readonly limit: number;

  constructor(streamId: string, bytes: number | null, limit: number, options: { commandId?: string; cause?: unknown } = {}) {
    const what = options.commandId === undefined ? 'append' : `events of command ${options.commandId}`;
    const size = bytes === null ? 'more than' : `${bytes} bytes, more than`;
    super(
      'append_too_large',
      `Stream ${streamId}: the ${what} take ${size} the store's limit of ${limit} bytes per append; nothing was appended`,
      { streamId, bytes, limit, ...(options.commandId === undefined ? {} : { commandId: options.commandId }) },
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'AppendTooLargeError';
    this.streamId = streamId;
    this.bytes = bytes;
    this.limit = limit;
  }
}

/**
 * The stream was deleted in the store. For good (`soft` false: a tombstone,
 * or "hard delete", on EventStoreDB): it can be neither read nor appended to
 * again, under any expected revision. Or softly (`soft` true): it reads as
 * empty, but the store would continue its revisions after the deleted ones,
 * which a thidua stream (revisions from 0, a hash chain from its first
 * event) cannot do, so appends to it are refused too. Either way nothing is
 * appended, and the stream id cannot be used again in that store.
 */
export class StreamDeletedError extends ThiduaError {
  readonly streamId: string;
  /** True for a soft delete (readable as empty), false for a tombstone. */
  readonly soft: boolean;

  constructor(streamId: string, options: { soft?: boolean; cause?: unknown } = {}) {
    const soft = options.soft ?? false;
    super(
      'stream_deleted',
      soft
        ? `Stream ${streamId} was deleted (soft delete): the store would continue its old revisions, so it cannot be appended to; nothing was appended`
        : `Stream ${streamId} was deleted for good (tombstoned): it cannot be read or appended to`,
      { streamId, soft },
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'StreamDeletedError';
    this.streamId = streamId;
    this.soft = soft;
  }
}
