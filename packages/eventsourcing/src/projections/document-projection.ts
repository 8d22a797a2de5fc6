import type { RecordedEvent } from '../envelope/envelope';
import type { Projection, ProjectionDocuments } from './projection';

/** What one event type does to a document projection. */
export interface DocumentEventHandler<E extends RecordedEvent, Doc> {
  /** Keys of every document `evolve` reads or writes for this event: the runner loads them together before it runs. */
  ids(event: E): readonly string[];
  /** Applies the event to those documents: synchronous, deterministic, touching no other document. */
  evolve(docs: ProjectionDocuments<Doc>, event: E): void;
}

/**
 * The handlers of a document projection, by event type: the one list of
 * what it reads. Each handler gets the event narrowed to its type.
 */
export type DocumentEventHandlers<E extends RecordedEvent, Doc> = {
  readonly [Type in E['type']]?: DocumentEventHandler<Extract<E, { type: Type }>, Doc>;
};

/** Options of {@link documentProjection}. */
export interface DocumentProjectionOptions<E extends RecordedEvent, Doc> {
  readonly name: string;
  /** Bump it when what the handlers write changes: the runner then rebuilds. */
  readonly version: number;
  readonly on: DocumentEventHandlers<E, Doc>;
}

/**
 * A projection written as one list of events, each with its document ids
 * and its evolve, instead of a `handles` list, a `keys` switch and an
 * `apply` switch kept in step. `handles`, `keys` and `apply` are derived
 * from the list, so an event is read exactly when it has a handler.
 *
 * `E` is the union of recorded events the handlers expect (for example
 * `RecordedEvent<'ScoreRecorded', { points: number }> | …`). Reading them so
 * is sound when the event store parses payloads with a registry that
 * defines those types, which is what a registry is for.
 *
 * @example
 * const counts = documentProjection<RecordedEvent<'ScoreRecorded', { pledgeId: string }>, { n: number }>({
 *   name: 'score-counts',
 *   version: 1,
 *   on: {
 *     ScoreRecorded: {
 *       ids: (event) => [event.data.pledgeId],
 *       evolve: (docs, event) => docs.set(event.data.pledgeId, { n: (docs.get(event.data.pledgeId)?.n ?? 0) + 1 }),
 *     },
 *   },
 * });
 */
export function documentProjection<E extends RecordedEvent, Doc>(options: DocumentProjectionOptions<E, Doc>): Projection<Doc> {
  // The runner hands a projection only the types listed in `handles`, so the
  // handler found for an event's type is the one written for that type.
  const handlers = new Map<string, DocumentEventHandler<E, Doc>>();
  for (const [type, handler] of Object.entries(options.on) as [string, DocumentEventHandler<E, Doc> | undefined][]) {
    if (handler !== undefined) handlers.set(type, handler);
  }
  return {
    name: options.name,
    version: options.version,
    handles: [...handlers.keys()],
    keys: (event) => handlers.get(event.type)?.ids(event as E) ?? [],
    apply: (event, docs) => handlers.get(event.type)?.evolve(docs, event as E),
  };
}
