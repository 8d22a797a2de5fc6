/**
 * The figures every store gets, written once against the `EventStore` port:
 * appends (single, batched, scaling), commands through `createThidua`,
 * reading and rehydrating one long stream, the standings rebuild, the live
 * catch-up, and (in-process stores) memory per event.
 */
import { createProjectionRunner, type NewEvent } from '@thidua/eventsourcing';
import { createThidua, loadPledge, pledgeIdOf } from '@thidua/domain';
import { standingsProjection } from '@thidua/projections';
import { appendGrouped, appendInChunks, appendInterleaved } from '../append-workload';
import { sizeOf, type AppendBaseline, type Baselines } from '../baselines';
import { collectGarbage, durationMs, measure, ratePerSecond, stats, type RunCounts, type Sample } from '../measure';
import { result, type FigureError, type FigureResult, type StoreName } from '../report';
import { campaignYear, createRandom, deterministicUuid, type Workload } from '../workload';
import type { FigureId, OpenStore, StoreUnderTest, StreamSize } from './store-under-test';

/** What every suite shares with the run. */
export interface SuiteContext {
  counts: RunCounts;
  baselines: Baselines;
  seed: number;
  /** Only these figures (by the ids `runSuite` attempts), or every figure when null. */
  only: ReadonlySet<string> | null;
  /** Progress for people (stderr), never part of the report. */
  progress(message: string): void;
}

/** A suite's figures and the ones that failed. */
export interface SuiteOutcome {
  results: FigureResult[];
  errors: FigureError[];
}

/** Figures `--figures` can select: each stands for itself and the figures measured with it. */
export const SELECTABLE_FIGURES = [
  'append-single',
  'append-single-sequential',
  'append-batched',
  'scaling-ratio',
  'command-throughput',
  'rebuild-standings',
  'rebuild-standings-interleaved',
  'catch-up',
  'memory-per-event',
] as const;

