import { Client } from 'pg';
import { describePostgres, TEST_DATABASE_URL } from '@thidua/store-postgres/testing';
import { main } from './main';
import { renderTable, type BenchReport, type FigureResult } from './report';
import { benchSchemaPrefix } from './suites/postgres';

/*
 * Keeps `npm run bench` working: the bench runs with tiny sizes and the test
 * checks the shape of what it reports, never how fast anything was (timings
 * depend on the machine and have no place in `npm test`).
 */

async function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: {},
  });
  return { code, stdout, stderr };
}

const STORE_FIGURES = [
  'append-single',
  'append-batched',
  'scaling-few-streams',
  'scaling-many-streams',
  'scaling-ratio',
  'command-throughput',
  'rebuild-standings',
  'rebuild-standings-interleaved',
  'read-stream',
  'rehydrate',
  'catch-up',
];

function expectWellFormed(result: FigureResult, runs: number): void {
  expect(result.label.length).toBeGreaterThan(0);
  expect(result.size.length).toBeGreaterThan(0);
  expect(['events/s', 'commands/s', 'ms', 'bytes/event', 'ratio']).toContain(result.unit);
  expect(result.runs).toBe(runs);
  expect(Number.isFinite(result.median)).toBe(true);
  expect(result.min).toBeLessThanOrEqual(result.median);
  expect(result.median).toBeLessThanOrEqual(result.max);
  if (result.unit !== 'bytes/event') expect(result.min).toBeGreaterThan(0);
  if (result.baseline) {
    expect(result.baseline.ratio).toBeCloseTo(result.median / result.baseline.median, 6);
  }
  if (result.target) expect(typeof result.target.met).toBe('boolean');
}

function figuresOf(report: BenchReport, store: FigureResult['store']): string[] {
  return report.results.filter((r) => r.store === store).map((r) => r.figure);
}

describe('npm run bench -- --quick', () => {
  let report: BenchReport;
  let stderr: string;

  beforeAll(async () => {
    const run = await bench(['--quick', '--json', '--stores', 'memory,sqlite']);
    stderr = run.stderr;
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    report = JSON.parse(run.stdout) as BenchReport;
  }, 180_000);

  it('reports every figure for memory and SQLite, with no failure', () => {
    expect(report.errors).toEqual([]);
    expect(figuresOf(report, 'memory')).toEqual(
      expect.arrayContaining([...STORE_FIGURES, 'memory-per-event']),
    );
    expect(figuresOf(report, 'sqlite')).toEqual(expect.arrayContaining(STORE_FIGURES));
    expect(figuresOf(report, 'sqlite')).not.toContain('memory-per-event');
    expect(figuresOf(report, 'postgres')).toEqual([]);
  });

  it('describes the run and the machine', () => {
    expect(report).toMatchObject({ formatVersion: 1, quick: true, seed: 1, warmup: 1, runs: 5, skipped: [] });
    expect(report.machine.cpu.length).toBeGreaterThan(0);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.memoryBytes).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    expect(Number.isNaN(Date.parse(report.startedAt))).toBe(false);
    expect(stderr).toContain('bench: memory: append-single');
    expect(stderr).toMatch(/bench: sqlite: catch-up took [0-9.]+ s/);
  });

  it('gives each figure a median of 5 runs with min–max, its baseline ratio and its target', () => {
    for (const result of report.results) expectWellFormed(result, 5);
    const memory = (figure: string) => report.results.find((r) => r.store === 'memory' && r.figure === figure);
    expect(memory('append-single')?.baseline?.figure).toBe('append-array-hashed-single');
    expect(memory('append-batched')?.baseline?.figure).toBe('append-array-hashed-batched');
    expect(report.results.find((r) => r.store === 'sqlite' && r.figure === 'append-single')?.baseline?.figure).toBe('append-ndjson-single');
    expect(memory('append-single')?.target?.text).toBe('≥ 100k events/s');
    expect(memory('rebuild-standings')?.baseline?.figure).toBe('fold-array');
    expect(memory('memory-per-event')?.baseline?.figure).toBe('memory-array');
    const sqliteRebuild = report.results.find((r) => r.store === 'sqlite' && r.figure === 'rebuild-standings');
    expect(sqliteRebuild?.baseline?.figure).toBe('fold-ndjson');
    expect(sqliteRebuild?.target?.text).toBe('≥ 0.5 × fold-ndjson');
  });

  it('measures both plain-JS baselines of the issue', () => {
    expect(figuresOf(report, 'baseline')).toEqual(
      expect.arrayContaining(['fold-array', 'fold-ndjson', 'append-ndjson-single', 'append-array-hashed-single', 'append-array-single', 'memory-array']),
    );
    for (const result of report.results.filter((r) => r.baseline)) {
      expect(result.baseline?.label).toBe(report.results.find((b) => b.store === 'baseline' && b.figure === result.baseline?.figure && b.size === result.baseline.size)?.label);
    }
  });

  it('renders the same report as a table', () => {
    const table = renderTable(report);
    expect(table).toContain('plain-JS baselines');
    expect(table).toMatch(/^memory — /m);
    expect(table).toMatch(/^sqlite — /m);
    expect(table).toMatch(/^ {2}append-single +12 streams × 5 events/m);
    expect(table).toContain('× fold-ndjson');
    // What each baseline does is printed beside it.
    expect(table).toMatch(/^ {2}append-array-hashed-single .*SHA-256 chain over JSON\.stringify/m);
  });
});

