/**
 * `npm run bench [-- --quick] [-- --json]`: measures the memory, SQLite and
 * PostgreSQL stores on the campaign-year workload, with plain-JS baselines,
 * and prints a table (or JSON). Progress goes to stderr, so `--json` output
 * on stdout stays machine-readable (use `npm run -s bench -- --json` to drop
 * npm's own banner).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Baselines } from './baselines';
import { renderJson, renderTable, type BenchReport, type FigureError, type FigureResult, type MachineInfo, type StoreName } from './report';
import { describeScale, parseScale, runScaleSuite, ScaleBaselines, scaleHistory, ScaleSyntaxError, type ScaleSize } from './scale';
import { memorySuite } from './suites/memory';
import { DEFAULT_POSTGRES_URL, postgresSuite, whyPostgresUnavailable } from './suites/postgres';
import { runSuite, SELECTABLE_FIGURES } from './suites/run-suite';
import { sqliteSuite } from './suites/sqlite';
import type { StoreUnderTest } from './suites/store-under-test';

/** What `runBench` needs. */
export interface BenchOptions {
  /** Tiny sizes, for the smoke test. */
  quick: boolean;
  stores: readonly StoreName[];
  runs: number;
  warmup: number;
  seed: number;
  /** Only these figures (see SELECTABLE_FIGURES), or all when null. */
  figures: readonly string[] | null;
  postgresUrl: string;
  /** Instead of the figures: the province-scale history of this size (`--scale`). */
  scale: ScaleSize | null;
  /** Progress lines for people. */
  progress(message: string): void;
}

const ALL_STORES: readonly StoreName[] = ['memory', 'sqlite', 'postgres'];

/** The CPU model as /proc/cpuinfo names it (os.cpus() elsewhere). */
export function machineInfo(): MachineInfo {
  let cpu = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (model?.[1]) cpu = model[1].trim();
  } catch {
    // Not Linux: os.cpus() is as good as it gets.
  }
  return {
    cpu,
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    loadAverage: loadavg(),
  };
}

/** Runs the selected suites and the baselines they refer to. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const machine = machineInfo();
  const counts = { warmup: options.warmup, runs: options.runs };
  const dir = mkdtempSync(join(tmpdir(), 'thidua-bench-'));
  const baselines = new Baselines(counts, dir);
  const results: FigureResult[] = [];
  const errors: FigureError[] = [];
  const skipped: BenchReport['skipped'] = [];
  const stores: BenchReport['stores'] = [];
  const history = options.scale ? scaleHistory(options.scale, { seed: options.seed }) : null;
  const scaleBaselines = history ? new ScaleBaselines(history) : null;
  if (history) options.progress(`scale ${describeScale(history.size)}: ${history.commandCount} commands, ${history.eventCount} events`);
  try {
    for (const name of options.stores) {
      let suite: StoreUnderTest;
      if (name === 'memory') suite = memorySuite(options);
      else if (name === 'sqlite') suite = sqliteSuite(options);
      else {
        const why = await whyPostgresUnavailable(options.postgresUrl);
        if (why !== null) {
          const reason = `no PostgreSQL server answered at ${redact(options.postgresUrl)} (${why})`;
          options.progress(`postgres: skipped — ${reason}`);
          skipped.push({ store: 'postgres', reason });
          continue;
        }
        suite = postgresSuite({ quick: options.quick, url: options.postgresUrl });
      }
      stores.push({ store: suite.name, note: suite.note });
      if (history && scaleBaselines) {
        const outcome = await runScaleSuite(suite, { history, baselines: scaleBaselines, dir, progress: options.progress });
        results.push(...outcome.results);
        errors.push(...outcome.errors);
        continue;
      }
      const outcome = await runSuite(suite, {
        counts,
        baselines,
        seed: options.seed,
        only: options.figures ? new Set(options.figures) : null,
        progress: options.progress,
      });
      results.push(...outcome.results);
      errors.push(...outcome.errors);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    formatVersion: 1,
    startedAt,
    durationMs: Date.now() - started,
    quick: options.quick,
    ...(history ? { scale: { size: describeScale(history.size), commands: history.commandCount, events: history.eventCount } } : {}),
    seed: options.seed,
    warmup: options.warmup,
    runs: options.runs,
    machine,
    stores,
    results: [...baselines.results, ...(scaleBaselines?.results ?? []), ...results],
    skipped,
    errors,
  };
}

/** A connection string without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

const USAGE = `usage: npm run bench [-- options]
  --quick             tiny sizes (the smoke test's)
  --json              print the report as JSON instead of a table
  --stores <list>     comma-separated: memory,sqlite,postgres (default: all)
  --runs <n>          timed runs per figure (default 5); the figure is their median
  --warmup <n>        untimed runs first (default 1)
  --seed <n>          workload seed (default 1)
  --figures <list>    only these (comma-separated): ${SELECTABLE_FIGURES.join(', ')}
                      (rebuild-standings also measures read-stream and rehydrate; scaling-ratio both scaling runs)
  --scale <size>      instead of the figures: a province-scale history, <blocs>x<units>x<years>
                      (e.g. 40x25x10) or a number of province years (10, 100, 1000), run as
                      commands, imported from its NDJSON export, rebuilt and read, on each store
  --pg-url <url>      PostgreSQL server (default $THIDUA_BENCH_DATABASE_URL or ${DEFAULT_POSTGRES_URL})
`;

/** Where `main` writes. */
export interface MainIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function positiveInteger(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min) throw new UsageError(`${flag} needs an integer ≥ ${min}`);
  return n;
}

