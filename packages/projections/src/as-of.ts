/**
 * Read models as of a past moment, by one of three clocks:
 *
 * - business time (`{ businessTime }`): the events' own dates, the `…At`
 *   field each command gave (`signedAt`, `heldAt`, …): "what did the
 *   standings say on 12 Feb 2014?" An ISO-8601 instant with offset, or a
 *   calendar day (`2014-02-12`: every event dated that day or before, in
 *   its own offset, whatever the reader's time zone);
 * - the store's clock (`{ recordedAt }`): when the store wrote the events;
 * - a log position (`{ position }`): everything up to it, inclusive.
 *
 * The log is replayed into a fresh in-memory projection store; the live read
 * models are not touched. By time, each stream is cut as a prefix: after its
 * first event past the moment, none of its later events counts. A moment before the first event is refused
 * (`validation_failed` on `asOf`, naming the first event's moment); one past
 * the last event gives the current read models, and the cut says so.
 */
import { businessTimeOf, type ThiduaEvent } from '@thidua/domain';
import { replayAsOf, ValidationError, type EventStore, type Projection, type ProjectionStore, type RecordedEvent } from '@thidua/eventsourcing';

/** Which moment a read as of goes back to. */
export type ReadAsOf = { businessTime: string | Date } | { recordedAt: string | Date } | { position: bigint };

/** What an as-of replay kept, for a caller that reports it. */
export interface AsOfCut {
  /** `business time`, `recorded time` or `position`. */
  clock: 'business time' | 'recorded time' | 'position';
  /** The moment asked for, as given (a position as a decimal string). */
  at: string;
  /** Events kept by the cut. */
  kept: number;
  /** The log's first and last moment on that clock (`null` for an empty log). */
  first: string | null;
  last: string | null;
  /** True when the moment is after the last event: the result is the current read models. */
  pastTheEnd: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function refuse(message: string): never {
  throw new ValidationError(`As of: ${message}`, [{ path: 'asOf', message }]);
}

/** A moment on one clock, comparable with the events' moments on it. */
interface Measure {
  clock: AsOfCut['clock'];
  at: string;
  /** The event's moment, in the same unit as `limit` (milliseconds, or a day as yyyymmdd). */
  of(event: RecordedEvent): number;
  limit: number;
  /** The event's moment as people read it. */
  show(event: RecordedEvent): string;
}

function measureOf(asOf: Exclude<ReadAsOf, { position: bigint }>): Measure {
  const text = 'businessTime' in asOf ? asOf.businessTime : asOf.recordedAt;
  const at = text instanceof Date ? text.toISOString() : text;
  const clock = 'businessTime' in asOf ? 'business time' : 'recorded time';
  // The registry parsed every event, so each has its business time.
  const momentOf = (event: RecordedEvent) => ('businessTime' in asOf ? businessTimeOf(event as unknown as ThiduaEvent) : event.recordedAt);
  if (typeof at === 'string' && DAY.test(at)) {
    // A calendar day as each date is written, in its own offset: 2014-02-12T23:30+07:00 is on the 12th.
    const day = (iso: string) => Number(iso.slice(0, 10).replace(/-/g, ''));
    return { clock, at, of: (event) => day(momentOf(event)), limit: day(at), show: momentOf };
  }
  const limit = typeof at === 'string' && INSTANT_WITH_OFFSET.test(at) ? Date.parse(at) : Number.NaN;
  if (Number.isNaN(limit)) refuse(`${JSON.stringify(at)} is not a day (2014-02-12) nor an ISO-8601 time with offset (2014-02-12T17:00:00+07:00)`);
  return { clock, at, of: (event) => Date.parse(momentOf(event)), limit, show: momentOf };
}

/**
 * Replays the log as of a moment into a fresh in-memory projection store
 * and returns it with the cut. Close the store when done.
 *
 * @example
 * const { projectionStore, cut } = await replayReadModelsAsOf({ eventStore, projections: [standingsProjection], asOf: { businessTime: '2014-02-12' } });
 */
export async function replayReadModelsAsOf(options: {
  eventStore: EventStore;
  projections: readonly Projection[];
  asOf: ReadAsOf;
}): Promise<{ projectionStore: ProjectionStore; cut: AsOfCut }> {
  const { eventStore, projections, asOf } = options;
  if ('position' in asOf) {
    const [first] = await eventStore.readAllPage({ maxCount: 1 });
    const head = await eventStore.headPosition();
    if (first === undefined || head === null) refuse(`the log is empty: there is nothing to read as of position ${asOf.position}`);
    if (asOf.position < first.position) refuse(`position ${asOf.position} is before the first event of the log (position ${first.position}): nothing had happened yet`);
    const projectionStore = await replayAsOf({ eventStore, projections, asOf: { position: asOf.position } });
    const last = asOf.position < head ? asOf.position : head;
    return {
      projectionStore,
      cut: {
        clock: 'position',
        at: asOf.position.toString(),
        kept: Number(last - first.position + 1n),
        first: first.position.toString(),
        last: head.toString(),
        pastTheEnd: asOf.position > head,
      },
    };
  }

  const measure = measureOf(asOf);
  // Each stream is cut as a prefix: once one of its events falls after the moment, its later events are
  // left out too (even one dated earlier, entered late), so no aggregate is replayed in a state it never had.
  const cutStreams = new Set<string>();
  let kept = 0;
  let first: { value: number; shown: string } | null = null;
  let last: { value: number; shown: string } | null = null;
  const projectionStore = await replayAsOf({
    eventStore,
    projections,
    asOf: {
      // Moments need not follow positions (history is imported, writers race), so the whole log is
      // looked at, and its first and last moments found on the way.
      where(event) {
        const value = measure.of(event);
        if (first === null || value < first.value) first = { value, shown: measure.show(event) };
        if (last === null || value > last.value) last = { value, shown: measure.show(event) };
        if (cutStreams.has(event.streamId)) return false;
        if (value > measure.limit) {
          cutStreams.add(event.streamId);
          return false;
        }
        kept += 1;
        return true;
      },
    },
  });
  // Assigned inside `where`, which the compiler cannot follow.
  const range = { first: first as { value: number; shown: string } | null, last: last as { value: number; shown: string } | null };
  if (range.first === null || range.last === null) {
    await projectionStore.close();
    refuse(`the log is empty: there is nothing to read as of ${measure.at}`);
  }
  if (kept === 0) {
    await projectionStore.close();
    refuse(`${measure.at} is before the first event of the log (${measure.clock} ${range.first.shown}): nothing had happened yet`);
  }
  return {
    projectionStore,
    cut: { clock: measure.clock, at: measure.at, kept, first: range.first.shown, last: range.last.shown, pastTheEnd: measure.limit > range.last.value },
  };
}

/** A line for people: what an as-of read past the end of the log means. */
export function describePastTheEnd(cut: AsOfCut): string {
  return `as of ${cut.at} is after the last event of the log (${cut.clock} ${cut.last}): these are the current read models`;
}
