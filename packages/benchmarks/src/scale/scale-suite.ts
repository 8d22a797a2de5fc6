/**
 * The scale figures of one store on a province-scale history: the history
 * run as commands (commands/s), exported as NDJSON and imported into a fresh
 * store as `thidua import` does (events/s), the standings rebuilt from the
 * imported log (events/s), and one bloc's year-end standings read (ms).
 * Each figure is one timed run (a 1000× history takes minutes), except the
 * standings read, the median of many.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { applyImport, createProjectionRunner, ndjsonFileLines, planImport, toNdjsonLine, type EventStore } from '@thidua/eventsourcing';
import { createThidua, thiduaRegistry } from '@thidua/domain';
import { getYearEndStandings, standingsProjection } from '@thidua/projections';
import { durationMs, stats, type Sample } from '../measure';
import { result, type FigureError, type FigureResult, type StoreName } from '../report';
import type { OpenStore, StoreUnderTest } from '../suites/store-under-test';
import { describeScale, type ScaleHistory } from './scale-history';
import type { ScaleBaselines } from './scale-baselines';

/** What the scale run of one store needs. */
export interface ScaleContext {
  history: ScaleHistory;
  baselines: ScaleBaselines;
  /** A folder for the NDJSON export, removed by the caller. */
  dir: string;
  progress(message: string): void;
}

/** Standings reads timed per store (after as many untimed). */
const STANDINGS_READS = 21;
/** At most one progress line per this many milliseconds, per phase. */
const PROGRESS_EVERY_MS = 2_000;

