import Table from 'cli-table3';
import type { YearEndStandings } from '../standings/standings.types';
import { criterionColumns, localDateParts, unitNamer, type RenderStandingsOptions } from './format';

/** Points with two decimals, so that a column of totals lines up on the point. */
const points = (value: number): string => value.toFixed(2);

/**
 * Renders year-end standings as a plain-text terminal table (no colours, so
 * it can be piped or logged): the facts of the year first, then one line per
 * pledge. Provisional ranks carry a `*`.
 *
 * @example
 * process.stdout.write(renderStandingsTable(standings));
 */
export function renderStandingsTable(standings: YearEndStandings, options: RenderStandingsOptions = {}): string {
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
    `Chair ${next}: ${orNone(standings.nextChair)}; deputy: ${orNone(standings.nextDeputy)}`,
    `Chair flag: ${standings.flag ? `${orNone(standings.flag.fromUnitId)} → ${name(standings.flag.toUnitId)}` : 'not transferred yet'}`,
  ];

  const criteria = criterionColumns(standings);
  // Criterion ids are long (the Tây Ninh covenant's run to 30 characters): number the columns and list them below.
  const heads = criteria.map((_id, index) => `C${index + 1}`);
  const table = new Table({
    head: ['Rank', 'Unit', ...heads, 'Bonus', 'Ded.', 'Total', 'Status', 'Awards', 'Basis'],
    colAligns: ['right', 'left', ...criteria.map(() => 'right' as const), 'right', 'right', 'right', 'left', 'left', 'left'],
    // cli-table3 colours the header and borders by default; plain text survives pipes and log files.
    style: { head: [], border: [], compact: true },
  });
  for (const row of standings.rows) {
    table.push([
      row.rank === null ? '—' : `${row.rank}${row.provisional ? '*' : ''}`,
      row.unitName,
      ...criteria.map((id) => points(row.criteria[id] ?? 0)),
      points(row.bonus),
      points(row.deduction),
      points(row.total),
      row.status,
      row.awards.join(', '),
      row.basis ?? '',
    ]);
  }
  lines.push(table.toString());
  if (criteria.length > 0) lines.push(criteria.map((id, index) => `C${index + 1} ${id}`).join(' · '));
  if (standings.rows.some((row) => row.provisional)) {
    lines.push('* provisional: computed from totals, no ranking assigned yet');
  }
  if (standings.rows.length === 0) lines.push('(no pledges signed)');
  return `${lines.join('\n')}\n`;
}