/** Parses the command line (everything after the script name). */
export function parseArgs(argv: readonly string[], env: MainIo['env']): Omit<BenchOptions, 'progress'> & { json: boolean; help: boolean } {
  const parsed = {
    quick: false,
    json: false,
    help: false,
    stores: ALL_STORES,
    runs: 5,
    warmup: 1,
    seed: 1,
    figures: null as readonly string[] | null,
    postgresUrl: env['THIDUA_BENCH_DATABASE_URL'] ?? DEFAULT_POSTGRES_URL,
    scale: null as ScaleSize | null,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[(i += 1)];
    switch (flag) {
      case '--quick':
        parsed.quick = true;
        break;
      case '--json':
        parsed.json = true;
        break;
      case '--help':
      case '-h':
        parsed.help = true;
        break;
      case '--stores': {
        const list = (value() ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
        const unknown = list.filter((s) => !(ALL_STORES as readonly string[]).includes(s));
        if (list.length === 0 || unknown.length > 0) throw new UsageError(`--stores takes ${ALL_STORES.join(',')}; got ${JSON.stringify(list.join(','))}`);
        parsed.stores = ALL_STORES.filter((s) => list.includes(s));
        break;
      }
      case '--figures': {
        const list = (value() ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
        const unknown = list.filter((s) => !(SELECTABLE_FIGURES as readonly string[]).includes(s));
        if (list.length === 0 || unknown.length > 0) throw new UsageError(`--figures takes ${SELECTABLE_FIGURES.join(',')}; got ${JSON.stringify(list.join(','))}`);
        parsed.figures = list;
        break;
      }
      case '--runs':
        parsed.runs = positiveInteger('--runs', value(), 1);
        break;
      case '--warmup':
        parsed.warmup = positiveInteger('--warmup', value(), 0);
        break;
      case '--seed':
        parsed.seed = positiveInteger('--seed', value(), 0);
        break;
      case '--scale':
        try {
          parsed.scale = parseScale(value() ?? '');
        } catch (error) {
          if (error instanceof ScaleSyntaxError) throw new UsageError(error.message);
          throw error;
        }
        break;
      case '--pg-url': {
        const url = value();
        if (!url) throw new UsageError('--pg-url needs a connection string');
        parsed.postgresUrl = url;
        break;
      }
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  return parsed;
}

/**
 * The command: returns the exit code (0 when every figure was measured,
 * 1 when one failed, 2 on a usage error). A missed target is reported, not
 * an error: the figures depend on the machine.
 */
export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  const report = await runBench({ ...args, progress: (message) => io.stderr(`bench: ${message}\n`) });
  io.stdout(args.json ? renderJson(report) : renderTable(report));
  return report.errors.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
