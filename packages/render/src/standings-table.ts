import Table from 'cli-table3';
import type { StandingsRow, YearEndStandings } from '@thidua/projections';
import { awardTitle, localDateParts, nextChairChosen, points, tierTitle, unitNamer, unscored, type Provenance, type RenderStandingsOptions } from './format';

/** Options of {@link renderStandingsTable}. */
export interface RenderStandingsTableOptions extends RenderStandingsOptions {
  /** Line width to fit (default 120): criteria then come as a second block, in as many parts as needed. */
  width?: number;
  /** One table with a column per criterion, however wide. */
  wide?: boolean;
}

const NOT_SCORED = '—';

/** A table without colours (plain text survives pipes and log files); `colWidths` count the padding. */
function table(head: string[], colWidths: number[], colAligns: ('left' | 'right' | 'center')[]): Table.Table {
  return new Table({ head, colWidths, colAligns, wordWrap: true, wrapOnWordBoundary: true, style: { head: [], border: [], compact: true } });
}

/** Widths of a table's columns: each wants its longest cell; the flexible ones shrink (down to their minimum) until the table fits. */
function fitWidths(columns: { cells: string[]; flexible?: number }[], width: number): number[] {
  const wanted = columns.map((column) => Math.max(...column.cells.map((cell) => [...cell].length)) + 2);
  const total = () => wanted.reduce((sum, w) => sum + w, 0) + columns.length + 1;
  for (let guard = 0; total() > width && guard < 10_000; guard += 1) {
    let widest = -1;
    columns.forEach((column, index) => {
      if (column.flexible !== undefined && wanted[index]! > column.flexible + 2 && (widest < 0 || wanted[index]! > wanted[widest]!)) widest = index;
    });
    if (widest < 0) break;
    wanted[widest]! -= 1;
  }
  return wanted;
}

const rankCell = (row: StandingsRow) => (row.rank === null ? '—' : `${row.rank}${row.provisional ? '*' : ''}`);

function awardsCell(standings: YearEndStandings, row: StandingsRow): string {
  return row.awards
    .map((award) => {
      const decision = Object.prototype.hasOwnProperty.call(row.decisions, award) ? row.decisions[award] : undefined;
      return `${awardTitle(standings, award)}${decision ? ` (${decision.outcome}, ${decision.decisionRef})` : ''}`;
    })
    .join('; ');
}

/** The ranking: one line per pledge, the criteria left to their own block unless `wide`. */
function mainTable(standings: YearEndStandings, width: number, wide: boolean): string {
  const tiers = standings.tiers.length > 0;
  const criteria = wide ? standings.legend.criteria : [];
  const head = ['Rank', 'Unit', ...criteria.map((_c, index) => `C${index + 1}`), 'Bonus', 'Ded.', 'Total', 'Status', ...(tiers ? ['Class'] : []), 'Awards', 'Basis'];
  const rows = standings.rows.map((row) => [
    rankCell(row),
    row.unitName,
    ...criteria.map((criterion) => (unscored(standings, row.unitId, criterion.criterionId) ? NOT_SCORED : points(row.criteria[criterion.criterionId] ?? 0))),
    points(row.bonus),
    points(row.deduction),
    points(row.total),
    row.status,
    ...(tiers ? [row.tier === null ? '' : tierTitle(standings, row.tier)] : []),
    awardsCell(standings, row),
    row.basis ?? '',
  ]);
  const flexible = new Map<number, number>([
    [1, 16],
    [head.length - 2, 12],
    ...(tiers ? ([[head.length - 3, 10]] as [number, number][]) : []),
  ]);
  const widths = fitWidths(
    head.map((title, index) => ({ cells: [title, ...rows.map((cells) => cells[index] ?? '')], ...(flexible.has(index) && !wide ? { flexible: flexible.get(index)! } : {}) })),
    wide ? Number.POSITIVE_INFINITY : width,
  );
  const aligns = head.map((_h, index) => (index === 0 || (index >= 2 && index < 2 + criteria.length + 3) ? ('right' as const) : ('left' as const)));
  const t = table(head, widths, aligns);
  for (const cells of rows) t.push(cells);
  return t.toString();
}