/** Runs every figure of `store`; a failing figure is recorded and the others still run. */
export async function runSuite(store: StoreUnderTest, context: SuiteContext): Promise<SuiteOutcome> {
  const outcome: SuiteOutcome = { results: [], errors: [] };
  const suite = new Suite(store, context);
  const attempt = async (figure: FigureId, body: () => Promise<FigureResult[]>) => {
    if (context.only && !context.only.has(figure)) return;
    context.progress(`${store.name}: ${figure}…`);
    const started = performance.now();
    try {
      outcome.results.push(...(await body()));
    } catch (error) {
      outcome.errors.push({ store: store.name, figure, message: describeError(error) });
    }
    context.progress(`${store.name}: ${figure} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  await attempt('append-single', () => suite.appendSingle());
  if (store.sizes.sequential) await attempt('append-single-sequential', () => suite.appendSequential());
  await attempt('append-batched', () => suite.appendBatched());
  await attempt('scaling-ratio', () => suite.scaling());
  await attempt('command-throughput', () => suite.commands());
  await attempt('rebuild-standings', () => suite.rebuildAndRehydrate());
  await attempt('rebuild-standings-interleaved', () => suite.rebuildInterleaved());
  await attempt('catch-up', () => suite.catchUp());
  if (store.inProcess) await attempt('memory-per-event', () => suite.memoryPerEvent());
  return outcome;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

class Suite {
  private readonly name: StoreName;
  private readonly readSource: 'array' | 'ndjson';
  private readonly appendBaseline: AppendBaseline;

  constructor(
    private readonly store: StoreUnderTest,
    private readonly context: SuiteContext,
  ) {
    this.name = store.name;
    // The in-memory store is measured against arrays, durable stores against reading a file.
    this.readSource = store.inProcess ? 'array' : 'ndjson';
    // The in-memory store is held to plain arrays with the same hash chain; durable stores to writing the lines to a file.
    this.appendBaseline = store.inProcess ? 'array-hashed' : 'ndjson';
  }

  private workload(size: StreamSize, options: { year?: number; blocPrefix?: string } = {}): Workload {
    return campaignYear({ ...size, seed: this.context.seed, ...options });
  }

  /** Said only when it is not the obvious single writer. */
  private writersNote(writers: number): string | undefined {
    return writers === 1 ? undefined : `${writers} concurrent writers`;
  }

  private figure(
    figure: FigureId,
    fields: { label: string; size: string; unit: FigureResult['unit']; better: FigureResult['better']; note?: string | undefined },
    measured: ReturnType<typeof stats>,
    baseline: FigureResult | null,
  ): FigureResult {
    const target = this.store.targets[figure];
    const { note, ...rest } = fields;
    return result({ store: this.name, figure, ...rest, ...(note === undefined ? {} : { note }), baseline, target }, measured);
  }

  /** The append baseline of this store; in-process stores also get the unhashed push, for the floor under both. */
  private async appendBaselineOf(mode: 'single' | 'batched', workload: Workload): Promise<FigureResult> {
    if (this.appendBaseline === 'array-hashed') await this.context.baselines.append(mode, workload, 'array');
    return this.context.baselines.append(mode, workload, this.appendBaseline);
  }

  /** Opens a store and appends the workload's bloc and campaign streams (untimed). */
  private async openWithSetup(workload: Workload): Promise<OpenStore> {
    const opened = await this.store.open();
    try {
      await appendGrouped(opened.eventStore, workload.setup, { writers: 1 });
      return opened;
    } catch (error) {
      await opened.close();
      throw error;
    }
  }

  private async appendFigure(figure: FigureId, size: StreamSize, writers: number, mode: 'single' | 'batched'): Promise<FigureResult> {
    const workload = this.workload(size);
    const samples = await measure(this.context.counts, {
      setup: () => this.openWithSetup(workload),
      run: (opened) =>
        mode === 'single'
          ? appendInterleaved(opened.eventStore, workload.pledges, { writers })
          : appendGrouped(opened.eventStore, workload.pledges, { writers }),
      teardown: (opened) => opened.close(),
    });
    return this.figure(
      figure,
      {
        label: mode === 'single' ? 'append, one event per call (expected revision, validation, hash chain)' : 'append, one call per stream',
        size: sizeOf(size.streams, size.eventsPerStream),
        unit: 'events/s',
        better: 'higher',
        note: figure === 'append-single-sequential' ? '1 writer: one commit (and disk flush) per event' : this.writersNote(writers),
      },
      ratePerSecond(samples),
      await this.appendBaselineOf(mode, workload),
    );
  }

  async appendSingle(): Promise<FigureResult[]> {
    return [await this.appendFigure('append-single', this.store.sizes.single, this.store.sizes.writers, 'single')];
  }

  async appendSequential(): Promise<FigureResult[]> {
    const size = this.store.sizes.sequential;
    if (!size) return [];
    return [await this.appendFigure('append-single-sequential', size, 1, 'single')];
  }

  async appendBatched(): Promise<FigureResult[]> {
    return [await this.appendFigure('append-batched', this.store.sizes.campaign, this.store.sizes.writers, 'batched')];
  }

  /**
   * Few long streams against many short ones, same number of events, one
   * event per call. Runs alternate so that drift on the machine hits both
   * alike; the ratio is taken run by run (many ÷ few).
   */
  async scaling(): Promise<FigureResult[]> {
    const [fewSize, manySize] = this.store.sizes.scaling;
    const writers = this.store.sizes.writers;
    const few = this.workload(fewSize);
    const many = this.workload(manySize);
    const fewSamples: Sample[] = [];
    const manySamples: Sample[] = [];
    const counts = { warmup: this.context.counts.warmup, runs: 1 };
    for (let i = 0; i < this.context.counts.runs; i += 1) {
      for (const [workload, samples] of [
        [few, fewSamples],
        [many, manySamples],
      ] as const) {
        const run = await measure(i === 0 ? counts : { warmup: 0, runs: 1 }, {
          setup: () => this.store.open(),
          run: (opened) => appendInterleaved(opened.eventStore, workload.pledges, { writers }),
          teardown: (opened) => opened.close(),
        });
        samples.push(...run);
      }
    }
    const fewRates = ratePerSecond(fewSamples);
    const manyRates = ratePerSecond(manySamples);
    const ratios = stats(manyRates.samples.map((rate, i) => rate / fewRates.samples[i]!));
    const fewLabel = sizeOf(fewSize.streams, fewSize.eventsPerStream);
    const manyLabel = sizeOf(manySize.streams, manySize.eventsPerStream);
    const note = this.writersNote(writers);
    return [
      this.figure(
        'scaling-few-streams',
        { label: 'append, one event per call, few long streams', size: fewLabel, unit: 'events/s', better: 'higher', note },
        fewRates,
        await this.appendBaselineOf('single', few),
      ),
      this.figure(
        'scaling-many-streams',
        { label: 'append, one event per call, many short streams', size: manyLabel, unit: 'events/s', better: 'higher', note },
        manyRates,
        await this.appendBaselineOf('single', many),
      ),
      this.figure(
        'scaling-ratio',
        { label: 'append rate, many short streams ÷ few long streams (flat = 1)', size: `${manyLabel} ÷ ${fewLabel}`, unit: 'ratio', better: 'higher' },
        ratios,
        null,
      ),
    ];
  }

  /** RecordScore commands through `createThidua(...).execute`: load, rules, append. */
  async commands(): Promise<FigureResult[]> {
    const { pledges, rounds } = this.store.sizes.commands;
    const writers = this.store.sizes.writers;
    const workload = this.workload({ streams: pledges, eventsPerStream: 1 });
    const random = createRandom(this.context.seed);
    // Commands per pledge, in order; each writer owns some pledges, so commands on one stream never race.
    const perPledge = workload.pledges.map(() => [] as unknown[]);
    let pledgeIndex = 0;
    for (const campaign of workload.campaigns) {
      campaign.unitIds.forEach((unitId, u) => {
        const list = perPledge[pledgeIndex]!;
        pledgeIndex += 1;
        for (let round = 0; round < rounds; round += 1) {
          const criterion = campaign.criteria[round % campaign.criteria.length]!;
          const cross = round % 4 === 3;
          list.push({
            command: 'RecordScore',
            commandId: deterministicUuid(random),
            actor: cross
              ? { id: `chu-tich-${campaign.chairUnitId}`, role: 'chair', unitId: campaign.chairUnitId }
              : { id: `can-bo-${unitId}`, role: 'member', unitId },
            data: {
              pledgeId: pledgeIdOf(campaign.campaignId, unitId),
              criterionId: criterion.criterionId,
              points: Math.round(random() * criterion.maxPoints * 100) / 100,
              assessor: cross ? 'cross' : 'self',
              scoredAt: `${campaign.year}-06-${String(1 + (round % 28)).padStart(2, '0')}T08:${String(u % 60).padStart(2, '0')}:00+07:00`,
            },
          });
        }
      });
    }
    const lanes = Array.from({ length: Math.min(writers, perPledge.length) }, (_, w) => perPledge.filter((_, p) => p % writers === w));
    const samples = await measure(this.context.counts, {
      setup: async () => {
        const opened = await this.openWithSetup(workload);
        try {
          await appendGrouped(opened.eventStore, workload.pledges, { writers: 1 });
        } catch (error) {
          await opened.close();
          throw error;
        }
        return { opened, thidua: createThidua({ eventStore: opened.eventStore }) };
      },
      run: async ({ thidua }) => {
        let executed = 0;
        await Promise.all(
          lanes.map(async (lane) => {
            for (let round = 0; round < rounds; round += 1) {
              for (const commands of lane) {
                await thidua.execute(commands[round]);
                executed += 1;
              }
            }
          }),
        );
        return executed;
      },
      teardown: ({ opened }) => opened.close(),
    });
    return [
      this.figure(
        'command-throughput',
        {
          label: 'RecordScore through createThidua().execute (load pledge, campaign, bloc; decide; append)',
          size: `${pledges} pledges × ${rounds} commands`,
          unit: 'commands/s',
          better: 'higher',
          note: this.writersNote(writers),
        },
        ratePerSecond(samples),
        await this.appendBaselineOf('single', this.workload(this.store.sizes.single)),
      ),
    ];
  }

  /**
   * One store filled with the campaign year (one call per stream): the
   * standings rebuilt from `readAll` run after run; then one long pledge
   * stream is added and read back, and rehydrated with the domain's loader.
   */
  async rebuildAndRehydrate(): Promise<FigureResult[]> {
    const workload = this.workload(this.store.sizes.campaign);
    const opened = await this.openWithSetup(workload);
    try {
      await appendGrouped(opened.eventStore, workload.pledges, { writers: this.store.sizes.writers });
      await opened.settle?.();
      const rebuild = await this.rebuildFigure('rebuild-standings', opened, workload, 'grouped');
      const long = this.workload({ streams: 1, eventsPerStream: this.store.sizes.rehydrate }, { blocPrefix: 'lon' });
      await appendGrouped(opened.eventStore, long.setup, { writers: 1 });
      const stream = long.pledges[0]!;
      await appendInChunks(opened.eventStore, stream, 1_000);
      await opened.settle?.();
      const pledgeId = stream.streamId.slice('pledge-'.length);
      const size = `1 stream × ${stream.events.length} events`;
      const read = await measure(this.context.counts, {
        setup: async () => undefined,
        run: async () => {
          let count = 0;
          for await (const event of opened.eventStore.readStream(stream.streamId)) if (event.type.length > 0) count += 1;
          return count;
        },
      });
      const rehydrate = await measure(this.context.counts, {
        setup: async () => undefined,
        run: async () => {
          const state = await loadPledge(opened.eventStore, pledgeId);
          // The state keeps only the latest score per criterion and level, so it cannot count events: a
          // signed pledge with scores means the whole stream was folded (read-stream counts the events).
          return state.signed && state.scores.length > 0 ? stream.events.length : 0;
        },
      });
      this.assertCounts(read, stream.events.length, 'read-stream');
      this.assertCounts(rehydrate, stream.events.length, 'rehydrate');
      return [
        rebuild,
        this.figure(
          'read-stream',
          { label: 'read one stream back (for await readStream, parsed by the registry)', size, unit: 'ms', better: 'lower' },
          durationMs(read),
          await this.context.baselines.stream('stream', this.readSource === 'array' ? 'await-array' : 'ndjson', stream),
        ),
        this.figure(
          'rehydrate',
          { label: "rehydrate one pledge (the domain's loadPledge: readStream + evolvePledge)", size, unit: 'ms', better: 'lower' },
          durationMs(rehydrate),
          await this.context.baselines.stream('rehydrate', this.readSource, stream),
        ),
      ];
    } finally {
      await opened.close();
    }
  }

  /**
   * The standings rebuilt over a log written one event per call across all
   * streams, as scores arrive during a real year: every batch of the rebuild
   * then touches every campaign's document.
   */
  async rebuildInterleaved(): Promise<FigureResult[]> {
    const workload = this.workload(this.store.sizes.campaign);
    const opened = await this.openWithSetup(workload);
    try {
      await appendInterleaved(opened.eventStore, workload.pledges, { writers: this.store.sizes.writers });
      await opened.settle?.();
      return [await this.rebuildFigure('rebuild-standings-interleaved', opened, workload, 'interleaved')];
    } finally {
      await opened.close();
    }
  }

  private async rebuildFigure(figure: FigureId, opened: OpenStore, workload: Workload, order: 'grouped' | 'interleaved'): Promise<FigureResult> {
    const runner = createProjectionRunner({ eventStore: opened.eventStore, projectionStore: opened.projectionStore, projection: standingsProjection });
    const head = await opened.eventStore.headPosition();
    const samples = await measure(this.context.counts, {
      setup: async () => undefined,
      run: async () => {
        const progress = await runner.rebuild();
        if (progress.checkpoint !== head) throw new Error(`rebuild stopped at ${progress.checkpoint}, head is ${head}`);
        return Number(head);
      },
    });
    return this.figure(
      figure,
      {
        label: `standings rebuilt from readAll (${order === 'grouped' ? 'log written one call per stream' : 'log written one event per call'})`,
        size: `${sizeOf(workload.streams, workload.eventsPerStream)} + ${workload.setupEventCount} setup`,
        unit: 'events/s',
        better: 'higher',
      },
      ratePerSecond(samples),
      await this.context.baselines.fold(this.readSource, workload, order),
    );
  }

  /**
   * The standings runner follows live appends: it is started on the setup,
   * then the pledges are appended (one call per stream); the time runs until
   * its checkpoint has reached the last position appended.
   */
  async catchUp(): Promise<FigureResult[]> {
    const workload = this.workload(this.store.sizes.campaign);
    const writers = this.store.sizes.writers;
    const samples = await measure(this.context.counts, {
      setup: async () => {
        const opened = await this.openWithSetup(workload);
        const runner = createProjectionRunner({
          eventStore: opened.eventStore,
          projectionStore: opened.projectionStore,
          projection: standingsProjection,
        });
        const { done } = runner.start();
        done.catch(() => undefined);
        const head = await opened.eventStore.headPosition();
        if (head !== null) await runner.waitForPosition(head, { timeoutMs: 60_000 });
        return { opened, runner, done };
      },
      run: async ({ opened, runner }) => {
        const appended = await appendGrouped(opened.eventStore, workload.pledges, { writers });
        const head = await opened.eventStore.headPosition();
        if (head === null) throw new Error('nothing appended');
        await runner.waitForPosition(head, { timeoutMs: 600_000 });
        return appended;
      },
      teardown: async ({ opened, runner, done }) => {
        await runner.stop();
        await done;
        await opened.close();
      },
    });
    return [
      this.figure(
        'catch-up',
        {
          label: 'standings runner following live appends (one call per stream) until its checkpoint reaches the head',
          size: sizeOf(workload.streams, workload.eventsPerStream),
          unit: 'events/s',
          better: 'higher',
          note: this.writersNote(writers),
        },
        ratePerSecond(samples),
        await this.context.baselines.fold(this.readSource, workload, 'grouped'),
      ),
    ];
  }

  /**
   * Heap growth per stored event, after a full GC, with the campaign year in
   * the store. Each stream's events are parsed from JSON just before they are
   * appended, as a backend receives them: the store then holds the only
   * references to their strings, and is charged for them.
   */
  async memoryPerEvent(): Promise<FigureResult[]> {
    const workload = this.workload(this.store.sizes.campaign);
    const texts = [...workload.setup, ...workload.pledges].map((stream) => ({ streamId: stream.streamId, json: JSON.stringify(stream.events) }));
    const gc = collectGarbage();
    // One call per sample, so the previous sample's store is unreachable (not held by this frame) when the next one starts.
    const sample = async (): Promise<number> => {
      gc();
      const before = process.memoryUsage().heapUsed;
      const opened = await this.store.open();
      try {
        for (const { streamId, json } of texts) {
          await opened.eventStore.appendToStream(streamId, JSON.parse(json) as NewEvent[], { expectedRevision: 'no_stream' });
        }
        gc();
        const after = process.memoryUsage().heapUsed;
        return (after - before) / Number((await opened.eventStore.headPosition()) ?? 1n);
      } finally {
        await opened.close();
      }
    };
    const samples: number[] = [];
    for (let i = 0; i < this.context.counts.warmup + this.context.counts.runs; i += 1) {
      const bytes = await sample();
      if (i >= this.context.counts.warmup) samples.push(bytes);
    }
    return [
      this.figure(
        'memory-per-event',
        {
          label: 'heap per stored event (process.memoryUsage().heapUsed after GC)',
          size: `${sizeOf(workload.streams, workload.eventsPerStream)} + ${workload.setupEventCount} setup`,
          unit: 'bytes/event',
          better: 'lower',
        },
        stats(samples),
        await this.context.baselines.memory(workload),
      ),
    ];
  }

  private assertCounts(samples: readonly Sample[], expected: number, what: string): void {
    for (const sample of samples) {
      if (sample.count !== expected) throw new Error(`${what} saw ${sample.count} events, expected ${expected}`);
    }
  }
}
