/**
 * The bench report: one record per figure, rendered as a table for people or
 * as JSON for machines (`--json`).
 */
import type { Stats } from './measure';

/** The stores measured. */
export type StoreName = 'memory' | 'sqlite' | 'postgres';

/** Units of the figures; `better` says which way is good. */
export type Unit = 'events/s' | 'commands/s' | 'ms' | 'bytes/event' | 'ratio';

/** A target from the issue, checked against the median. */
export interface TargetCheck {
  /** e.g. `≥ 100k events/s`, `≥ 0.5 × fold-ndjson`. */
  text: string;
  met: boolean;
}

/** One measured figure (a store's, or a plain-JS baseline's). */
export interface FigureResult {
  /** `baseline` for the plain-JS yardsticks. */
  store: StoreName | 'baseline';
  /** Stable id, e.g. `append-single`, `rebuild-standings`, `fold-ndjson`. */
  figure: string;
  /** What was measured, in words. */
  label: string;
  /** The workload, e.g. `2000 streams × 50 events`. */
  size: string;
  unit: Unit;
  better: 'higher' | 'lower';
  median: number;
  min: number;
  max: number;
  /** Timed runs behind the median (after the warm-up). */
  runs: number;
  /** The matching plain-JS baseline and `median / baseline median`. */
  baseline: { figure: string; label: string; size: string; median: number; ratio: number } | null;
  target: TargetCheck | null;
  /** Anything a reader needs to read the number right (writers, durability…). */
  note?: string;
}

/** Where the numbers come from. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryBytes: number;
  node: string;
  v8: string;
  platform: string;
  arch: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews figures. */
  loadAverage: number[];
}

/** A figure that could not be measured. */
export interface FigureError {
  store: StoreName | 'baseline';
  figure: string;
  message: string;
}

/** The whole run. */
export interface BenchReport {
  /** Bumped when the JSON shape changes. */
  formatVersion: 1;
  startedAt: string;
  durationMs: number;
  quick: boolean;
  /** Present on a `--scale` run: the history's size (`BxUxY`) and what it holds. */
  scale?: { size: string; commands: number; events: number };
  seed: number;
  warmup: number;
  runs: number;
  machine: MachineInfo;
  /** The stores measured, with the settings that shape their figures (durability, pool). */
  stores: { store: StoreName; note: string }[];
  results: FigureResult[];
  /** Stores not measured, and why (e.g. no PostgreSQL server answered). */
  skipped: { store: StoreName; reason: string }[];
  errors: FigureError[];
}

/** Builds a result from a figure's stats. */
export function result(
  fields: Omit<FigureResult, 'median' | 'min' | 'max' | 'runs' | 'baseline' | 'target'> & {
    baseline?: FigureResult | null | undefined;
    target?: ((median: number, baseline: FigureResult | null) => TargetCheck) | undefined;
  },
  measured: Stats,
): FigureResult {
  const { baseline, target, ...rest } = fields;
  const matched = baseline ?? null;
  return {
    ...rest,
    median: measured.median,
    min: measured.min,
    max: measured.max,
    runs: measured.samples.length,
    baseline: matched
      ? { figure: matched.figure, label: matched.label, size: matched.size, median: matched.median, ratio: measured.median / matched.median }
      : null,
    target: target ? target(measured.median, matched) : null,
  };
}

/** `≥ value unit` on the median. */
export function atLeast(value: number, unit: string): (median: number) => TargetCheck {
  return (median) => ({ text: `≥ ${formatNumber(value)} ${unit}`, met: median >= value });
}

/** `≤ value unit` on the median. */
export function atMost(value: number, unit: string): (median: number) => TargetCheck {
  return (median) => ({ text: `≤ ${formatNumber(value)} ${unit}`, met: median <= value });
}

/** `≥ fraction × baseline` on the median. */
export function atLeastOfBaseline(fraction: number): (median: number, baseline: FigureResult | null) => TargetCheck {
  return (median, baseline) => ({
    text: `≥ ${fraction} × ${baseline?.figure ?? 'baseline'}`,
    met: baseline !== null && median >= fraction * baseline.median,
  });
}

/** Within `[low, high]` (a ratio that should stay near 1). */
export function between(low: number, high: number): (median: number) => TargetCheck {
  return (median) => ({ text: `${low}–${high}`, met: median >= low && median <= high });
}

/** 1 234 567 → `1.23M`, 12 345 → `12.3k`, 0.4567 → `0.457`. */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** 0.57 → `0.57×`, 0.0034 → `0.0034×`. */
export function formatRatio(ratio: number): string {
  return `${Math.abs(ratio) >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2)}×`;
}

function formatValue(value: number, unit: Unit): string {
  return unit === 'ratio' ? formatRatio(value) : formatNumber(value);
}

const STORE_ORDER: readonly (StoreName | 'baseline')[] = ['baseline', 'memory', 'sqlite', 'postgres'];

/** A plain-text table, one section per store, then what was skipped or failed. */
export function renderTable(report: BenchReport): string {
  const header = ['figure', 'size', 'median', 'unit', 'min–max', 'vs baseline', 'target'];
  const baselineHeader = ['figure', 'size', 'median', 'unit', 'min–max', 'what it does'];
  const lines: string[] = [];
  const m = report.machine;
  lines.push(
    `thidua bench${report.quick ? ' (quick)' : ''} — ${m.cpu}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${m.node}, ` +
      `load ${m.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
  );
  lines.push(
    `${
      report.scale
        ? `scale ${report.scale.size}: ${report.scale.commands} commands, ${report.scale.events} events; one timed run per figure (standings: the median of its reads)`
        : `median of ${report.runs} runs after warm-up (≥ ${report.warmup} run${report.warmup === 1 ? '' : 's'})`
    }, seed ${report.seed}, ${(report.durationMs / 1000).toFixed(1)} s in all`,
  );
  for (const store of STORE_ORDER) {
    const rows = report.results.filter((r) => r.store === store);
    if (rows.length === 0) continue;
    const setting = report.stores.find((s) => s.store === store)?.note;
    lines.push('', store === 'baseline' ? 'plain-JS baselines' : setting ? `${store} — ${setting}` : store);
    const cells = rows.map((r) => [
      r.figure,
      r.size,
      formatValue(r.median, r.unit),
      r.unit === 'ratio' ? '' : r.unit,
      `${formatValue(r.min, r.unit)}–${formatValue(r.max, r.unit)}`,
      // A baseline's row says what it does; a store's row how far it is from its baseline.
      ...(store === 'baseline'
        ? [r.label]
        : [r.baseline ? `${formatRatio(r.baseline.ratio)} ${r.baseline.figure}` : '', r.target ? `${r.target.met ? 'met' : 'MISSED'} (${r.target.text})` : '']),
    ]);
    lines.push(...alignColumns([store === 'baseline' ? baselineHeader : header, ...cells]));
    const notes = rows.filter((r) => r.note).map((r) => `  ${r.figure}: ${r.note}`);
    lines.push(...notes);
  }
  for (const skipped of report.skipped) lines.push('', `${skipped.store}: skipped — ${skipped.reason}`);
  for (const error of report.errors) lines.push('', `${error.store} ${error.figure}: FAILED — ${error.message}`);
  return `${lines.join('\n')}\n`;
}

function alignColumns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  const numeric = new Set([2, 4]);
  return rows.map(
    (row) =>
      `  ${row
        .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd()}`,
  );
}

/** The report as JSON (numbers as numbers; nothing is a bigint here). */
export function renderJson(report: BenchReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
