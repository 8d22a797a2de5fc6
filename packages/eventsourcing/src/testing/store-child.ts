/*
 * The process the durability and replica suites start (see store-children.ts),
 * once per role. It loads the store target named in its environment, opens
 * the store there, does its role's work and reports it in lines on stdout;
 * some roles take lines on stdin. Every role prints `ready` once its store
 * is open, and ends with exit code 0 (or 1, with the error on stderr).
 *
 *   appender   appends `batch` Counted events at a time to `s-<i mod streams>`
 *              under 'any', printing `writing <batch id>` and `committed <batch id>`;
 *              `limit` appends (0: until killed); frozen inside the append after
 *              `freezeAfter` commits (prints `frozen`).
 *   projector  one catch-up (or `mode: 'rebuild'`) of the tally projection,
 *              printing `committed <projection> <checkpoint>` per batch and
 *              `done <checkpoint>`; frozen inside a commit after `freezeAfter`.
 *   replica    the tally projection under a lease (`ttlMs`, `renewMs`,
 *              `retryMs`, `acquireTimeoutMs`), live unless `start: false`.
 *              stdin: `freeze <n>` (freeze inside the commit after n more),
 *              `rebuild`, `stop`; SIGTERM stops too. Prints `committed …`,
 *              `lost`, `frozen`, `rebuilt <checkpoint>`, `rebuild-failed <code>`,
 *              `stopped`. Released from a freeze by the flag `release-<name>`.
 *   commander  the counter workload of replica `index` of `replicas`, after a
 *              `go` line; the first attempt of each command waits, after
 *              loading, until every replica has loaded (flag files), so that
 *              they really decide on the same revision. Prints
 *              `ok <commandId> <position> <duplicate>`,
 *              `rejected <commandId> <code> <rule|->`, `conflicts <n>`.
 *   writer     runs the counter command of each stdin line (JSON): `position <n>`
 *              or `rejected <code>`; `stop` ends it.
 *   reader     the projection store only: `wait <position> <timeoutMs>` prints
 *              `before <checkpoint|none>`, then `tally <json>` once the tally
 *              projection has reached the position, or `error <code>`.
 *   opener     waits for the flag `go`, then opens the (new) store and appends
 *              `count` times to the shared stream `shared` at the revision it
 *              read (retrying conflicts) and twice to `own-<name>`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConcurrencyError, RuleViolationError } from '../errors/errors';
import { isThiduaError } from '../errors/thidua-error';
import type { EventStore } from '../event-store/event-store';
import type { CommitBatch, ProjectionStore } from '../projections/projection';
import { createProjectionRunner, waitForCheckpoint, type ProjectionRunner, type ProjectionRunnerOptions } from '../projections/projection-runner';
import { onParentLine, runAsChild, say } from './child-io';
import { counterRegistry, createCounterHandler, type CounterCommand } from './counter-decider';
import { counterWorkload } from './counter-workload';
import { CHILD_ENV, releaseFlag } from './store-children';
import { loadStoreTarget, type FreezableWrite, type FreezeOptions, type StoreHandles } from './store-target';
import { TALLY_PROJECTION, tallyProjection } from './tally-projection';

const env = (key: string): string => {
  const value = process.env[key];
  if (value === undefined) throw new Error(`store child: ${key} is not set`);
  return value;
};

const name = env(CHILD_ENV.name);
const flags = env(CHILD_ENV.flags);
const params = JSON.parse(env(CHILD_ENV.params)) as Record<string, unknown>;
const target = loadStoreTarget(env(CHILD_ENV.module));
const location = JSON.parse(env(CHILD_ENV.location)) as Record<string, string>;
const flagged = (flag: string) => existsSync(join(flags, flag));
const num = (key: string, fallback?: number): number => {
  const value = params[key] ?? fallback;
  if (typeof value !== 'number') throw new Error(`store child ${name}: parameter ${key} must be a number`);
  return value;
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A freeze inside `write` once `armed()` holds, released by this child's release flag. */
function freezeWhen(write: FreezableWrite, armed: () => boolean): FreezeOptions {
  return { write, armed, frozen: () => say('frozen'), released: () => flagged(releaseFlag(name)) };
}

/** The projection store, counting the batches it committed and reporting each one. */
function countingCommits(store: ProjectionStore): { store: ProjectionStore; commits(): number } {
  let commits = 0;
  const counted: ProjectionStore = Object.create(store) as ProjectionStore;
  counted.commit = async (projection: string, batch: CommitBatch) => {
    await store.commit(projection, batch);
    commits += 1;
    say(`committed ${projection} ${batch.checkpoint}`);
  };
  return { store: counted, commits: () => commits };
}

