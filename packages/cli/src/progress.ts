import type { ProjectionProgress } from '@thidua/eventsourcing';
import { Presets, SingleBar } from 'cli-progress';
import { currentIo } from './io';

/** `--progress`: after a second of work (auto, the default), from the start, or not at all. */
export const PROGRESS_WHEN = ['auto', 'always', 'never'] as const;
export type ProgressWhen = (typeof PROGRESS_WHEN)[number];

/** Where progress goes and how it looks. */
export interface ProgressMeterOptions {
  /** `--progress`: `always` shows from the start, `never` shows nothing (summary lines included). */
  when?: ProgressWhen | undefined;
  /** Default the run's stderr, so stdout stays clean for data. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Default: whether `stream` is a terminal. */
  isTTY?: boolean;
  /** What is counted: events (the default) or bytes of an input file, shown in MB. */
  unit?: 'events' | 'bytes';
  /**
   * Nothing is shown until the work has run this long (default 1 000 ms): a
   * command that finishes quickly prints only its result, as before.
   */
  quietForMs?: number;
  /** The clock, in ms (tests). */
  now?: () => number;
}

/** Shows how far one long step has got. */
export interface ProgressMeter {
  update(done: number, total: number): void;
  /** Ends the display (a bar is completed and stopped), then writes `summary` if given. */
  finish(summary?: string): void;
  /** Seconds since the meter was made, as `12.3s`, for summary lines. */
  elapsed(): string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const MB = 1024 * 1024;

/**
 * A progress bar with rate and ETA on a terminal (cli-progress), plain lines
 * otherwise, at most one a second: a log file or a test reading stderr gets
 * text, not cursor movements.
 */
export function createProgressMeter(label: string, options: ProgressMeterOptions = {}): ProgressMeter {
  const stream = options.stream ?? currentIo().stderr;
  const isTTY = options.isTTY ?? stream.isTTY === true;
  const now = options.now ?? Date.now;
  const quietForMs = options.when === 'always' ? 0 : (options.quietForMs ?? 1_000);
  const bytes = options.unit === 'bytes';
  const amount = (n: number) => (bytes ? (n / MB).toFixed(1) : String(Math.round(n)));
  const ofUnit = bytes ? ' MB' : '';
  const startedAt = now();
  if (options.when === 'never') return { update: () => undefined, finish: () => undefined, elapsed: () => seconds(now() - startedAt) };
  /** The first count reported: a catch-up from checkpoint 90 000 has not done 90 000 events in its first second. */
  let base: number | null = null;
  const perSecond = (done: number, at = now()) => {
    const elapsed = (at - startedAt) / 1000;
    return elapsed <= 0 ? 0 : (done - (base ?? done)) / elapsed;
  };
  const rate = (done: number, at?: number) => `${amount(perSecond(done, at))} ${bytes ? 'MB' : 'events'}/s`;
  const line = (text: string) => {
    stream.write(`${text}\n`);
  };

  let bar: SingleBar | null = null;
  let lastLineAt = Number.NEGATIVE_INFINITY;
  let last = { done: 0, total: 0, at: startedAt };

  const draw = (done: number, total: number) => {
    if (isTTY) {
      const payload = { doneText: amount(done), totalText: `${amount(total)}${ofUnit}`, rateText: rate(done) };
      if (!bar) {
        bar = new SingleBar(
          {
            format: `${label} [{bar}] {percentage}% | {doneText}/{totalText} | {rateText} | ETA {eta_formatted}`,
            stream,
            hideCursor: true,
            etaBuffer: 50,
          },
          Presets.shades_classic,
        );
        bar.start(total, done, payload);
      } else {
        bar.setTotal(total);
        bar.update(done, payload);
      }
      return;
    }
    const at = now();
    if (at - lastLineAt < 1_000) return;
    lastLineAt = at;
    const percent = total <= 0 ? 100 : Math.floor((done / total) * 100);
    const speed = perSecond(done);
    const eta = speed > 0 && total > done ? `, ETA ${seconds(((total - done) / speed) * 1000)}` : '';
    line(`${label}: ${amount(done)}/${amount(total)}${ofUnit} (${percent}%), ${rate(done)}${eta}`);
  };

  return {
    update(done, total) {
      base ??= done;
      last = { done, total, at: now() };
      if (bar === null && now() - startedAt < quietForMs) return;
      draw(done, total);
    },
    finish(summary) {
      if (bar !== null) {
        const shown: SingleBar = bar;
        // The rate as of the last report: the caller may finish well after the work (a final comparison).
        const rateText = rate(last.done, last.at);
        shown.update(Math.max(last.done, last.total), { doneText: amount(last.total), totalText: `${amount(last.total)}${ofUnit}`, rateText });
        shown.stop();
        bar = null;
      }
      if (summary !== undefined) line(summary);
    },
    elapsed: () => seconds(now() - startedAt),
  };
}

/** Shows how far a projection rebuild has got, in log positions: its checkpoint and the head it runs to. */
export interface ProgressReporter {
  update(progress: ProjectionProgress): void;
  /** Ends the display with a summary line. */
  finish(progress: ProjectionProgress): void;
}

const position = (value: bigint | null): number => (value === null ? 0 : Number(value));

/**
 * The meter of `projections rebuild`. Shown from the start under `auto` too:
 * progress is what the command promises, however short the log.
 */
export function createProgressReporter(label: string, options: Omit<ProgressMeterOptions, 'unit'> = {}): ProgressReporter {
  const meter = createProgressMeter(label, { quietForMs: 0, ...options });
  return {
    update: (progress) => meter.update(position(progress.checkpoint), position(progress.head)),
    finish: (progress) =>
      meter.finish(`${label}: done, ${progress.processed} events applied up to position ${progress.checkpoint ?? 'none'} in ${meter.elapsed()}`),
  };
}

/** How far one step of a long command (import, export, audit verify) has got. */
export interface StepProgress {
  /** What is being done, as shown: `import: validating log.ndjson`. */
  step: string;
  unit?: 'events' | 'bytes';
  done: number;
  total: number;
}

/** A meter per step: a report for a new step ends the previous step's meter. */
export interface StepMeters {
  report(progress: StepProgress): void;
  /** Ends the last step's meter. */
  finish(): void;
}

/** Meters that appear only for steps that run longer than a second (see {@link ProgressMeterOptions.quietForMs}). */
export function createStepMeters(options: Omit<ProgressMeterOptions, 'unit'> = {}): StepMeters {
  let current: { step: string; meter: ProgressMeter } | null = null;
  return {
    report(progress) {
      if (current?.step !== progress.step) {
        current?.meter.finish();
        current = { step: progress.step, meter: createProgressMeter(progress.step, { ...options, unit: progress.unit ?? 'events' }) };
      }
      current.meter.update(progress.done, progress.total);
    },
    finish() {
      current?.meter.finish();
      current = null;
    },
  };
}

/** Runs `work`, then ends its meters, also when it fails: a bar left drawn would garble the error printed next. */
export async function withMeters<T>(meters: StepMeters, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    meters.finish();
  }
}

/** Calls `report` for one item in `every` (and for the first): progress per event would cost more than it shows. */
export function everyNth<T>(every: number, report: (value: T) => void): (value: T) => void {
  let count = 0;
  return (value) => {
    if (count++ % every === 0) report(value);
  };
}

/** A projection runner's report as a step: log positions applied out of the head. */
export function projectionStep(step: string, progress: ProjectionProgress): StepProgress {
  return { step: `${step}, ${progress.projection}`, done: position(progress.checkpoint), total: position(progress.head) };
}
