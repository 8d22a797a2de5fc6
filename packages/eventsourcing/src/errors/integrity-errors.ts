import { ThiduaError } from './thidua-error';

/** Where an event sits in the log. */
export interface EventPlace {
  streamId: string;
  revision: bigint;
}

/**
 * An append carried an event id that is already in the log, and it is not
 * the same events re-sent to the place they already occupy (which appends
 * nothing and succeeds). Event ids are unique in the whole store, so a log
 * can move between stores: nothing was appended.
 */
export class DuplicateEventIdError extends ThiduaError {
  /** The id that is already taken. */
  readonly eventId: string;
  /** The stream this append was for. */
  readonly streamId: string;
  /** Where the event holding the id is, when the store can tell. */
  readonly existing: EventPlace | null;

  constructor(eventId: string, streamId: string, existing: EventPlace | null, options?: { cause?: unknown }) {
    const where = existing ? ` (at ${existing.streamId}@${existing.revision.toString()})` : '';
    super(
      'duplicate_event_id',
      `Event id ${eventId} is already in the log${where}: an append to ${streamId} cannot reuse it`,
      { eventId, streamId, existing },
      options,
    );
    this.name = 'DuplicateEventIdError';
    this.eventId = eventId;
    this.streamId = streamId;
    this.existing = existing;
  }
}

/** The first use of a command id, as recorded in the events it appended. */
export interface CommandFirstUse extends EventPlace {
  /** The store's time of that append (`recordedAt` of its first event). */
  recordedAt: string;
}

/**
 * A command came with a `commandId` already used for a different command
 * (another command name, actor or data). Re-sending the same command is
 * safe and returns the first result; a different command needs its own
 * `commandId`, or it would be taken for the first one and silently dropped.
 * Nothing was appended.
 */
export class CommandIdReusedError extends ThiduaError {
  readonly commandId: string;
  readonly firstUse: CommandFirstUse;

  constructor(commandId: string, firstUse: CommandFirstUse) {
    super(
      'command_id_reused',
      `Command id ${commandId} was first used for a different command, recorded at ${firstUse.streamId}@${firstUse.revision.toString()} on ${firstUse.recordedAt}: give a new command a new commandId`,
      { commandId, firstUse },
    );
    this.name = 'CommandIdReusedError';
    this.commandId = commandId;
    this.firstUse = firstUse;
  }
}

/**
 * The store cannot do what was asked in the way asked (an operation behind a
 * capability it does not declare, such as `appendToStreams` without
 * `multiStreamAppend`). Nothing was written; the caller picks another way
 * (one append per stream) or another store.
 */
export class UnsupportedOperationError extends ThiduaError {
  readonly operation: string;
  readonly store: string;

  constructor(operation: string, store: string, reason: string) {
    super('unsupported', `Store ${store} does not support ${operation}: ${reason}`, { operation, store });
    this.name = 'UnsupportedOperationError';
    this.operation = operation;
    this.store = store;
  }
}