async function appender(): Promise<void> {
  const batch = num('batch', 4);
  const streams = num('streams', 5);
  const limit = num('limit', 0);
  const freezeAfter = params['freezeAfter'];
  let committed = 0;
  const handles = target.open(location, {
    name,
    ...(typeof freezeAfter === 'number' ? { freeze: freezeWhen('append', () => committed >= freezeAfter) } : {}),
  });
  say('ready');
  for (let i = 0; limit === 0 || i < limit; i += 1) {
    const id = `${name}-${i}`;
    const events = Array.from({ length: batch }, (_, k) => ({ type: 'Counted', data: { batch: id, k, of: batch } }));
    say(`writing ${id}`);
    await handles.eventStore.appendToStream(`s-${i % streams}`, events, { expectedRevision: 'any' });
    committed += 1;
    say(`committed ${id}`);
  }
  await handles.close();
}

/**
 * The store, with its projection commits counted and reported, frozen inside
 * the first commit `armed(commits so far)` allows (never, without it); and
 * the tally projection's runner over it, with `lease` when given.
 */
function tallyRunner(
  armed: ((commits: number) => boolean) | null,
  batchDefault: number,
  lease?: (handles: StoreHandles) => NonNullable<ProjectionRunnerOptions['lease']>,
): { handles: StoreHandles; runner: ProjectionRunner; commits(): number } {
  let counting: ReturnType<typeof countingCommits> | null = null;
  const commits = () => counting?.commits() ?? 0;
  const handles = target.open(location, { name, ...(armed ? { freeze: freezeWhen('projection-commit', () => armed(commits())) } : {}) });
  counting = countingCommits(handles.projectionStore);
  const batchSize = num('batch', batchDefault);
  const runner = createProjectionRunner({
    eventStore: handles.eventStore,
    projectionStore: counting.store,
    projection: tallyProjection({ version: num('version', 1), applier: name }),
    batchSize,
    // Staging commits as often as live ones, so that a rebuild can be frozen between two of them.
    stagingBatchSize: batchSize,
    ...(lease ? { lease: lease(handles), onLeaseLost: () => say('lost') } : {}),
  });
  return { handles, runner, commits };
}

async function projector(): Promise<void> {
  const freezeAfter = params['freezeAfter'];
  const { handles, runner } = tallyRunner(typeof freezeAfter === 'number' ? (commits) => commits >= freezeAfter : null, 10);
  say('ready');
  const progress = params['mode'] === 'rebuild' ? await runner.rebuild() : await runner.catchUp();
  say(`done ${progress.checkpoint ?? 'none'}`);
  await handles.close();
}

async function replica(): Promise<void> {
  let freezeAt: number | null = null;
  const { handles, runner, commits } = tallyRunner(
    (done) => freezeAt !== null && done >= freezeAt,
    20,
    ({ leases }) => ({
      leases,
      owner: name,
      ttlMs: num('ttlMs', 60_000),
      renewEveryMs: num('renewMs', 20_000),
      retryMs: num('retryMs', 200),
      acquireTimeoutMs: num('acquireTimeoutMs', 6_000),
    }),
  );
  const live = params['start'] === false ? null : runner.start();
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await runner.stop();
      await live?.done;
      await handles.close();
      say('stopped');
    })());
  const stopped = new Promise<void>((resolve, reject) => {
    process.on('SIGTERM', () => void stop().then(resolve, reject));
    onParentLine((line) => {
      const [verb, arg] = line.split(' ');
      if (verb === 'stop') void stop().then(resolve, reject);
      if (verb === 'freeze') freezeAt = commits() + Number(arg ?? '0');
      if (verb === 'rebuild') {
        runner.rebuild().then(
          (progress) => say(`rebuilt ${progress.checkpoint ?? 'none'}`),
          (error: unknown) => say(`rebuild-failed ${isThiduaError(error) ? error.code : String(error)}`),
        );
      }
    });
  });
  say('ready');
  // A live runner that fails (not a lost lease: a real error) ends the process loudly.
  await Promise.race([stopped, live ? live.done.then(() => stopped) : stopped]);
}

/** The store, counting the conflicts its appends ran into (the handler retries them, so they would not show). */
function countingConflicts(store: EventStore): { store: EventStore; conflicts(): number } {
  let conflicts = 0;
  const counted: EventStore = Object.create(store) as EventStore;
  counted.appendToStream = async (...args) => {
    try {
      return await store.appendToStream(...args);
    } catch (error) {
      if (error instanceof ConcurrencyError) conflicts += 1;
      throw error;
    }
  };
  return { store: counted, conflicts: () => conflicts };
}

