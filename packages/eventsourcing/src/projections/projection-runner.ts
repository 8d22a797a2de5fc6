import type { RecordedEvent } from '../envelope/envelope';
import type { EventStore, Subscription } from '../event-store/event-store';
import { TimeoutError } from '../errors/errors';
import { BatchApplier } from './batch-applier';
import type { Projection, ProjectionStore } from './projection';

export interface ProjectionProgress {
  projection: string;
  /** Events read so far in this run. */
  processed: number;
  /** Checkpoint after the last commit. */
  checkpoint: bigint | null;
  /** Log head when the run started (null: empty log). */
  head: bigint | null;
}

export interface ProjectionRunnerOptions {
  eventStore: EventStore;
  projectionStore: ProjectionStore;
  projection: Projection;
  /** Events per committed batch. */
  batchSize?: number;
  onProgress?(progress: ProjectionProgress): void;
}

export interface ProjectionRunner {
  readonly projection: Projection;
  /** Catches up to the log's head and commits; rebuilds first when the stored version differs. */
  catchUp(): Promise<ProjectionProgress>;
  /** Drops the documents and replays the whole log. */
  rebuild(): Promise<ProjectionProgress>;
  /** Catches up, then follows new events until `stop()`; `done` rejects on a failure. */
  start(): { done: Promise<void> };
  stop(): Promise<void>;
  /** Resolves once the checkpoint reaches `position` (read-your-writes); `timeout` error otherwise. */
  waitForPosition(position: bigint, options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Runs one projection against a log. Documents and checkpoint move together
 * through `ProjectionStore.commit`; a throwing projection stops the runner
 * with `projection_failed` naming the event, and its checkpoint stays at the
 * last good batch.
 */
export function createProjectionRunner(options: ProjectionRunnerOptions): ProjectionRunner {
  const { eventStore, projectionStore, projection } = options;
  const batchSize = options.batchSize ?? 1_000;
  let subscription: Subscription | null = null;
  let running: Promise<void> | null = null;
  let stopRequested = false;

  async function prepare(): Promise<bigint | null> {
    const state = await projectionStore.getState(projection.name);
    if (state && state.version === projection.version) return state.checkpoint;
    await projectionStore.reset(projection.name, projection.version);
    return null;
  }

  async function catchUpFrom(checkpoint: bigint | null): Promise<ProjectionProgress> {
    const head = await eventStore.headPosition();
    let processed = 0;
    let current = checkpoint;
    const filter = { eventTypes: projection.handles };
    const report = () => options.onProgress?.({ projection: projection.name, processed, checkpoint: current, head });
    report();
    for (;;) {
      const from: bigint | undefined = current === null ? undefined : current + 1n;
      const page = await eventStore.readAllPage({ fromPosition: from, maxCount: batchSize, filter });
      const applier = new BatchApplier(projection, projectionStore);
      await applier.prefetch(page);
      for (const event of page) applier.apply(event);
      const short = page.length < batchSize;
      // A short page means every matching event up to the head is applied: move past the filtered-out ones too.
      if (short && head !== null) applier.advanceTo(head);
      const committed = await applier.commit(projection.version, current);
      if (committed !== null) current = committed;
      processed += page.length;
      report();
      if (short) return { projection: projection.name, processed, checkpoint: current, head };
    }
  }

  async function waitForPosition(position: bigint, waitOptions: { timeoutMs?: number } = {}): Promise<void> {
    await waitForCheckpoint(projectionStore, projection.name, position, waitOptions);
  }

  return {
    projection,
    catchUp: async () => catchUpFrom(await prepare()),
    rebuild: async () => {
      await projectionStore.reset(projection.name, projection.version);
      return catchUpFrom(null);
    },
    start() {
      if (running) throw new Error(`Projection ${projection.name} is already running`);
      stopRequested = false;
      let resolveDone!: () => void;
      let rejectDone!: (error: unknown) => void;
      const done = new Promise<void>((resolve, reject) => {
        resolveDone = resolve;
        rejectDone = reject;
      });
      done.catch(() => undefined);
      void (async () => {
        try {
          const caught = await catchUpFrom(await prepare());
          let checkpoint = caught.checkpoint;
          let applier = new BatchApplier(projection, projectionStore);
          const flush = async () => {
            const committed = await applier.commit(projection.version, checkpoint);
            if (committed !== null) checkpoint = committed;
            applier = new BatchApplier(projection, projectionStore);
          };
          if (stopRequested) return resolveDone();
          subscription = eventStore.subscribeToAll({
            afterPosition: checkpoint,
            batchSize,
            onEvent: async (event: RecordedEvent) => {
              await applier.prefetch([event]);
              applier.apply(event);
              if (applier.size >= batchSize) await flush();
            },
            onCaughtUp: flush,
          });
          await subscription.done;
          await flush();
          resolveDone();
        } catch (error) {
          rejectDone(error);
        }
      })();
      running = done.catch(() => undefined);
      return { done };
    },
    async stop() {
      stopRequested = true;
      await subscription?.stop();
      await running;
      subscription = null;
      running = null;
    },
    waitForPosition,
  };
}

/**
 * Polls a projection's checkpoint until it reaches `position`. Works across
 * processes because it reads the shared projection store, not runner memory.
 */
export async function waitForCheckpoint(
  projectionStore: ProjectionStore,
  projection: string,
  position: bigint,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await projectionStore.getState(projection);
    if (state?.checkpoint !== null && state?.checkpoint !== undefined && state.checkpoint >= position) return;
    if (Date.now() >= deadline) {
      throw new TimeoutError(
        `Projection ${projection} did not reach position ${position} within ${timeoutMs} ms (at ${state?.checkpoint ?? 'nothing'})`,
        { projection, position, checkpoint: state?.checkpoint ?? null, timeoutMs },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
