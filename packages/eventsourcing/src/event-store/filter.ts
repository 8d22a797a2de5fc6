import type { RecordedEvent } from '../envelope/envelope';
import type { ReadAllFilter } from './event-store';

/** True when `event` passes `filter` (an absent or empty criterion matches everything). */
export function matchesFilter(event: Pick<RecordedEvent, 'streamId' | 'type'>, filter: ReadAllFilter | undefined): boolean {
  if (!filter) return true;
  const { streamPrefixes, eventTypes } = filter;
  if (streamPrefixes && streamPrefixes.length > 0 && !streamPrefixes.some((p) => event.streamId.startsWith(p))) return false;
  if (eventTypes && eventTypes.length > 0 && !eventTypes.includes(event.type)) return false;
  return true;
}
