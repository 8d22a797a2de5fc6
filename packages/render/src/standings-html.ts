import type { PledgeStatus, RankBasis } from '@thidua/domain';
import type { StandingsRow, YearEndStandings } from '@thidua/projections';
import { awardTitle, diem, localDateParts, nextChairChosen, tierTitle, unitNamer, unscored, type RenderStandingsOptions } from './format';
import { escapeHtml, htmlPage } from './html-page';

const STATUS_LABELS: Record<PledgeStatus, string> = { active: 'Tham gia', withdrawn: 'Rút đăng ký', disqualified: 'Bị loại' };
const BASIS_LABELS: Record<RankBasis, string> = { score: 'Theo điểm', vote: 'Bình bầu' };
const OUTCOME_LABELS = { granted: 'được khen thưởng', declined: 'không được khen thưởng' } as const;
const NOT_SCORED = '<td class="none" title="Chưa chấm điểm">chưa chấm</td>';

/**
 * Renders year-end standings as one self-contained HTML page in Vietnamese,
 * for the year-end conference screen: the facts of the year, a bar chart of
 * totals on the campaign's real scale (Σ maxima + bonus cap), the full table
 * with every criterion by title and maximum, the classes, the awards with
 * the council's decisions, and where the numbers come from.
 *
 * @example
 * writeFileSync('standings.html', renderStandingsHtml(standings, { provenance: { generatedAt: new Date().toISOString(), position: '120' } }));
 */
export function renderStandingsHtml(standings: YearEndStandings, options: RenderStandingsOptions = {}): string {
  const name = unitNamer(standings, options);
  const unit = (unitId: string | null) => (unitId === null ? 'Chưa có' : escapeHtml(name(unitId)));
  const { year } = standings;
  const review = standings.review;
  const reviewDate = review ? localDateParts(review.heldAt) : null;
  const facts: [string, string][] = [
    [
      'Hội nghị tổng kết',
      review ? `${reviewDate ? `${reviewDate.day}/${reviewDate.month}/${reviewDate.year}` : escapeHtml(review.heldAt)}, tại ${unit(review.hostUnitId)}` : 'Chưa tổ chức',
    ],
    [`Khối trưởng năm ${year}`, unit(standings.chair)],
    [`Khối phó năm ${year}`, unit(standings.deputy)],
    [`Khối trưởng năm ${year + 1}`, nextChairChosen(standings) ? unit(standings.nextChair) : 'Chưa bầu chọn'],
    [`Khối phó năm ${year + 1}`, unit(standings.nextDeputy)],
    ['Cờ luân lưu khối trưởng', standings.flag ? `${unit(standings.flag.fromUnitId)} → ${unit(standings.flag.toUnitId)}` : 'Chưa chuyển giao'],
    ['Kết quả', standings.final ? 'Chính thức (đợt thi đua đã kết thúc)' : 'Chưa chính thức'],
  ];
  const body = `<header>
<p class="kicker">Hội nghị tổng kết công tác thi đua – khen thưởng năm ${year}</p>
<h1>${escapeHtml(standings.blocName)}</h1>
<p class="subtitle">${escapeHtml(standings.title)}</p>
</header>
<dl class="facts">
${facts.map(([label, value]) => `<div><dt>${escapeHtml(label)}</dt><dd>${value}</dd></div>`).join('\n')}
</dl>
<h2>Tổng điểm theo đơn vị</h2>
<div class="chart">
${renderChart(standings)}
</div>
<h2>Bảng xếp hạng</h2>
${renderTable(standings)}`;
  return htmlPage(`Tổng kết thi đua năm ${year} — ${standings.blocName}`, body, options.provenance);
}

const rankLabel = (row: StandingsRow) => (row.rank === null ? '—' : `${row.rank}${row.provisional ? '*' : ''}`);

function awardsCell(standings: YearEndStandings, row: StandingsRow): string {
  return row.awards
    .map((award) => {
      const decision = Object.prototype.hasOwnProperty.call(row.decisions, award) ? row.decisions[award] : undefined;
      const title = escapeHtml(awardTitle(standings, award));
      return decision ? `${title} (${OUTCOME_LABELS[decision.outcome]}, ${escapeHtml(decision.decisionRef)})` : title;
    })
    .join('; ');
}

