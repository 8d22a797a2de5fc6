import type { ProjectionProgress } from '@thidua/eventsourcing';
import { Presets, SingleBar } from 'cli-progress';

/** Shows how far a projection rebuild has got. */
export interface ProgressReporter {
  update(progress: ProjectionProgress): void;
  /** Ends the display with a summary line. */
  finish(progress: ProjectionProgress): void;
}

/** Progress is measured in log positions: the runner reports its checkpoint and the head it runs to. */
const done = (progress: ProjectionProgress): number => (progress.checkpoint === null ? 0 : Number(progress.checkpoint));
const total = (progress: ProjectionProgress): number => (progress.head === null ? 0 : Number(progress.head));

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/**
 * A progress bar with rate and ETA on a terminal (cli-progress, on stderr so
 * stdout stays clean for data), plain progress lines otherwise: a log file or
 * a test reading stderr gets text, not cursor movements.
 */
export function createProgressReporter(
  label: string,
  options: { stream?: NodeJS.WritableStream & { isTTY?: boolean }; isTTY?: boolean } = {},
): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const isTTY = options.isTTY ?? stream.isTTY === true;
  const line = (text: string) => {
    stream.write(`${text}\n`);
  };
  const startedAt = Date.now();
  const rate = (progress: ProjectionProgress) => {
    const elapsed = (Date.now() - startedAt) / 1000;
    return elapsed <= 0 ? 0 : Math.round(done(progress) / elapsed);
  };
  const summary = (progress: ProjectionProgress) =>
    `${label}: done, ${progress.processed} events applied up to position ${progress.checkpoint ?? 'none'} in ${seconds(Date.now() - startedAt)}`;

  if (isTTY) {
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate} events/s | ETA {eta_formatted}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(progress) {
        if (!started) {
          bar.start(total(progress), done(progress), { rate: 0 });
          started = true;
        } else {
          bar.setTotal(total(progress));
          bar.update(done(progress), { rate: rate(progress) });
        }
      },
      finish(progress) {
        if (started) {
          bar.update(Math.max(done(progress), total(progress)), { rate: rate(progress) });
          bar.stop();
        }
        line(summary(progress));
      },
    };
  }

  // One line per second at most (plus the first), so a long rebuild does not flood a log.
  let lastLineAt = Number.NEGATIVE_INFINITY;
  return {
    update(progress) {
      const now = Date.now();
      if (now - lastLineAt < 1000) return;
      lastLineAt = now;
      const of = total(progress);
      const percent = of === 0 ? 100 : Math.floor((done(progress) / of) * 100);
      const perSecond = rate(progress);
      const eta = perSecond > 0 ? `, ETA ${seconds(((of - done(progress)) / perSecond) * 1000)}` : '';
      line(`${label}: ${done(progress)}/${of} (${percent}%), ${perSecond} events/s${eta}`);
    },
    finish(progress) {
      line(summary(progress));
    },
  };
}
