import type { RecordedEvent } from '../envelope/envelope';
import type { EventStore, Subscription } from '../event-store/event-store';
import { ConcurrencyError, ProjectionFailedError, ProjectionOutdatedError, TimeoutError } from '../errors/errors';
import { isTransientStoreError } from '../errors/store-unavailable';
import { DEFAULT_RETRY_POLICY, resolveRetryPolicy, retryDelay, type RetryPolicy } from '../retry/retry-policy';
import { withRetry } from '../retry/with-retry';
import { BatchApplier } from './batch-applier';
import type { Projection, ProjectionStore } from './projection';
import type { ProjectionLeases } from './projection-leases';

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
  /** Events per page read, and per committed batch while catching up or following the log (default 1000). */
  batchSize?: number;
  /**
   * Events per committed batch while rebuilding into staging documents
   * (default 25 × `batchSize`). A stopped rebuild starts its staging over, so
   * these commits only keep the rebuild's writes in bounded steps; fewer of
   * them make a rebuild faster when every page touches the same documents.
   */
  stagingBatchSize?: number;
  onProgress?(progress: ProjectionProgress): void;
  /**
   * Run only while holding this projection's lease (several processes, one
   * runner each). `start()` stands by until the lease is free, renews it
   * every `renewEveryMs` (ttl/3), and stands by again if it is lost.
   */
  lease?: {
    leases: ProjectionLeases;
    owner: string;
    ttlMs?: number;
    renewEveryMs?: number;
    retryMs?: number;
    /** How long `rebuild()` waits for the lease before a `timeout` error (default 3 × ttl). */
    acquireTimeoutMs?: number;
  };
  /** Called when a leased runner loses its lease (or another runner moved the checkpoint) and stands by. */
  onLeaseLost?(): void;
  /**
   * Called for each error the runner outlives before it tries again: a
   * transient store failure (`isTransientStoreError`: a dropped connection,
   * a database restarting), in every runner; and, for a leased runner, any
   * failure but a projection bug (the lease store unreachable, documents of
   * a newer projection version during a rolling deploy). Other errors end
   * `start()` (`done` rejects).
   */
  onError?(error: unknown): void;
  /**
   * How transient store failures are tried again: a capped, jittered,
   * growing wait between tries (see `RetryPolicy`). `catchUp()` and
   * `rebuild()` give up with the last error after `maxAttempts` (default
   * 10); a started runner keeps trying for as long as it runs, unless
   * `maxAttempts` is set, and starts counting again once it has caught up.
   * `catchUp()` also starts again this way when another process moved the
   * checkpoint under it.
   */
  retry?: Partial<RetryPolicy>;
}

export interface ProjectionRunner {
  readonly projection: Projection;
  /** Catches up to the log's head and commits; rebuilds first when the stored version differs. */
  catchUp(): Promise<ProjectionProgress>;
  /**
   * Replays the whole log into staging documents and swaps them in atomically
   * when caught up (blue/green): readers never see a half-rebuilt projection.
   */
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
  const stagingBatchSize = Math.max(batchSize, options.stagingBatchSize ?? batchSize * 25);
  let subscription: Subscription | null = null;
  let running: Promise<void> | null = null;
  let stopRequested = false;
  const retryPolicy = resolveRetryPolicy(options.retry);
  const livePolicy = resolveRetryPolicy(options.retry, { ...DEFAULT_RETRY_POLICY, maxAttempts: Number.POSITIVE_INFINITY });
  /** Transient failures of the live loop in a row; back to 0 once it has caught up again. */
  let failures = 0;
  const staging = `${projection.name}~rebuild`;
  let stagingCleared: Promise<void> | null = null;

  /**
   * A rebuild killed halfway leaves its staging documents behind, which no
   * one would promote. The first time this runner touches the projection it
   * drops them, once: a rebuild of its own starts after that (it waits for
   * this too), and a leased runner does it while holding the lease, so it
   * never drops the staging of a rebuild running in another process.
   */
  function clearStaleStaging(): Promise<void> {
    stagingCleared ??= projectionStore.drop(staging).catch((error: unknown) => {
      stagingCleared = null; // try again next time
      throw error;
    });
    return stagingCleared;
  }