function renderTable(standings: YearEndStandings): string {
  const { criteria, groups } = standings.legend;
  const tiers = standings.tiers.length > 0;
  // Numbered criterion columns (CT1 = chỉ tiêu 1), each with its maximum, keep nine criteria readable on one screen; the list below titles them.
  const head = [
    '<th>Hạng</th>',
    '<th>Đơn vị</th>',
    ...criteria.map((criterion, index) => `<th title="${escapeHtml(criterion.title)}">CT${index + 1}<small>/${diem(criterion.maxPoints)}</small></th>`),
    ...groups.map((group, index) => `<th title="${escapeHtml(group.title)}">Nhóm ${index + 1}<small>/${diem(group.maxPoints)}</small></th>`),
    '<th>Điểm thưởng</th>',
    '<th>Điểm trừ</th>',
    `<th>Tổng điểm<small>/${diem(standings.legend.maxTotal)}</small></th>`,
    '<th>Trạng thái</th>',
    ...(tiers ? ['<th>Xếp loại</th>'] : []),
    '<th>Đề nghị khen thưởng</th>',
    '<th>Căn cứ xếp hạng</th>',
  ];
  const rows = standings.rows.map((row) => {
    const cells = [
      `<td class="rank">${rankLabel(row)}</td>`,
      `<td class="unit">${escapeHtml(row.unitName)}</td>`,
      ...criteria.map((criterion) => (unscored(standings, row.unitId, criterion.criterionId) ? NOT_SCORED : `<td class="num">${diem(row.criteria[criterion.criterionId] ?? 0)}</td>`)),
      ...groups.map((group) => `<td class="num">${diem(row.groups[group.groupId] ?? 0)}</td>`),
      `<td class="num">${diem(row.bonus)}</td>`,
      `<td class="num">${diem(row.deduction)}</td>`,
      `<td class="num"><strong>${diem(row.total)}</strong></td>`,
      `<td class="tag">${STATUS_LABELS[row.status]}</td>`,
      ...(tiers ? [`<td class="tag">${row.tier === null ? '' : escapeHtml(tierTitle(standings, row.tier))}</td>`] : []),
      `<td>${awardsCell(standings, row)}</td>`,
      `<td class="tag">${row.basis === null ? '' : BASIS_LABELS[row.basis]}</td>`,
    ];
    return `<tr${row.status === 'active' ? '' : ' class="out"'}>${cells.join('')}</tr>`;
  });
  const notes: string[] = [];
  if (standings.rows.some((row) => row.provisional)) notes.push('<p class="note">* Hạng tạm tính theo tổng điểm, chưa có kết quả xếp hạng chính thức.</p>');
  if (Object.values(standings.legend.unscored).some((ids) => ids.length > 0)) notes.push('<p class="note">“chưa chấm”: chỉ tiêu chưa được chấm điểm.</p>');
  const legend = [
    ...criteria.map((criterion) => `<li>${escapeHtml(criterion.title)} (tối đa ${diem(criterion.maxPoints)} điểm)</li>`),
  ];
  const groupLegend = groups.map((group, index) => `Nhóm ${index + 1}: ${escapeHtml(group.title)} (tối đa ${diem(group.maxPoints)} điểm)`);
  return `<div class="table-wrap"><table>
<thead><tr>${head.join('')}</tr></thead>
<tbody>
${rows.length > 0 ? rows.join('\n') : `<tr><td colspan="${head.length}">Chưa có đơn vị đăng ký thi đua.</td></tr>`}
</tbody>
</table></div>
${notes.join('\n')}
${legend.length > 0 ? `<p class="note">Các chỉ tiêu thi đua (CT):</p>\n<ol class="legend">${legend.join('')}</ol>` : ''}
${groupLegend.length > 0 ? `<p class="note">${groupLegend.join('; ')}.</p>` : ''}
<p class="note">Tổng điểm tối đa ${diem(standings.legend.maxTotal)}: các chỉ tiêu, và điểm thưởng tối đa ${diem(standings.legend.bonusCap)}.</p>`;
}

/**
 * A horizontal bar per row on the campaign's own scale (0 to Σ maxima +
 * bonus cap, so a bar's length means what the number says), the unit's name
 * on its own line above the bar so that long Vietnamese names never collide
 * with the bars or get clipped. Numbers read as in the table.
 */
function renderChart(standings: YearEndStandings): string {
  const rows = standings.rows;
  if (rows.length === 0) return '<p class="note">Chưa có dữ liệu.</p>';
  const width = 1000;
  const left = 12;
  const right = 90; // room for the value printed after the longest bar
  const top = 24;
  const rowHeight = 58;
  const barHeight = 22;
  const height = top + rows.length * rowHeight + 8;
  const plotWidth = width - left - right;
  const scale = Math.max(standings.legend.maxTotal, ...rows.map((row) => row.total)) || 1;
  const x = (value: number) => left + (value / scale) * plotWidth;

  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * scale);
  const grid = ticks
    .map(
      (tick) =>
        `<line x1="${x(tick).toFixed(1)}" y1="${top - 6}" x2="${x(tick).toFixed(1)}" y2="${height - 8}" stroke="#eee3cc" stroke-width="1"/>` +
        `<text x="${x(tick).toFixed(1)}" y="${top - 10}" font-size="12" fill="#8a7a5e" text-anchor="middle">${diem(Math.round(tick * 100) / 100)}</text>`,
    )
    .join('\n');

  const bars = rows
    .map((row, index) => {
      const y = top + index * rowHeight;
      const fill = row.status !== 'active' ? '#b9b2a6' : row.rank === 1 ? '#d4a017' : '#a4161a';
      const note = row.status !== 'active' ? ` (${STATUS_LABELS[row.status].toLowerCase()})` : row.provisional ? ' (tạm xếp)' : '';
      const label = `${row.rank === null ? '' : `${row.rank}. `}${row.unitName}${note}`;
      const barWidth = Math.max(0, x(row.total) - left);
      return [
        `<g>`,
        `<title>${escapeHtml(`${row.unitName}: ${diem(row.total)} điểm`)}</title>`,
        `<text x="${left}" y="${y + 16}" font-size="16" fill="#222">${escapeHtml(label)}</text>`,
        `<rect x="${left}" y="${y + 24}" width="${barWidth.toFixed(1)}" height="${barHeight}" rx="3" fill="${fill}"/>`,
        `<text x="${(left + barWidth + 8).toFixed(1)}" y="${y + 24 + barHeight - 5}" font-size="16" font-weight="700" fill="#222">${diem(row.total)}</text>`,
        `</g>`,
      ].join('');
    })
    .join('\n');

  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Biểu đồ tổng điểm theo đơn vị, thang điểm 0 – ${diem(scale)}" font-family="Segoe UI, Noto Sans, DejaVu Sans, Arial, sans-serif">
${grid}
${bars}
</svg>`;
}
