import {
  createProjectionRunner,
  NotFoundError,
  waitForCheckpoint,
  type EventStore,
  type Projection,
  type ProjectionProgress,
  type ProjectionRunnerOptions,
  type ProjectionStore,
} from '@thidua/eventsourcing';
import { auditTrailProjection } from './audit-trail/audit-trail.projection';
import { chairHistoryProjection } from './chair-history/chair-history.projection';
import { progressProjection } from './progress/progress.projection';
import { standingsProjection } from './standings/standings.projection';
import { yearSummaryProjection } from './year-summary/year-summary.projection';

/** Every thidua read model: year-end standings, chair-flag history, audit trail, campaign progress, the authorities' blocs for the year summary. */
export const thiduaProjections: readonly Projection[] = [
  standingsProjection,
  chairHistoryProjection,
  auditTrailProjection,
  progressProjection,
  yearSummaryProjection,
];

/** Options of {@link createThiduaProjections}. */
export interface ThiduaProjectionsOptions {
  /** The log; create it with `thiduaRegistry` so payloads are parsed on read. */
  eventStore: EventStore;
  /** Where documents and checkpoints live (memory, SQLite, PostgreSQL). */
  projectionStore: ProjectionStore;
  /** Events per page read and per committed batch (default: the runner's, 1 000). */
  batchSize?: number;
  /** Events per committed batch while rebuilding into staging documents (default: the runner's, 25 × `batchSize`). */
  stagingBatchSize?: number;
  /**
   * With several processes: each projection runs only where its lease is held
   * (the kernel's leased runner), the others stand by and take over from the
   * stored checkpoint.
   */
  lease?: ProjectionRunnerOptions['lease'];
  /** OpenTelemetry spans and metrics per projection batch (off by default). */
  telemetry?: ProjectionRunnerOptions['telemetry'];
}

/** The thidua projections run together over one log and one projection store. */
export interface ThiduaProjections {
  readonly projections: readonly Projection[];
  /**
   * Brings every projection (or only those named in `only`: the ones a
   * reader reads) up to the log's head, rebuilding those whose version
   * changed, one after the other; `onProgress` hears each page. An unknown
   * name is `not_found`.
   */
  catchUp(onProgress?: (progress: ProjectionProgress) => void, options?: { only?: readonly string[] }): Promise<ProjectionProgress[]>;
  /**
   * Replays one projection (by name) or all of them from the start of the log,
   * beside the live documents, and swaps the result in at once (the kernel's
   * blue/green rebuild): readers never see a half-rebuilt projection. Without
   * leases, stop live runners first: the swap moves the checkpoint under them.
   * Throws `not_found` for an unknown name.
   */
  rebuild(name?: string, onProgress?: (progress: ProjectionProgress) => void): Promise<ProjectionProgress[]>;
  /** Catches up, then follows new events until `stop()`; `done` rejects with the first failure. */
  start(): { done: Promise<void> };
  stop(): Promise<void>;
  /** Resolves once every projection has applied the log up to `position` (read-your-writes); `timeout` error otherwise. */
  waitForPosition(position: bigint, options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Runs the thidua projections with the kernel's projection runner.
 *
 * @example
 * const projections = createThiduaProjections({ eventStore, projectionStore });
 * await projections.catchUp();
 * const standings = await getYearEndStandings(projectionStore, { blocId: 'kt-kt', year: 2013 });
 */
export function createThiduaProjections(options: ThiduaProjectionsOptions): ThiduaProjections {
  const { eventStore, projectionStore } = options;
  // One runner per projection for every operation: a rebuild then runs on the
  // very runner that may be live, so the kernel knows whether to keep its lease.
  let reportProgress: ((progress: ProjectionProgress) => void) | undefined;
  const runners = thiduaProjections.map((projection) =>
    createProjectionRunner({
      eventStore,
      projectionStore,
      projection,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.stagingBatchSize === undefined ? {} : { stagingBatchSize: options.stagingBatchSize }),
      ...(options.lease === undefined ? {} : { lease: options.lease }),
      ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
      onProgress: (progress) => reportProgress?.(progress),
    }),
  );

  function select(names: readonly string[]) {
    return names.map((name) => {
      const runner = runners.find((candidate) => candidate.projection.name === name);
      if (runner === undefined) {
        throw new NotFoundError(`No projection named ${JSON.stringify(name)}; known: ${thiduaProjections.map((p) => p.name).join(', ')}`, { projection: name });
      }
      return runner;
    });
  }

  return {
    projections: thiduaProjections,
    async catchUp(onProgress, catchUpOptions = {}) {
      const selected = catchUpOptions.only === undefined ? runners : select(catchUpOptions.only);
      const progress: ProjectionProgress[] = [];
      reportProgress = onProgress;
      try {
        // One after the other: each reads the log once, and a failure names its projection without others racing it.
        for (const runner of selected) progress.push(await runner.catchUp());
      } finally {
        reportProgress = undefined;
      }
      return progress;
    },
    async rebuild(name, onProgress) {
      const selected = name === undefined ? runners : select([name]);
      const progress: ProjectionProgress[] = [];
      reportProgress = onProgress;
      try {
        for (const runner of selected) progress.push(await runner.rebuild());
      } finally {
        reportProgress = undefined;
      }
      return progress;
    },
    start() {
      const dones = runners.map((runner) => runner.start().done);
      const done = Promise.all(dones).then(() => undefined);
      done.catch(() => undefined);
      return { done };
    },
    async stop() {
      await Promise.all(runners.map((runner) => runner.stop()));
    },
    async waitForPosition(position, waitOptions = {}) {
      await Promise.all(thiduaProjections.map((p) => waitForCheckpoint(projectionStore, p.name, position, waitOptions)));
    },
  };
}
