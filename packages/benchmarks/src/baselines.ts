/**
 * Plain-JS baselines: the same work without an event store, so every store
 * figure can say how far it is from "just JavaScript". Reads fold the same
 * events with the same fold (the standings projection's `apply`, the pledge
 * decider's `evolve`) over an in-memory array, or after reading and parsing
 * an NDJSON file (the interchange format of `thidua export`); writes append NDJSON lines to a file.
 */
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInMemoryEventStore, recordedFromNdjson, toNdjsonLine, type NdjsonEvent, type RecordedEvent } from '@thidua/eventsourcing';
import { initialPledgeState, pledgeModule, thiduaRegistry, type PledgeEvent, type PledgeState } from '@thidua/domain';
import { foldProjection } from '@thidua/eventsourcing/testing';
import { standingsProjection } from '@thidua/projections';
import { appendGrouped, appendInChunks, appendInterleaved } from './append-workload';
import { collectGarbage, durationMs, measure, ratePerSecond, stats, type RunCounts } from './measure';
import { result, type FigureResult } from './report';
import type { StreamPlan, Workload } from './workload';

/** Order of a campaign-year log: one call per stream, or one event per call across all streams. */
export type LogOrder = 'grouped' | 'interleaved';

/** Parses one NDJSON line back into an envelope (no checks: a plain-JS baseline); the line number is its position, as in a dense log. */
export function fromNdjsonLine(line: string, position: number): RecordedEvent {
  const parsed = JSON.parse(line) as NdjsonEvent;
  return recordedFromNdjson(parsed, BigInt(parsed.revision), BigInt(position));
}

/** Reads an NDJSON file and parses every line. */
export function readNdjson(path: string): RecordedEvent[] {
  const text = readFileSync(path, 'utf8');
  const events: RecordedEvent[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) events.push(fromNdjsonLine(text.slice(start, end), events.length + 1));
    start = end + 1;
  }
  return events;
}

/** The standings projection's fold over plain events, documents in a Map: no store, no runner, no commits. */
export function foldStandings(events: Iterable<RecordedEvent>): ReadonlyMap<string, unknown> {
  return foldProjection(standingsProjection, events);
}

/** The pledge decider's `evolve` over a pledge stream. */
export function foldPledge(events: Iterable<RecordedEvent>): PledgeState {
  let state = initialPledgeState;
  for (const event of events) state = pledgeModule.decider.evolve(state, event as unknown as PledgeEvent);
  return state;
}

/**
 * The recorded log of a workload, as an in-memory store (created with
 * `thiduaRegistry`) records it: setup streams, then the pledges grouped or
 * interleaved. Hashes and metadata are real, so the NDJSON is what
 * `thidua export` would write.
 */
export async function recordLog(workload: Workload, order: LogOrder): Promise<RecordedEvent[]> {
  const store = createInMemoryEventStore({ registry: thiduaRegistry });
  try {
    await appendGrouped(store, workload.setup, { writers: 1 });
    if (order === 'grouped') await appendGrouped(store, workload.pledges, { writers: 1 });
    else await appendInterleaved(store, workload.pledges, { writers: 1 });
    const events: RecordedEvent[] = [];
    for await (const event of store.readAll({ raw: true })) events.push(event);
    return events;
  } finally {
    await store.close();
  }
}

/** The recorded events of one long stream. */
export async function recordStream(stream: StreamPlan): Promise<RecordedEvent[]> {
  const store = createInMemoryEventStore({ registry: thiduaRegistry });
  try {
    await appendInChunks(store, stream, 1_000);
    const events: RecordedEvent[] = [];
    for await (const event of store.readStream(stream.streamId, { raw: true })) events.push(event);
    return events;
  } finally {
    await store.close();
  }
}

/** A minimal async iterator over an array (a resolved promise per item, no generator): what any `readStream` costs at least. */
class ArrayAsyncIterator<T> implements AsyncIterableIterator<T> {
  private index = 0;