  /**
   * The checkpoint to resume from. A projection seen for the first time
   * starts empty. One stored by an older `version` is rebuilt blue/green
   * (readers keep the old documents until the new ones are whole and swapped
   * in); one stored by a newer version is refused, so an old replica in a
   * rolling deploy never overwrites what a newer one built.
   */
  async function prepare(): Promise<bigint | null> {
    await clearStaleStaging();
    const state = await projectionStore.getState(projection.name);
    if (state && state.version === projection.version) return state.checkpoint;
    if (!state) {
      await projectionStore.reset(projection.name, projection.version);
      return null;
    }
    if (state.version > projection.version) throw new ProjectionOutdatedError(projection.name, projection.version, state.version);
    await buildAndPromote();
    return (await projectionStore.getState(projection.name))?.checkpoint ?? null;
  }

  /** Replays the whole log into `<name>~rebuild` and swaps it in atomically. */
  async function buildAndPromote(): Promise<ProjectionProgress> {
    await clearStaleStaging();
    await projectionStore.reset(staging, projection.version);
    const progress = await catchUpFrom(null, staging);
    await projectionStore.promote(staging, projection.name);
    return progress;
  }

  async function catchUpFrom(checkpoint: bigint | null, documents = projection.name): Promise<ProjectionProgress> {
    const head = await eventStore.headPosition();
    let processed = 0;
    let current = checkpoint;
    const filter = { eventTypes: projection.handles };
    const report = () => options.onProgress?.({ projection: projection.name, processed, checkpoint: current, head });
    report();
    const eventsPerCommit = documents === projection.name ? batchSize : stagingBatchSize;
    // One applier for the whole run: the documents it committed stay cached for the next pages.
    const applier = new BatchApplier(projection, projectionStore, documents);
    for (;;) {
      const read = applier.position ?? checkpoint;
      const from: bigint | undefined = read === null ? undefined : read + 1n;
      const page = await eventStore.readAllPage({ fromPosition: from, maxCount: batchSize, filter });
      await applier.applyPage(page);
      const short = page.length < batchSize;
      // A short page means every matching event up to the head is applied: move past the filtered-out ones too.
      if (short && head !== null) applier.advanceTo(head);
      if (short || applier.size >= eventsPerCommit) {
        const committed = await applier.commit(projection.version, current);
        if (committed !== null) current = committed;
      }
      processed += page.length;
      report();
      if (short) return { projection: projection.name, processed, checkpoint: current, head };
    }
  }

  async function waitForPosition(position: bigint, waitOptions: { timeoutMs?: number } = {}): Promise<void> {
    await waitForCheckpoint(projectionStore, projection.name, position, waitOptions);
  }