describe('npm run bench options', () => {
  it('says so when no PostgreSQL server answers, and measures nothing for it', async () => {
    const run = await bench(['--quick', '--json', '--stores', 'postgres', '--pg-url', 'postgres://postgres@127.0.0.1:1/none']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.results).toEqual([]);
    expect(report.skipped).toEqual([{ store: 'postgres', reason: expect.stringContaining('no PostgreSQL server answered at postgres://postgres@127.0.0.1:1/none') }]);
    expect(renderTable(report)).toContain('postgres: skipped — no PostgreSQL server answered');
  });

  it('runs a tiny province-scale history on memory and SQLite, with progress on stderr', async () => {
    const run = await bench(['--json', '--scale', '1x3x2', '--stores', 'memory,sqlite']);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.errors).toEqual([]);
    expect(report.scale).toEqual({ size: '1x3x2', commands: expect.any(Number), events: expect.any(Number) });
    const scaleFigures = ['scale-commands', 'scale-import', 'scale-rebuild', 'scale-standings'];
    expect(figuresOf(report, 'memory')).toEqual(scaleFigures);
    expect(figuresOf(report, 'sqlite')).toEqual(scaleFigures);
    expect(figuresOf(report, 'baseline')).toEqual(['scale-parse-hash-ndjson', 'scale-fold-ndjson']);
    for (const result of report.results) expectWellFormed(result, result.figure === 'scale-standings' ? 21 : 1);
    const sqlite = (figure: string) => report.results.find((r) => r.store === 'sqlite' && r.figure === figure);
    expect(sqlite('scale-import')?.baseline?.figure).toBe('scale-parse-hash-ndjson');
    expect(sqlite('scale-rebuild')?.baseline?.figure).toBe('scale-fold-ndjson');
    expect(run.stderr).toContain('bench: sqlite: scale-commands: ');
    expect(run.stderr).toContain('bench: sqlite: scale-import: ');
    expect(renderTable(report)).toMatch(/^scale 1x3x2: \d+ commands/m);
  }, 60_000);

  it('refuses a malformed --scale with the usage and exit code 2', async () => {
    const run = await bench(['--scale', '3x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--scale takes <blocs>x<units>x<years>');
    expect(run.stdout).toBe('');
  });

  it('refuses an unknown option with the usage and exit code 2', async () => {
    const run = await bench(['--fast']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown option "--fast"');
    expect(run.stderr).toContain('usage: npm run bench');
    expect(run.stdout).toBe('');
  });
});

describePostgres('npm run bench -- --quick on PostgreSQL', () => {
  it('reports every PostgreSQL figure and drops every schema it made', async () => {
    const run = await bench(['--quick', '--json', '--stores', 'postgres', '--pg-url', TEST_DATABASE_URL]);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.errors).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(figuresOf(report, 'postgres')).toEqual(expect.arrayContaining([...STORE_FIGURES, 'append-single-sequential']));
    for (const result of report.results) expectWellFormed(result, 5);

    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const left = await client.query('SELECT nspname FROM pg_namespace WHERE nspname LIKE $1', [`${benchSchemaPrefix()}%`]);
      expect(left.rows).toEqual([]);
    } finally {
      await client.end();
    }
  }, 300_000);
});
