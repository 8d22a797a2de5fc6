import type { RecordedEvent } from '../envelope/envelope';
import type { EventStore } from '../event-store/event-store';
import { createInMemoryProjectionStore } from '../in-memory/in-memory-projection-store';
import { BatchApplier } from './batch-applier';
import type { Projection, ProjectionStore } from './projection';

/**
 * Where an as-of replay stops: at a global position, or at a `recordedAt`
 * instant (both inclusive); or, for cuts only the caller can make (a
 * domain's business time), every event `where` keeps.
 */
export type AsOf = { position: bigint } | { recordedAt: Date | string } | { where(event: RecordedEvent): boolean };

/**
 * Replays the log up to `asOf` into a fresh in-memory projection store and
 * returns it, so readers can answer "what did the standings say then?"
 * without touching the live read models.
 */
export async function replayAsOf(options: {
  eventStore: EventStore;
  projections: readonly Projection[];
  asOf: AsOf;
  batchSize?: number;
}): Promise<ProjectionStore> {
  const { eventStore, projections, asOf } = options;
  const batchSize = options.batchSize ?? 1_000;
  const target = createInMemoryProjectionStore();
  const until =
    'position' in asOf
      ? (event: RecordedEvent) => event.position <= asOf.position
      : 'where' in asOf
        ? (event: RecordedEvent) => asOf.where(event)
        : (() => {
            const limit = new Date(asOf.recordedAt).getTime();
            if (Number.isNaN(limit)) throw new RangeError(`Invalid as-of time ${String(asOf.recordedAt)}`);
            return (event: RecordedEvent) => Date.parse(event.recordedAt) <= limit;
          })();
  const stopAtPosition = 'position' in asOf ? asOf.position : null;
  const checkpoints = new Map<string, bigint | null>(projections.map((p) => [p.name, null]));
  for (const projection of projections) await target.reset(projection.name, projection.version);
  // One applier per projection for the whole replay: the documents it committed stay cached for the next pages.
  const appliers = projections.map((projection) => ({ projection, applier: new BatchApplier(projection, target) }));

  let from: bigint | undefined;
  for (;;) {
    const page = await eventStore.readAllPage({ fromPosition: from, maxCount: batchSize });
    // recordedAt may not follow position exactly across concurrent writers, so a time cut filters rather than stops.
    const selected = page.filter(until);
    for (const { projection, applier } of appliers) {
      await applier.applyPage(selected);
      const committed = await applier.commit(projection.version, checkpoints.get(projection.name) ?? null);
      if (committed !== null) checkpoints.set(projection.name, committed);
    }
    const last = page[page.length - 1];
    if (page.length < batchSize || !last) break;
    if (stopAtPosition !== null && last.position >= stopAtPosition) break;
    from = last.position + 1n;
  }
  return target;
}
