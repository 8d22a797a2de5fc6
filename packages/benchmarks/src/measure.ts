/**
 * Timing: warm-up runs, then N timed runs, each with its own untimed setup
 * and teardown; a garbage collection before every run that is not very
 * short, so one run's garbage is not billed to the next.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Median, minimum and maximum of a figure's runs. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  /** Every run's value, in run order. */
  samples: number[];
}

/** How many runs make a figure. */
export interface RunCounts {
  /** Untimed runs first, so the JIT and caches are warm (more, for a fast body: see WARM_UP_MS); 0 for none. */
  warmup: number;
  /** Timed runs (the figure is their median). */
  runs: number;
}

/** One timed run: what it did (`count` events, commands…) in `ms` milliseconds. */
export interface Sample {
  ms: number;
  count: number;
}

/** A benchmark body. `run` returns how many operations it did; only `run` is timed. */
export interface Timed<Context> {
  setup(): Promise<Context>;
  run(context: Context): Promise<number>;
  teardown?(context: Context): Promise<void>;
}

/** Median of the values (mean of the middle two for an even count). */
export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new RangeError('No samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples: [...samples] };
}

let cachedGc: (() => void) | undefined;

/**
 * The V8 garbage collector. `node --expose-gc` (the bench script) provides
 * `globalThis.gc`; elsewhere (under jest) the flag is set at run time and
 * `gc` taken from a fresh context, which V8 then gives one.
 */
export function collectGarbage(): () => void {
  if (cachedGc) return cachedGc;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') {
    cachedGc = exposed;
  } else {
    setFlagsFromString('--expose-gc');
    cachedGc = runInNewContext('gc') as () => void;
  }
  return cachedGc;
}

/*
 * A figure of a few milliseconds is still being compiled by V8's tiers
 * after one warm-up run: warm-up goes on until the body has run for
 * WARM_UP_MS in all (within WARM_UP_WALL_MS of wall time, setups included),
 * and at least `counts.warmup` times.
 */
const WARM_UP_MS = 300;
const WARM_UP_WALL_MS = 3_000;

/*
 * A full GC before a run keeps one run's garbage from being collected (and
 * billed) in the next. It also shrinks V8's young generation, which makes
 * the next few milliseconds of allocation slower: for a body that short the
 * GC is skipped, its garbage being negligible anyway.
 */
const GC_ABOVE_MS = 20;

/** Warms `timed` up, then runs it `runs` times and returns the timed samples. */
export async function measure<Context>(counts: RunCounts, timed: Timed<Context>): Promise<Sample[]> {
  const gc = collectGarbage();
  let lastMs = Number.POSITIVE_INFINITY;
  const once = async (): Promise<Sample> => {
    const context = await timed.setup();
    try {
      if (lastMs >= GC_ABOVE_MS) gc();
      const started = performance.now();
      const count = await timed.run(context);
      lastMs = performance.now() - started;
      return { ms: lastMs, count };
    } finally {
      await timed.teardown?.(context);
    }
  };
  const warmUpStarted = performance.now();
  let warmedMs = 0;
  for (let i = 0; i < counts.warmup || (counts.warmup > 0 && warmedMs < WARM_UP_MS && performance.now() - warmUpStarted < WARM_UP_WALL_MS); i += 1) {
    warmedMs += (await once()).ms;
  }
  const samples: Sample[] = [];
  for (let i = 0; i < counts.runs; i += 1) samples.push(await once());
  return samples;
}

/** Operations per second of each sample. */
export function ratePerSecond(samples: readonly Sample[]): Stats {
  return stats(samples.map((s) => (s.count * 1_000) / s.ms));
}

/** Milliseconds of each sample. */
export function durationMs(samples: readonly Sample[]): Stats {
  return stats(samples.map((s) => s.ms));
}
