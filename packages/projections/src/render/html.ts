import type { AwardKind, PledgeStatus, RankBasis } from '@thidua/domain';
import type { StandingsRow, YearEndStandings } from '../standings/standings.types';
import { criterionColumns, localDateParts, unitNamer, type RenderStandingsOptions } from './format';

/** Escapes text for HTML and SVG content and for double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const AWARD_LABELS: Record<AwardKind, string> = {
  'provincial-flag': 'Cờ thi đua của UBND tỉnh',
  'government-flag': 'Cờ thi đua của Chính phủ',
  'certificate-of-merit': 'Bằng khen',
};
const STATUS_LABELS: Record<PledgeStatus, string> = {
  active: 'Tham gia',
  withdrawn: 'Rút đăng ký',
  disqualified: 'Bị loại',
};
const BASIS_LABELS: Record<RankBasis, string> = { score: 'Theo điểm', vote: 'Bình bầu' };

// Vietnamese writes 97,5 for 97.5; the screen is read by a Vietnamese audience.
const shortPoints = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
const fixedPoints = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#fbf7ef;color:#222;font-family:"Segoe UI","Noto Sans","DejaVu Sans",Arial,sans-serif;line-height:1.4}
main{max-width:1200px;margin:0 auto;padding:24px 32px 40px}
header{background:#a4161a;color:#fff;border-radius:10px;padding:20px 28px;border-bottom:6px solid #f4c430}
header .kicker{margin:0;font-size:15px;letter-spacing:.04em;text-transform:uppercase;color:#ffe9a8}
header h1{margin:6px 0 4px;font-size:30px}
header .subtitle{margin:0;font-size:17px}
h2{font-size:20px;color:#a4161a;margin:28px 0 10px}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:10px;margin:20px 0 0;padding:0}
.facts div{background:#fff;border:1px solid #eadfc8;border-radius:8px;padding:10px 14px}
.facts dt{font-size:13px;color:#7a6a4f;text-transform:uppercase;letter-spacing:.03em}
.facts dd{margin:2px 0 0;font-size:17px;font-weight:600}
.chart{background:#fff;border:1px solid #eadfc8;border-radius:8px;padding:12px 16px}
.chart svg{display:block;width:100%;height:auto}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
.table-wrap{overflow-x:auto}
th,td{border:1px solid #eadfc8;padding:5px 6px;vertical-align:top}
th{background:#f6ecd6;text-align:center}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.rank{text-align:center;font-weight:700}
td.unit{min-width:200px}
td.tag{white-space:nowrap}
tr.out td{color:#888}
.note{font-size:13px;color:#6b6b6b;margin:8px 0 0}
`;

/**
 * Renders year-end standings as one self-contained HTML page in Vietnamese
 * (no scripts, fonts, images or style sheets from elsewhere), for the
 * year-end conference screen: the facts of the year, an inline SVG bar chart
 * of totals by unit, and the full table.
 *
 * @example
 * writeFileSync('standings.html', renderStandingsHtml(standings));
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
      review
        ? `${reviewDate ? `${reviewDate.day}/${reviewDate.month}/${reviewDate.year}` : escapeHtml(review.heldAt)}, tại ${unit(review.hostUnitId)}`
        : 'Chưa tổ chức',
    ],
    [`Khối trưởng năm ${year}`, unit(standings.chair)],
    [`Khối phó năm ${year}`, unit(standings.deputy)],
    [`Khối trưởng năm ${year + 1}`, unit(standings.nextChair)],
    [`Khối phó năm ${year + 1}`, unit(standings.nextDeputy)],
    [
      'Cờ luân lưu khối trưởng',
      standings.flag ? `${unit(standings.flag.fromUnitId)} → ${unit(standings.flag.toUnitId)}` : 'Chưa chuyển giao',
    ],
    ['Kết quả', standings.final ? 'Chính thức (đợt thi đua đã kết thúc)' : 'Chưa chính thức'],
  ];
  const title = `Tổng kết thi đua năm ${year} — ${standings.blocName}`;

  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<p class="kicker">Hội nghị tổng kết công tác thi đua – khen thưởng năm ${year}</p>
<h1>${escapeHtml(standings.blocName)}</h1>
<p class="subtitle">${escapeHtml(standings.title)}</p>
</header>
<dl class="facts">
${facts.map(([label, value]) => `<div><dt>${escapeHtml(label)}</dt><dd>${value}</dd></div>`).join('\n')}
</dl>
<h2>Tổng điểm theo đơn vị</h2>
<div class="chart">
${renderChart(standings.rows)}
</div>
<h2>Bảng xếp hạng</h2>
${renderTable(standings)}
</main>
</body>
</html>
`;
}

const rankLabel = (row: StandingsRow) => (row.rank === null ? '—' : `${row.rank}${row.provisional ? '*' : ''}`);

function renderTable(standings: YearEndStandings): string {
  const criteria = criterionColumns(standings);
  // Numbered criterion columns (CT1 = chỉ tiêu 1) keep nine criteria readable on one screen; the note below names them.
  const head = ['Hạng', 'Đơn vị', ...criteria.map((_id, index) => `CT${index + 1}`), 'Điểm thưởng', 'Điểm trừ', 'Tổng điểm', 'Trạng thái', 'Đề nghị khen thưởng', 'Căn cứ xếp hạng'];
  const rows = standings.rows.map((row) => {
    const cells = [
      `<td class="rank">${rankLabel(row)}</td>`,
      `<td class="unit">${escapeHtml(row.unitName)}</td>`,
      ...criteria.map((id) => `<td class="num">${fixedPoints.format(row.criteria[id] ?? 0)}</td>`),
      `<td class="num">${fixedPoints.format(row.bonus)}</td>`,
      `<td class="num">${fixedPoints.format(row.deduction)}</td>`,
      `<td class="num"><strong>${fixedPoints.format(row.total)}</strong></td>`,
      `<td class="tag">${STATUS_LABELS[row.status]}</td>`,
      `<td>${row.awards.map((award) => AWARD_LABELS[award]).join('; ')}</td>`,
      `<td class="tag">${row.basis === null ? '' : BASIS_LABELS[row.basis]}</td>`,
    ];
    return `<tr${row.status === 'active' ? '' : ' class="out"'}>${cells.join('')}</tr>`;
  });
  const notes: string[] = [];
  if (standings.rows.some((row) => row.provisional)) {
    notes.push('* Hạng tạm tính theo tổng điểm, chưa có kết quả xếp hạng chính thức.');
  }
  if (criteria.length > 0) {
    notes.push(`Điểm từng chỉ tiêu thi đua: ${criteria.map((id, index) => `CT${index + 1} ${escapeHtml(id)}`).join(', ')}.`);
  }
  return `<div class="table-wrap"><table>
<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.length > 0 ? rows.join('\n') : `<tr><td colspan="${head.length}">Chưa có đơn vị đăng ký thi đua.</td></tr>`}
</tbody>
</table></div>
${notes.map((note) => `<p class="note">${note}</p>`).join('\n')}`;
}

/** Rounds the chart's scale up to a round number so the grid lines fall on readable values. */
function niceMax(value: number): number {
  if (value <= 0) return 10;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

/**
 * A horizontal bar per row, the unit's name on its own line above the bar so
 * that long Vietnamese names never collide with the bars or get clipped.
 */
function renderChart(rows: readonly StandingsRow[]): string {
  if (rows.length === 0) return '<p class="note">Chưa có dữ liệu.</p>';
  const width = 1000;
  const left = 12;
  const right = 90; // room for the value printed after the longest bar
  const top = 24;
  const rowHeight = 58;
  const barHeight = 22;
  const height = top + rows.length * rowHeight + 8;
  const plotWidth = width - left - right;
  const scale = niceMax(Math.max(...rows.map((row) => row.total)));
  const x = (value: number) => left + (value / scale) * plotWidth;

  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * scale);
  const grid = ticks
    .map(
      (tick) =>
        `<line x1="${x(tick).toFixed(1)}" y1="${top - 6}" x2="${x(tick).toFixed(1)}" y2="${height - 8}" stroke="#eee3cc" stroke-width="1"/>` +
        `<text x="${x(tick).toFixed(1)}" y="${top - 10}" font-size="12" fill="#8a7a5e" text-anchor="middle">${shortPoints.format(tick)}</text>`,
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
        `<title>${escapeHtml(`${row.unitName}: ${shortPoints.format(row.total)} điểm`)}</title>`,
        `<text x="${left}" y="${y + 16}" font-size="16" fill="#222">${escapeHtml(label)}</text>`,
        `<rect x="${left}" y="${y + 24}" width="${barWidth.toFixed(1)}" height="${barHeight}" rx="3" fill="${fill}"/>`,
        `<text x="${(left + barWidth + 8).toFixed(1)}" y="${y + 24 + barHeight - 5}" font-size="16" font-weight="700" fill="#222">${shortPoints.format(row.total)}</text>`,
        `</g>`,
      ].join('');
    })
    .join('\n');

  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Biểu đồ tổng điểm theo đơn vị" font-family="Segoe UI, Noto Sans, DejaVu Sans, Arial, sans-serif">
${grid}
${bars}
</svg>`;
}
