import { v4 as uuidv4 } from 'uuid';
import type { NewEvent } from '../envelope/envelope';
import { ValidationError, type ValidationIssue } from '../errors/errors';
import type { EventRegistry } from '../registry/event-registry';
import { unstorableTextIssue } from '../text/storable-text';

/** An event checked and ready to be sealed: id chosen, payload validated, version settled. */
export interface PreparedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: Record<string, unknown>;
}

const STREAM_ID = /^[^\s]{1,200}$/;

/**
 * Everything an append is checked for before anything is written, the same
 * for every store: a valid stream id, at least one event, each with a type
 * and data the registry accepts, text every store can hold (no U+0000, no
 * lone surrogate, in the type, the payload, the metadata or the ids), and
 * no id twice in one append.
 */
export function prepareEvents(
  streamId: string,
  events: readonly NewEvent[],
  registry: EventRegistry | undefined,
): PreparedEvent[] {
  if (typeof streamId !== 'string' || !STREAM_ID.test(streamId)) {
    throw new ValidationError(`Invalid stream id ${JSON.stringify(streamId)}`, [
      { path: 'streamId', message: 'must be 1–200 characters without whitespace' },
    ]);
  }
  refuseUnstorable(unstorableTextIssue(streamId, 'streamId'), 'Stream id');
  if (events.length === 0) {
    throw new ValidationError('Nothing to append', [{ path: 'events', message: 'must hold at least one event' }]);
  }
  const prepared = events.map((event, index) => prepareOne(event, index, registry));
  if (prepared.length > 1 && new Set(prepared.map((e) => e.id)).size !== prepared.length) {
    throw new ValidationError('Duplicate event ids in one append', [{ path: 'events', message: 'event ids must be unique' }]);
  }
  return prepared;
}

function prepareOne(event: NewEvent, index: number, registry: EventRegistry | undefined): PreparedEvent {
  if (!event || typeof event.type !== 'string' || event.type.length === 0) {
    throw new ValidationError(`Event #${index} has no type`, [{ path: `events.${index}.type`, message: 'required' }]);
  }
  const at = `events.${index}`;
  refuseUnstorable(unstorableTextIssue(event.type, `${at}.type`), `Event #${index}`);
  const { schemaVersion, data } = registry
    ? registry.prepareForAppend(event.type, event.schemaVersion, event.data)
    : { schemaVersion: event.schemaVersion ?? 1, data: event.data };
  if (data === undefined) {
    throw new ValidationError(`Event ${event.type} has no data`, [{ path: `${at}.data`, message: 'required' }]);
  }
  const metadata = event.metadata ?? {};
  const label = `Event #${index} (${event.type})`;
  if (event.id !== undefined) refuseUnstorable(unstorableTextIssue(event.id, `${at}.id`), label);
  refuseUnstorable(unstorableTextIssue(data, `${at}.data`), label);
  refuseUnstorable(unstorableTextIssue(metadata, `${at}.metadata`), label);
  return { id: event.id ?? uuidv4(), type: event.type, schemaVersion, data, metadata };
}

function refuseUnstorable(issue: ValidationIssue | null, what: string): void {
  if (issue) throw new ValidationError(`${what}: ${issue.path} ${issue.message}, which not every store can hold`, [issue]);
}
