import type { RecordedEvent } from '../envelope/envelope';
import type { Projection, ProjectionDocuments } from '../projections/projection';

/**
 * A projection folded over events in memory, documents in a `Map`: no store,
 * no runner, no commits. What the stored documents must equal after exactly
 * these events, and the plain-JS cost of the fold itself.
 *
 * @example
 * expect(await storedDocuments()).toEqual(foldProjection(tallyProjection, log));
 */
export function foldProjection<Doc>(projection: Projection<Doc>, events: Iterable<RecordedEvent>): Map<string, Doc> {
  const docs = new Map<string, Doc>();
  const handles = new Set(projection.handles);
  const view: ProjectionDocuments<Doc> = {
    get: (key) => docs.get(key),
    set: (key, doc) => void docs.set(key, doc),
    delete: (key) => void docs.delete(key),
  };
  for (const event of events) if (handles.has(event.type)) projection.apply(event, view);
  return docs;
}
