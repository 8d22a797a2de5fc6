/**
 * Plain-JS baselines: the same work without an event store, so every store
 * figure can say how far it is from "just JavaScript". Reads fold the same
 * events with the same fold (the standings projection's `apply`, the pledge
 * decider's `evolve`) over an in-memory array, or after reading and parsing
 * an NDJSON file (the interchange format of `thidua export`); writes append NDJSON lines to a file.
 */
import * as cryptoModule from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInMemoryEventStore, recordedFromNdjson, toNdjsonLine, type NdjsonEvent, type NewEvent, type RecordedEvent } from '@thidua/eventsourcing';
import { initialPledgeState, pledgeModule, thiduaRegistry, type PledgeEvent, type PledgeState } from '@thidua/domain';
import { foldProjection } from '@thidua/eventsourcing/testing';
import { standingsProjection } from '@thidua/projections';
import { appendGrouped, appendInChunks, appendInterleaved } from './append-workload';
import { collectGarbage, durationMs, measure, ratePerSecond, stats, type RunCounts } from './measure';
import { result, type FigureResult } from './report';
import type { StreamPlan, Workload } from './workload';

/** Which plain-JS append a store's appends are compared with (see {@link Baselines.append}). */
export type AppendBaseline = 'array-hashed' | 'array' | 'ndjson';

const APPEND_LABELS: Record<AppendBaseline, string> = {
  'array-hashed': 'push onto plain arrays with a SHA-256 chain over JSON.stringify (no validation, no copy)',
  array: 'push onto plain arrays (no validation, no hash, no copy)',
  ndjson: 'JSON.stringify + fs.writeSync to an NDJSON file (no validation, hash, index or fsync)',
};

/** SHA-256 hex of a string: the one-shot `crypto.hash` where Node has it (≥ 20.12). */
function sha256Hex(text: string): string {
  const oneShot = (cryptoModule as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
  return oneShot ? oneShot('sha256', text, 'hex') : cryptoModule.createHash('sha256').update(text).digest('hex');
}

/** Order of a campaign-year log: one call per stream, or one event per call across all streams. */
export type LogOrder = 'grouped' | 'interleaved';

/** Parses one NDJSON line back into an envelope (no checks: a plain-JS baseline); the line number is its position, as in a dense log. */
export function fromNdjsonLine(line: string, position: number): RecordedEvent {
  const parsed = JSON.parse(line) as NdjsonEvent;
  return recordedFromNdjson(parsed, BigInt(parsed.revision), BigInt(position));
}

/**
 * Reads an NDJSON file and parses every line: the fastest plain-JS way this
 * machine knows. The file is read as bytes and each line decoded on its own:
 * decoding the whole file as one string makes it a two-byte string as soon
 * as one character is not Latin-1 (every Vietnamese name is), which costs
 * more than the parsing; per line, most lines stay one-byte.
 */
export function readNdjson(path: string): RecordedEvent[] {
  const bytes = readFileSync(path);
  const events: RecordedEvent[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    if (end > start) events.push(fromNdjsonLine(bytes.toString('utf8', start, end), events.length + 1));
    start = end + 1;
  }
  return events;
}

const NEWLINE = 0x0a;

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
   * The same appends without an event store, in the same order (one event
   * per call across all streams for `single`, one call per stream for
   * `batched`), each the fastest plain-JS way to do that work:
   *
   * - `array-hashed`: push an envelope (revision, position, time, metadata
   *   with `prevHash`/`hash`) onto a per-stream array and a global log, the
   *   hash a SHA-256 over the previous hash and `JSON.stringify` of the
   *   event — the store's hash-chain work without validation, canonical key
   *   order, checks or copies. The yardstick of the in-memory store.
   * - `array`: the same push with no hashing: the floor of any in-memory append.
   * - `ndjson`: `JSON.stringify` each event and `fs.writeSync` it to a file
   *   (no validation, hashing, index or fsync). The yardstick of the durable
   *   stores, whose appends end in a write.
   */
  async append(mode: 'single' | 'batched', workload: Workload, kind: AppendBaseline = 'ndjson'): Promise<FigureResult> {
    const size = sizeOf(workload.streams, workload.eventsPerStream);
    const figure = `append-${kind}-${mode}`;
    return this.once(figure, size, async () => {
      const samples = kind === 'ndjson' ? await this.appendNdjson(mode, workload) : await this.appendArray(mode, workload, kind === 'array-hashed');
      return result(
        {
          store: 'baseline',
          figure,
          label: `${APPEND_LABELS[kind]}, ${mode === 'single' ? 'one event per call' : 'one call per stream'}`,
          size,
          unit: 'events/s',
          better: 'higher',
        },
        ratePerSecond(samples),
      );
    });
  }

  private async appendArray(mode: 'single' | 'batched', workload: Workload, hashed: boolean) {
    type Plain = { id: string; streamId: string; revision: number; position: number; type: string; data: unknown; metadata: Record<string, unknown>; recordedAt: string };
    const rounds = workload.eventsPerStream;
    return measure(this.counts, {
      setup: async () => ({ log: [] as Plain[], streams: new Map<string, Plain[]>() }),
      run: async ({ log, streams }) => {
        const push = (streamId: string, events: readonly NewEvent[], from: number, to: number) => {
          let stream = streams.get(streamId);
          if (!stream) streams.set(streamId, (stream = []));
          const recordedAt = new Date().toISOString();
          for (let revision = from; revision < to; revision += 1) {
            const event = events[revision]!;
            const prevHash = stream.length === 0 ? null : (stream[stream.length - 1]!.metadata['hash'] as string);
            const hash = hashed ? sha256Hex(`${prevHash ?? ''}\n${JSON.stringify({ streamId, revision, type: event.type, data: event.data, metadata: event.metadata })}`) : null;
            const recorded: Plain = { id: event.id ?? '', streamId, revision, position: log.length + 1, type: event.type, data: event.data, metadata: { ...event.metadata, prevHash, hash }, recordedAt };
            stream.push(recorded);
            log.push(recorded);
          }
        };
        if (mode === 'batched') {
          for (const stream of workload.pledges) push(stream.streamId, stream.events, 0, stream.events.length);
        } else {
          for (let round = 0; round < rounds; round += 1) {
            for (const stream of workload.pledges) if (round < stream.events.length) push(stream.streamId, stream.events, round, round + 1);
          }
        }
        return log.length;
      },
    });
  }

  private async appendNdjson(mode: 'single' | 'batched', workload: Workload) {
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
    return measure(this.counts, {
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