  const lease = options.lease;
  const ttlMs = lease?.ttlMs ?? 10_000;
  let wakeWaiter: (() => void) | null = null;
  /** While the live loop runs: makes it start again from the stored state (see `rebuild`). */
  let restartLive: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        wakeWaiter = null;
        resolve();
      }
      wakeWaiter = finish;
    });

  /** Waits for the lease (a rebuild must not race the live runner of another process) and keeps renewing it. */
  async function holdLease(): Promise<() => Promise<void>> {
    if (!lease) return async () => undefined;
    const deadline = Date.now() + (lease.acquireTimeoutMs ?? ttlMs * 3);
    while (!(await lease.leases.tryAcquire(projection.name, lease.owner, ttlMs))) {
      if (Date.now() > deadline) {
        throw new TimeoutError(`Projection ${projection.name}: lease not acquired in time`, { projection: projection.name });
      }
      await new Promise((resolve) => setTimeout(resolve, lease.retryMs ?? ttlMs / 3));
    }
    const renewal = setInterval(() => {
      void lease.leases.tryAcquire(projection.name, lease.owner, ttlMs).catch(() => undefined);
    }, lease.renewEveryMs ?? ttlMs / 3);
    return async () => {
      clearInterval(renewal);
      if (!running) await lease.leases.release(projection.name, lease.owner).catch(() => undefined);
    };
  }

  /** Follows the log until stopped; with a lease, only while holding it, standing by otherwise. */
  async function runLoop(): Promise<void> {
    const standBy = () => pause(lease?.retryMs ?? ttlMs / 3);
    try {
      while (!stopRequested) {
        if (lease) {
          let held = false;
          try {
            held = await lease.leases.tryAcquire(projection.name, lease.owner, ttlMs);
          } catch (error) {
            // The lease store is unreachable (a database restart): report it and keep trying, as a replica should.
            options.onError?.(error);
          }
          if (!held) {
            await standBy();
            continue;
          }
        }
        let outcome: 'stopped' | 'lost';
        try {
          outcome = await followLive();
        } catch (error) {
          // A projection bug stops the runner: retrying would fail on the same event forever.
          if (error instanceof ProjectionFailedError) throw error;
          // A dropped connection or a restarting database passes: every runner waits and tries again.
          // Leased replicas also outlive other failures (rolling deploys), standing by as usual.
          const transient = isTransientStoreError(error);
          if (!transient && !lease) throw error;
          if (transient && (failures += 1) >= livePolicy.maxAttempts) throw error;
          options.onError?.(error);
          if (lease) await lease.leases.release(projection.name, lease.owner).catch(() => undefined);
          await (transient ? pause(retryDelay(livePolicy, failures)) : standBy());
          continue;
        }
        if (outcome === 'stopped') return;
        // 'lost': another runner moved the checkpoint or took the lease; stand by and try again.
        options.onLeaseLost?.();
      }
    } finally {
      if (lease) await lease.leases.release(projection.name, lease.owner).catch(() => undefined);
    }
  }

  async function followLive(): Promise<'stopped' | 'lost'> {
    let lost = false;
    let renewal: ReturnType<typeof setInterval> | null = null;
    const loseLease = () => {
      lost = true;
      void subscription?.stop();
    };
    restartLive = loseLease;
    try {
      if (lease) {
        renewal = setInterval(() => {
          lease.leases.tryAcquire(projection.name, lease.owner, ttlMs).then(
            (held) => {
              if (!held) loseLease();
            },
            () => loseLease(),
          );
        }, lease.renewEveryMs ?? ttlMs / 3);
      }
      const caught = await catchUpFrom(await prepare());
      failures = 0;
      let checkpoint = caught.checkpoint;
      const applier = new BatchApplier(projection, projectionStore);
      const flush = async () => {
        const committed = await applier.commit(projection.version, checkpoint);
        if (committed !== null) checkpoint = committed;
      };
      if (stopRequested || lost) return lost ? 'lost' : 'stopped';
      subscription = eventStore.subscribeToAll({
        afterPosition: checkpoint,
        batchSize,
        onEvent: async (event: RecordedEvent) => {
          await applier.applyPage([event]);
          if (applier.size >= batchSize) await flush();
        },
        onCaughtUp: flush,
      });
      await subscription.done;
      subscription = null;
      if (lost) return 'lost';
      await flush();
      return 'stopped';
    } catch (error) {
      subscription = null;
      if (error instanceof ConcurrencyError && (lease || lost)) return 'lost';
      throw error;
    } finally {
      restartLive = null;
      if (renewal) clearInterval(renewal);
    }
  }

  return {
    projection,
    catchUp: () =>
      // Another process may move the checkpoint under us (a leased runner beside the CLI): start again from
      // its checkpoint; the commit guard already kept us from applying anything twice. A transient store
      // failure discards the batch in hand, so starting again from the stored checkpoint is all it takes.
      withRetry(async () => catchUpFrom(await prepare()), {
        policy: retryPolicy,
        retryable: (error) => error instanceof ConcurrencyError || isTransientStoreError(error),
        ...(options.onError ? { onRetry: (error: unknown) => options.onError?.(error) } : {}),
      }),
    rebuild: async () => {
      // Blue/green: build beside the live documents, then swap in one step.
      const release = lease ? await holdLease() : null;
      try {
        // A transient failure mid-rebuild starts the staging over; the live documents are untouched until the swap.
        const progress = await withRetry(buildAndPromote, {
          policy: retryPolicy,
          retryable: isTransientStoreError,
          ...(options.onError ? { onRetry: (error: unknown) => options.onError?.(error) } : {}),
        });
        // The swap moved the checkpoint under this runner's own live loop, if it runs (backwards, when the
        // loop applied events appended after the rebuild's last page): start it again from the promoted
        // state now, rather than leave those events unapplied until the next append trips the guard.
        restartLive?.();
        return progress;
      } finally {
        await release?.();
      }
    },
    start() {
      if (running) throw new Error(`Projection ${projection.name} is already running`);
      stopRequested = false;
      const done = runLoop();
      running = done.catch(() => undefined);
      return { done };
    },
    async stop() {
      stopRequested = true;
      wakeWaiter?.();
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
