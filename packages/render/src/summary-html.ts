import type { YearSummary } from '@thidua/projections';
import { escapeHtml, htmlPage } from './html-page';
import { blocNamer, type RenderYearSummaryOptions } from './summary-table';

const OUTCOME_LABELS = { granted: 'Được khen thưởng', declined: 'Không được khen thưởng' } as const;

/**
 * Renders the year summary of an authority as one self-contained HTML page
 * in Vietnamese, for the council: one section per bloc with its chairs,
 * leaders, classes (xếp loại) and the awards proposed with the decision
 * (quyết định khen thưởng) on each.
 */
export function renderYearSummaryHtml(summary: YearSummary, options: RenderYearSummaryOptions = {}): string {
  const sections = summary.blocs.map((bloc) => {
    const name = blocNamer(summary, bloc);
    const facts: [string, string][] = [
      [`Khối trưởng năm ${summary.year}`, escapeHtml(name.unit(bloc.chair))],
      [`Khối trưởng năm ${summary.year + 1}`, escapeHtml(name.unit(bloc.nextChair))],
      ['Dẫn đầu (hạng 1)', bloc.leaders.length > 0 ? bloc.leaders.map((unitId) => escapeHtml(name.unit(unitId))).join(', ') : 'Chưa xếp hạng'],
      [
        'Xếp loại',
        Object.keys(bloc.tiers).length > 0 ? Object.entries(bloc.tiers).map(([tierId, count]) => `${escapeHtml(name.tier(tierId))}: ${count}`).join('; ') : 'Chưa xếp loại',
      ],
      ['Kết quả', bloc.final ? 'Chính thức' : 'Chưa chính thức'],
    ];
    const awards =
      bloc.awards.length === 0
        ? '<p class="note">Chưa có đề nghị khen thưởng.</p>'
        : `<div class="table-wrap"><table>
<thead><tr><th>Đơn vị</th><th>Đề nghị khen thưởng</th><th>Quyết định</th></tr></thead>
<tbody>
${bloc.awards
  .map((award) => `<tr><td class="unit">${escapeHtml(name.unit(award.unitId))}</td><td>${escapeHtml(name.award(award.award))}</td><td class="tag">${award.outcome === null ? 'Chờ quyết định' : OUTCOME_LABELS[award.outcome]}</td></tr>`)
  .join('\n')}
</tbody>
</table></div>`;
    return `<h2>${escapeHtml(bloc.blocName)}</h2>
<dl class="facts">
${facts.map(([label, value]) => `<div><dt>${escapeHtml(label)}</dt><dd>${value}</dd></div>`).join('\n')}
</dl>
${awards}`;
  });
  const body = `<header>
<p class="kicker">Tổng hợp kết quả thi đua – khen thưởng năm ${summary.year}</p>
<h1>${escapeHtml(summary.authority)}</h1>
<p class="subtitle">${summary.blocs.length} khối, cụm thi đua</p>
</header>
${sections.length > 0 ? sections.join('\n') : '<p class="note">Chưa có khối, cụm nào tổ chức phong trào thi đua trong năm.</p>'}`;
  return htmlPage(`Tổng hợp thi đua năm ${summary.year} — ${summary.authority}`, body, options.provenance);
}