/** Makes the next load wait until every replica has loaded for `round` (flag files), so that all decide on one revision. */
function withBarrier(store: EventStore, replicas: number, index: number): { store: EventStore; arm(round: number): void } {
  let armed: number | null = null;
  const gated: EventStore = Object.create(store) as EventStore;
  gated.aggregateStream = async (...args) => {
    const loaded = await store.aggregateStream(...args);
    const round = armed;
    armed = null;
    if (round !== null) {
      writeFlag(`round-${round}-${index}`);
      while (!Array.from({ length: replicas }, (_, r) => flagged(`round-${round}-${r}`)).every(Boolean)) await pause(2);
    }
    return loaded;
  };
  return { store: gated, arm: (round) => void (armed = round) };
}

function writeFlag(flag: string): void {
  writeFileSync(join(flags, flag), '');
}

async function commander(): Promise<void> {
  const index = num('index');
  const replicas = num('replicas');
  const commands = counterWorkload(index, num('commands'));
  const handles = target.open(location, { name, registry: counterRegistry });
  const counting = countingConflicts(handles.eventStore);
  const barrier = withBarrier(counting.store, replicas, index);
  const execute = createCounterHandler(barrier.store);
  await handles.eventStore.headPosition(); // connect before saying ready
  const go = new Promise<void>((resolve) => onParentLine((line) => line === 'go' && resolve()));
  say('ready');
  await go;
  for (const [round, command] of commands.entries()) {
    barrier.arm(round);
    try {
      const result = await execute(command);
      say(`ok ${command.commandId} ${result.position} ${result.duplicate}`);
    } catch (error) {
      if (!isThiduaError(error)) throw error;
      say(`rejected ${command.commandId} ${error.code} ${error instanceof RuleViolationError ? error.rule : '-'}`);
    }
  }
  say(`conflicts ${counting.conflicts()}`);
  await handles.close();
}

/** Runs one handler per stdin line, in order, until `stop`. */
async function serveLines(handles: StoreHandles, handle: (line: string) => Promise<void>): Promise<void> {
  let queue = Promise.resolve();
  const finished = new Promise<void>((resolve, reject) => {
    onParentLine((line) => {
      queue = queue.then(() => (line === 'stop' ? resolve() : handle(line))).catch(reject);
    });
  });
  say('ready');
  await finished;
  await handles.close();
}

async function writer(): Promise<void> {
  const handles = target.open(location, { name, registry: counterRegistry });
  const execute = createCounterHandler(handles.eventStore);
  await handles.eventStore.headPosition();
  await serveLines(handles, async (line) => {
    try {
      say(`position ${(await execute(JSON.parse(line) as CounterCommand)).position}`);
    } catch (error) {
      if (!isThiduaError(error)) throw error;
      say(`rejected ${error.code}`);
    }
  });
}

async function reader(): Promise<void> {
  const handles = target.open(location, { name });
  const { projectionStore } = handles;
  await serveLines(handles, async (line) => {
    const [, position = '0', timeoutMs = '5000'] = line.split(' ');
    say(`before ${(await projectionStore.getState(TALLY_PROJECTION))?.checkpoint ?? 'none'}`);
    try {
      await waitForCheckpoint(projectionStore, TALLY_PROJECTION, BigInt(position), { timeoutMs: Number(timeoutMs) });
      say(`tally ${JSON.stringify(await projectionStore.listDocuments(TALLY_PROJECTION))}`);
    } catch (error) {
      if (!isThiduaError(error)) throw error;
      say(`error ${error.code}`);
    }
  });
}

async function opener(): Promise<void> {
  const count = num('count');
  say('ready');
  while (!flagged('go')) await pause(2);
  const handles = target.open(location, { name, lockWaitMs: 30_000 });
  const store = handles.eventStore;
  let conflicts = 0;
  for (let i = 0; i < count; i += 1) {
    for (;;) {
      const revision = await store.streamRevision('shared');
      try {
        await store.appendToStream('shared', [{ type: 'Counted', data: { writer: name, i } }], { expectedRevision: revision ?? 'no_stream' });
        break;
      } catch (error) {
        if (!isThiduaError(error, 'concurrency')) throw error;
        conflicts += 1;
      }
    }
    await store.appendToStream(`own-${name}`, [
      { type: 'Counted', data: { writer: name, i } },
      { type: 'Counted', data: { writer: name, i, second: true } },
    ]);
  }
  say(`conflicts ${conflicts}`);
  await handles.close();
}

const roles: Record<string, () => Promise<void>> = { appender, projector, replica, commander, writer, reader, opener };
const role = roles[env(CHILD_ENV.role)];
if (!role) throw new Error(`store child: unknown role ${env(CHILD_ENV.role)}`);
runAsChild(role);
