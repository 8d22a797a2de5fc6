/**
 * Appending a workload the ways users do: one event per call (the common
 * case: a command appends one event) or one call per stream, from one or
 * several concurrent writers. Every append states the expected revision, as
 * the command handler does.
 */
import type { EventStore } from '@thidua/eventsourcing';
import type { StreamPlan } from './workload';

/** Concurrency of the appends. */
export interface WriterOptions {
  /**
   * Concurrent writers (≥ 1). Streams are split between them, so no two
   * writers touch one stream: a backend serving many units at once.
   */
  writers: number;
}

function partition<T>(items: readonly T[], parts: number): T[][] {
  const count = Math.max(1, Math.min(parts, items.length));
  const buckets: T[][] = Array.from({ length: count }, () => []);
  items.forEach((item, i) => buckets[i % count]!.push(item));
  return buckets;
}

/**
 * One call per stream holding all its events (`no_stream`). Returns the
 * number of events appended.
 */
export async function appendGrouped(store: EventStore, streams: readonly StreamPlan[], options: WriterOptions): Promise<number> {
  let appended = 0;
  await Promise.all(
    partition(streams, options.writers).map(async (mine) => {
      for (const stream of mine) {
        await store.appendToStream(stream.streamId, stream.events, { expectedRevision: 'no_stream' });
        appended += stream.events.length;
      }
    }),
  );
  return appended;
}

/**
 * One event per call, in campaign-year order: every stream's first event,
 * then every stream's second, and so on (units sign, then scores come in
 * across all units). Each call expects the revision the previous one
 * returned. Returns the number of events appended.
 */
export async function appendInterleaved(store: EventStore, streams: readonly StreamPlan[], options: WriterOptions): Promise<number> {
  let appended = 0;
  const rounds = Math.max(0, ...streams.map((s) => s.events.length));
  await Promise.all(
    partition(streams, options.writers).map(async (mine) => {
      for (let round = 0; round < rounds; round += 1) {
        for (const stream of mine) {
          const event = stream.events[round];
          if (!event) continue;
          await store.appendToStream(stream.streamId, [event], { expectedRevision: round === 0 ? 'no_stream' : BigInt(round - 1) });
          appended += 1;
        }
      }
    }),
  );
  return appended;
}

/**
 * Appends one long stream in chunks of `chunk` events (setup for the
 * rehydration figures, not timed).
 */
export async function appendInChunks(store: EventStore, stream: StreamPlan, chunk: number): Promise<void> {
  for (let start = 0; start < stream.events.length; start += chunk) {
    await store.appendToStream(stream.streamId, stream.events.slice(start, start + chunk), {
      expectedRevision: start === 0 ? 'no_stream' : BigInt(start - 1),
    });
  }
}
