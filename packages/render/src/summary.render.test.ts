import type { YearSummary } from '@thidua/projections';
import { renderYearSummaryJson } from './json';
import { renderYearSummaryHtml } from './summary-html';
import { renderYearSummaryTable } from './summary-table';

const summary: YearSummary = {
  authority: 'UBND tỉnh Đồng Nai',
  year: 2015,
  blocs: [
    {
      blocId: 'khoi-9',
      blocName: 'Khối thi đua số 9',
      campaignId: 'khoi-9-2015',
      final: true,
      chair: 'so-ct',
      nextChair: 'so-tc',
      leaders: ['so-ct'],
      awards: [
        { unitId: 'so-ct', award: 'bang-khen', outcome: null },
        { unitId: 'so-ct', award: 'co', outcome: 'granted' },
      ],
      tiers: { 'xuat-sac': 2 },
    },
  ],
  legend: {
    units: { 'khoi-9': { 'so-ct': 'Sở Công Thương', 'so-tc': 'Sở Tài chính' } },
    awards: { 'khoi-9': { co: 'Cờ thi đua của UBND tỉnh', 'bang-khen': 'Bằng khen của UBND tỉnh' } },
    tiers: { 'khoi-9': { 'xuat-sac': 'Hoàn thành xuất sắc nhiệm vụ' } },
  },
};

describe('year summary renderers', () => {
  it('write the documented JSON, without the legend', () => {
    expect(JSON.parse(renderYearSummaryJson(summary))).toEqual({ authority: summary.authority, year: 2015, blocs: summary.blocs });
  });

  it('tabulate each bloc with names, titles and outcomes, within 120 columns', () => {
    const text = renderYearSummaryTable(summary);
    expect(text).toContain('Khối thi đua số 9 (khoi-9) — khoi-9-2015, final');
    expect(text).toContain('Chair 2015: Sở Công Thương; chair 2016: Sở Tài chính');
    expect(text).toContain('Leaders (rank 1): Sở Công Thương');
    expect(text).toContain('Classes: Hoàn thành xuất sắc nhiệm vụ 2');
    expect(text).toMatch(/Sở Công Thương\s+│ Cờ thi đua của UBND tỉnh\s+│ granted/);
    expect(text).toMatch(/Bằng khen của UBND tỉnh\s+│ pending/);
    expect(Math.max(...text.split('\n').map((line) => [...line].length))).toBeLessThanOrEqual(120);
  });

  it('make one Vietnamese page with a section per bloc and the decisions', () => {
    const html = renderYearSummaryHtml(summary, { provenance: { generatedAt: '2016-03-01T08:00:00+07:00', position: '900' } });
    expect(html).toContain('<h1>UBND tỉnh Đồng Nai</h1>');
    expect(html).toContain('<h2>Khối thi đua số 9</h2>');
    expect(html).toContain('<td>Cờ thi đua của UBND tỉnh</td><td class="tag">Được khen thưởng</td>');
    expect(html).toContain('<td class="tag">Chờ quyết định</td>');
    expect(html).toContain('<code>900</code>');
  });
});