/** Runs the scale figures of `store`; a failing figure is recorded and stops the ones that need it. */
export async function runScaleSuite(store: StoreUnderTest, context: ScaleContext): Promise<{ results: FigureResult[]; errors: FigureError[] }> {
  const results: FigureResult[] = [];
  const errors: FigureError[] = [];
  const { history } = context;
  const size = `${describeScale(history.size)} (${history.eventCount} events)`;
  const say = (message: string) => context.progress(`${store.name}: ${message}`);
  const fail = (figure: string, error: unknown) =>
    errors.push({ store: store.name, figure, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  const figure = (id: string, fields: { label: string; unit: FigureResult['unit']; better: FigureResult['better']; note?: string }, measured: ReturnType<typeof stats>, baseline: FigureResult | null) =>
    result({ store: store.name as StoreName, figure: id, size, ...fields, baseline }, measured);

  const path = join(context.dir, `${store.name}-history.ndjson`);
  // 1. The history as commands, through createThidua().execute, one at a time in order.
  const source = await store.open();
  try {
    say(`scale-commands: ${history.commandCount} commands (${describeScale(history.size)})…`);
    const commands = await executeHistory(source.eventStore, history, (done) => say(`scale-commands ${done}/${history.commandCount}`));
    results.push(
      figure(
        'scale-commands',
        { label: 'the history run as commands through createThidua().execute, one writer, in order', unit: 'commands/s', better: 'higher', note: 'no plain-JS baseline: the rules are the work; compare with the memory store' },
        stats([(commands.count * 1_000) / commands.ms]),
        null,
      ),
    );
    await exportLog(source.eventStore, path);
  } catch (error) {
    fail('scale-commands', error);
    return { results, errors };
  } finally {
    await source.close();
  }

  // 2. The export imported into a fresh store, then 3. the standings rebuilt and 4. read from it.
  const target = await store.open();
  try {
    say(`scale-import: ${history.eventCount} events…`);
    const imported = await importLog(target.eventStore, path, (done) => say(`scale-import ${done}/${history.eventCount}`));
    results.push(
      figure(
        'scale-import',
        { label: 'the NDJSON export imported into an empty store (planImport + applyImport, as thidua import)', unit: 'events/s', better: 'higher' },
        stats([(imported.count * 1_000) / imported.ms]),
        await context.baselines.importFloor(path),
      ),
    );
    await target.settle?.();
    say('scale-rebuild…');
    const rebuilt = await rebuildStandings(target);
    results.push(
      figure(
        'scale-rebuild',
        { label: 'standings rebuilt from readAll of the imported log', unit: 'events/s', better: 'higher' },
        stats([(rebuilt.count * 1_000) / rebuilt.ms]),
        await context.baselines.fold(path),
      ),
    );
    say('scale-standings…');
    results.push(
      figure(
        'scale-standings',
        { label: "one bloc's year-end standings read (getYearEndStandings on the rebuilt read model)", unit: 'ms', better: 'lower', note: `median of ${STANDINGS_READS} reads over blocs and years` },
        durationMs(await readStandings(target, history)),
        null,
      ),
    );
  } catch (error) {
    fail(results.some((r) => r.figure === 'scale-import') ? 'scale-rebuild' : 'scale-import', error);
  } finally {
    await target.close();
  }
  return { results, errors };
}

function throttled(report: (done: number) => void): (done: number) => void {
  let last = performance.now();
  return (done) => {
    const now = performance.now();
    if (now - last >= PROGRESS_EVERY_MS) {
      last = now;
      report(done);
    }
  };
}

async function executeHistory(eventStore: EventStore, history: ScaleHistory, progress: (done: number) => void): Promise<Sample> {
  const thidua = createThidua({ eventStore });
  const tick = throttled(progress);
  let count = 0;
  let ms = 0;
  for (const { commands } of history.years()) {
    // Generating a year's commands is not timed.
    const started = performance.now();
    for (const command of commands) {
      await thidua.execute(command);
      count += 1;
      tick(count);
    }
    ms += performance.now() - started;
  }
  if (count !== history.commandCount) throw new Error(`executed ${count} commands, the history has ${history.commandCount}`);
  return { ms, count };
}

/** `thidua export`: every event as stored, one NDJSON line each (not timed). */
async function exportLog(eventStore: EventStore, path: string): Promise<void> {
  const out = createWriteStream(path);
  const finished = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  let lines: string[] = [];
  for await (const event of eventStore.readAll({ raw: true })) {
    lines.push(toNdjsonLine(event));
    if (lines.length >= 1_000) {
      if (!out.write(lines.join(''))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      lines = [];
    }
  }
  out.end(lines.join(''));
  await finished;
}

async function importLog(eventStore: EventStore, path: string, progress: (done: number) => void): Promise<Sample> {
  const tick = throttled(progress);
  const lines = ndjsonFileLines(path);
  const started = performance.now();
  const plan = await planImport({ lines, eventStore, registry: thiduaRegistry });
  if (plan.badLines.length > 0) throw new Error(`the export has ${plan.badLines.length} bad lines, the first: ${plan.badLines[0]?.reason}`);
  const imported = await applyImport({ lines, eventStore, plan, onProgress: (p) => tick(p.done) });
  return { ms: performance.now() - started, count: imported.appended };
}

async function rebuildStandings(opened: OpenStore): Promise<Sample> {
  const runner = createProjectionRunner({ eventStore: opened.eventStore, projectionStore: opened.projectionStore, projection: standingsProjection });
  const head = await opened.eventStore.headPosition();
  const started = performance.now();
  const progress = await runner.rebuild();
  const ms = performance.now() - started;
  if (progress.checkpoint !== head) throw new Error(`rebuild stopped at ${progress.checkpoint}, head is ${head}`);
  return { ms, count: Number(head) };
}

async function readStandings(opened: OpenStore, history: ScaleHistory): Promise<Sample[]> {
  const { blocIds, firstYear, size } = history;
  const query = (i: number) => ({ blocId: blocIds[(i * 7) % blocIds.length]!, year: firstYear + ((i * 3) % size.years) });
  const samples: Sample[] = [];
  for (let i = 0; i < 2 * STANDINGS_READS; i += 1) {
    const started = performance.now();
    const standings = await getYearEndStandings(opened.projectionStore, query(i));
    const ms = performance.now() - started;
    if (!standings) throw new Error(`no standings for ${JSON.stringify(query(i))}`);
    if (i >= STANDINGS_READS) samples.push({ ms, count: 1 });
  }
  return samples;
}