  constructor(private readonly items: readonly T[]) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.index >= this.items.length) return Promise.resolve({ value: undefined, done: true });
    const value = this.items[this.index]!;
    this.index += 1;
    return Promise.resolve({ value, done: false });
  }
}

function asyncIterableOf<T>(items: readonly T[]): AsyncIterable<T> {
  return new ArrayAsyncIterator(items);
}

/** Describes a workload's size for the tables. */
export function sizeOf(streams: number, eventsPerStream: number): string {
  return `${streams} streams × ${eventsPerStream} events`;
}

/**
 * Computes the plain-JS baselines on demand and remembers them, so each is
 * measured once per size however many store figures refer to it. Every
 * baseline measured is also reported.
 */
export class Baselines {
  readonly results: FigureResult[] = [];
  private readonly cache = new Map<string, FigureResult>();
  private files = 0;

  constructor(
    private readonly counts: RunCounts,
    private readonly dir: string,
  ) {}

  /** Standings fold over the campaign-year log, from an array (`fold-array`) or an NDJSON file (`fold-ndjson`). */
  async fold(source: 'array' | 'ndjson', workload: Workload, order: LogOrder): Promise<FigureResult> {
    const size = `${sizeOf(workload.streams, workload.eventsPerStream)} + ${workload.setupEventCount} setup (${order})`;
    return this.once(`fold-${source}`, size, async () => {
      const path = this.ndjsonOf(await recordLog(workload, order));
      // Parsed once: a fresh array per run would leave its 100 000 young objects to the next scavenge, inside the timing.
      const parsed = source === 'array' ? readNdjson(path) : [];
      const samples =
        source === 'array'
          ? await measure(this.counts, {
              setup: async () => parsed,
              run: async (events) => (foldStandings(events), events.length),
            })
          : await measure(this.counts, {
              setup: async () => path,
              run: async (file) => {
                const events = readNdjson(file);
                foldStandings(events);
                return events.length;
              },
            });
      rmSync(path, { force: true });
      return result(
        {
          store: 'baseline',
          figure: `fold-${source}`,
          label:
            source === 'array'
              ? 'standings fold over an in-memory array'
              : 'NDJSON file read + JSON.parse + standings fold',
          size,
          unit: 'events/s',
          better: 'higher',
        },
        ratePerSecond(samples),
      );
    });
  }

  /**
   * One long pledge stream: iterated (`stream-*`) or folded with the pledge
   * decider's evolve (`rehydrate-*`), from an array or an NDJSON file.
   * `stream-await-array` iterates the array with `for await` through the
   * cheapest async iterator there is: the floor under any `readStream`.
   */
  async stream(kind: 'stream' | 'rehydrate', source: 'array' | 'await-array' | 'ndjson', stream: StreamPlan): Promise<FigureResult> {
    const size = `1 stream × ${stream.events.length} events`;
    const figure = `${kind}-${source}`;
    return this.once(figure, size, async () => {
      const path = this.ndjsonOf(await recordStream(stream));
      const work = async (events: RecordedEvent[]) => {
        if (kind === 'rehydrate') return foldPledge(events).signed ? events.length : 0;
        let seen = 0;
        if (source === 'await-array') {
          for await (const event of asyncIterableOf(events)) if (event.type.length > 0) seen += 1;
        } else {
          for (const event of events) if (event.type.length > 0) seen += 1;
        }
        return seen;
      };
      // Parsed once, as for the fold: the store figures read a store filled once, too.
      const parsed = source === 'ndjson' ? [] : readNdjson(path);
      const samples =
        source === 'ndjson'
          ? await measure(this.counts, { setup: async () => path, run: (file) => work(readNdjson(file)) })
          : await measure(this.counts, { setup: async () => parsed, run: (events) => work(events) });
      rmSync(path, { force: true });
      const what = kind === 'rehydrate' ? 'pledge evolve fold' : source === 'await-array' ? 'for await iteration' : 'iteration';
      return result(
        {
          store: 'baseline',
          figure,
          label: source === 'ndjson' ? `NDJSON file read + JSON.parse + ${what}` : `${what} over an in-memory array`,
          size,
          unit: 'ms',
          better: 'lower',
        },
        durationMs(samples),
      );
    });
  }