/** Points per criterion (and per group), in as many parts as it takes to fit the width. */
function criteriaBlock(standings: YearEndStandings, width: number): string[] {
  const { criteria, groups } = standings.legend;
  const columns = [
    ...criteria.map((criterion, index) => ({
      head: `C${index + 1}`,
      cell: (row: StandingsRow) => (unscored(standings, row.unitId, criterion.criterionId) ? NOT_SCORED : points(row.criteria[criterion.criterionId] ?? 0)),
    })),
    ...groups.map((group, index) => ({ head: `G${index + 1}`, cell: (row: StandingsRow) => points(row.groups[group.groupId] ?? 0) })),
  ];
  if (columns.length === 0 || standings.rows.length === 0) return [];
  const cellWidth = Math.max(7, ...columns.flatMap((column) => standings.rows.map((row) => column.cell(row).length + 2)));
  // Names get what the numbers leave when every column fits on one part; at least 18, so long lists split instead.
  const longest = Math.max(6, ...standings.rows.map((row) => [...row.unitName].length)) + 2;
  const unitWidth = Math.min(longest, Math.max(18, width - 2 - columns.length * (cellWidth + 1)));
  const perPart = Math.max(1, Math.floor((width - 2 - unitWidth) / (cellWidth + 1)));
  const lines = ['Points per criterion' + (groups.length > 0 ? ' and group' : '') + ' (— not yet scored):'];
  for (let from = 0; from < columns.length; from += perPart) {
    const part = columns.slice(from, from + perPart);
    const t = table(['Unit', ...part.map((column) => column.head)], [unitWidth, ...part.map(() => cellWidth)], ['left', ...part.map(() => 'right' as const)]);
    for (const row of standings.rows) t.push([row.unitName, ...part.map((column) => column.cell(row))]);
    lines.push(t.toString());
  }
  return lines;
}

/** Wraps `text` to `width` columns at spaces, continuation lines indented. */
function wrap(text: string, width: number, indent = '    '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if ([...next].length > width && line !== '') {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function provenanceLine(provenance: Provenance): string {
  const parts = [`generated ${provenance.generatedAt}`, `log position ${provenance.position ?? 'none (empty log)'}`];
  if (provenance.headHash) parts.push(`head hash ${provenance.headHash}`);
  if (provenance.anchor) parts.push(`anchor ${provenance.anchor}`);
  if (provenance.asOf) parts.push(`as of ${provenance.asOf}`);
  return `Source: ${parts.join('; ')}`;
}

/**
 * Renders year-end standings as a plain-text terminal table (no colours, so
 * it can be piped or logged), 120 columns wide unless told otherwise: the
 * facts of the year, one line per pledge, then the points per criterion
 * (and per criteria group) as a second block, with each criterion's title
 * and maximum. Provisional ranks carry a `*`; a criterion not yet scored
 * shows `—`, not 0; next year's chair shows once chosen.
 *
 * @example
 * process.stdout.write(renderStandingsTable(standings));
 */
export function renderStandingsTable(standings: YearEndStandings, options: RenderStandingsTableOptions = {}): string {
  const width = options.width ?? 120;
  const name = unitNamer(standings, options);
  const orNone = (unitId: string | null) => (unitId === null ? '—' : name(unitId));
  const next = standings.year + 1;
  const date = standings.review ? localDateParts(standings.review.heldAt) : null;
  const lines = [
    `${standings.blocName} (${standings.blocId}) — ${standings.year}`,
    `Campaign: ${standings.title} (${standings.campaignId})${standings.final ? ' — final' : ' — not closed yet'}`,
    standings.review
      ? `Year-end review: ${date ? `${date.year}-${date.month}-${date.day}` : standings.review.heldAt}, hosted by ${name(standings.review.hostUnitId)}`
      : 'Year-end review: not held yet',
    `Chair ${standings.year}: ${orNone(standings.chair)}; deputy: ${orNone(standings.deputy)}`,
    `Chair ${next}: ${nextChairChosen(standings) ? orNone(standings.nextChair) : 'not chosen yet'}; deputy: ${orNone(standings.nextDeputy)}`,
    `Chair flag: ${standings.flag ? `${orNone(standings.flag.fromUnitId)} → ${name(standings.flag.toUnitId)}` : 'not transferred yet'}`,
  ].flatMap((line) => wrap(line, width));

  lines.push(mainTable(standings, width, options.wide === true));
  if (standings.rows.length === 0) lines.push('(no pledges signed)');
  if (options.wide !== true) lines.push(...criteriaBlock(standings, width));
  const { criteria, groups, maxTotal, bonusCap } = standings.legend;
  for (const [index, criterion] of criteria.entries()) lines.push(...wrap(`C${index + 1} ${criterion.title} (max ${points(criterion.maxPoints)})`, width));
  for (const [index, group] of groups.entries()) lines.push(...wrap(`G${index + 1} ${group.title} (max ${points(group.maxPoints)})`, width));
  if (criteria.length > 0) lines.push(`Maximum total: ${points(maxTotal)} (criteria, and a bonus of at most ${points(bonusCap)})`);
  if (standings.rows.some((row) => row.provisional)) lines.push('* provisional: computed from totals, no ranking assigned yet');
  if (options.provenance) lines.push(...wrap(provenanceLine(options.provenance), width));
  return `${lines.join('\n')}\n`;
}