  /**
   * Appending the pledge events as NDJSON lines to a file, one `write` per
   * event (`append-ndjson-single`) or per stream (`append-ndjson-batched`):
   * the cost of writing the bytes, without validation, hashing, indexes or
   * fsync.
   */
  async append(mode: 'single' | 'batched', workload: Workload): Promise<FigureResult> {
    const size = sizeOf(workload.streams, workload.eventsPerStream);
    const figure = `append-ndjson-${mode}`;
    return this.once(figure, size, async () => {
      const line = (stream: StreamPlan, revision: number) => {
        const event = stream.events[revision]!;
        return `${JSON.stringify({
          streamId: stream.streamId,
          revision: String(revision),
          id: event.id,
          type: event.type,
          schemaVersion: 1,
          data: event.data,
          metadata: event.metadata,
          recordedAt: new Date().toISOString(),
        })}\n`;
      };
      const samples = await measure(this.counts, {
        setup: async () => {
          const path = join(this.dir, `append-${(this.files += 1)}.ndjson`);
          return { path, fd: openSync(path, 'a') };
        },
        run: async ({ fd }) => {
          let written = 0;
          if (mode === 'batched') {
            for (const stream of workload.pledges) {
              writeSync(fd, stream.events.map((_, revision) => line(stream, revision)).join(''));
              written += stream.events.length;
            }
          } else {
            for (let revision = 0; revision < workload.eventsPerStream; revision += 1) {
              for (const stream of workload.pledges) {
                writeSync(fd, line(stream, revision));
                written += 1;
              }
            }
          }
          return written;
        },
        teardown: async ({ path, fd }) => {
          closeSync(fd);
          rmSync(path, { force: true });
        },
      });
      return result(
        {
          store: 'baseline',
          figure,
          label: mode === 'single' ? 'NDJSON append, one write per event' : 'NDJSON append, one write per stream',
          size,
          unit: 'events/s',
          better: 'higher',
        },
        ratePerSecond(samples),
      );
    });
  }

  /** Heap bytes per event of the campaign-year log held as plain parsed objects in an array. */
  async memory(workload: Workload): Promise<FigureResult> {
    const size = `${sizeOf(workload.streams, workload.eventsPerStream)} + ${workload.setupEventCount} setup`;
    return this.once('memory-array', size, async () => {
      const path = this.ndjsonOf(await recordLog(workload, 'grouped'));
      const gc = collectGarbage();
      // One call per sample, so the previous sample's array is unreachable when the next one starts.
      const sample = (): number => {
        gc();
        const before = process.memoryUsage().heapUsed;
        const events = readNdjson(path);
        gc();
        return (process.memoryUsage().heapUsed - before) / events.length;
      };
      const samples: number[] = [];
      for (let i = 0; i < this.counts.warmup + this.counts.runs; i += 1) {
        const bytes = sample();
        if (i >= this.counts.warmup) samples.push(bytes);
      }
      rmSync(path, { force: true });
      return result(
        {
          store: 'baseline',
          figure: 'memory-array',
          label: 'heap per event of the parsed events in a plain array',
          size,
          unit: 'bytes/event',
          better: 'lower',
        },
        stats(samples),
      );
    });
  }

  private ndjsonOf(events: readonly RecordedEvent[]): string {
    const path = join(this.dir, `log-${(this.files += 1)}.ndjson`);
    writeFileSync(path, events.map(toNdjsonLine).join(''));
    return path;
  }

  private async once(figure: string, size: string, compute: () => Promise<FigureResult>): Promise<FigureResult> {
    const key = `${figure}|${size}`;
    const known = this.cache.get(key);
    if (known) return known;
    const computed = await compute();
    this.cache.set(key, computed);
    this.results.push(computed);
    return computed;
  }
}
