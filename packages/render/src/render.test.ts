import type { YearEndStandings } from '@thidua/projections';
import { escapeHtml } from './html-page';
import { renderStandingsHtml } from './standings-html';
import { renderStandingsJson } from './json';
import { renderStandingsTable } from './standings-table';

const criteria = (a: number, b: number) => ({ c1: a, c2: b });
const v2 = { tier: null, groups: {}, decisions: {} };

/** A hand-made standings object: renderers must not depend on how it was built. */
const standings: YearEndStandings = {
  blocId: 'kt-kt',
  blocName: 'Khối Thi đua Kinh tế - Kỹ thuật',
  year: 2013,
  campaignId: 'kt-kt-2013',
  title: 'Phong trào thi đua năm 2013',
  review: { heldAt: '2014-02-13T08:00:00+07:00', hostUnitId: 'so-tttt' },
  chair: 'so-tttt',
  deputy: null,
  nextChair: 'so-xd',
  nextDeputy: 'vqg-lgxm',
  flag: { fromUnitId: 'so-tttt', toUnitId: 'so-xd' },
  final: true,
  awards: [
    { awardId: 'provincial-flag', title: 'Cờ thi đua của UBND tỉnh', kind: 'flag', quota: 1 },
    { awardId: 'certificate-of-merit', title: 'Bằng khen', kind: 'certificate', quota: 3 },
  ],
  tiers: [],
  rows: [
    { rank: 1, provisional: false, unitId: 'so-nnptnt', unitName: 'Sở Nông nghiệp và Phát triển nông thôn', criteria: criteria(9.5, 9), bonus: 1, deduction: 0, total: 19.5, status: 'active', awards: ['provincial-flag'], basis: 'vote', ...v2 },
    { rank: 2, provisional: false, unitId: 'so-ct', unitName: 'Sở Công Thương', criteria: criteria(9, 9.25), bonus: 0, deduction: 0.5, total: 17.75, status: 'active', awards: [], basis: 'vote', ...v2 },
    { rank: 3, provisional: false, unitId: 'so-tttt', unitName: 'Sở Thông tin và Truyền thông', criteria: criteria(9, 9), bonus: 0, deduction: 0, total: 18, status: 'active', awards: ['certificate-of-merit'], basis: 'vote', ...v2 },
    { rank: null, provisional: false, unitId: 'x<b>&"', unitName: 'Đơn vị <script>alert("x")</script> & co', criteria: criteria(0, 0), bonus: 0, deduction: 0, total: 0, status: 'withdrawn', awards: [], basis: null, ...v2 },
  ],
  legend: {
    units: { 'so-xd': 'Sở Xây dựng' },
    criteria: [
      { criterionId: 'c1', title: 'Nhiệm vụ chính trị', maxPoints: 10, groupId: null },
      { criterionId: 'c2', title: 'Cải cách hành chính', maxPoints: 10, groupId: null },
    ],
    groups: [],
    bonusCap: 2,
    maxTotal: 22,
    unscored: { 'x<b>&"': ['c1', 'c2'] },
  },
};

describe('renderStandingsJson', () => {
  it('writes the documented keys as indented JSON with a final newline, without the legend', () => {
    const text = renderStandingsJson(standings);
    expect(text.endsWith('}\n')).toBe(true);
    const { legend, ...json } = standings;
    void legend;
    expect(JSON.parse(text)).toEqual(json);
  });
});

describe('renderStandingsTable', () => {
  const text = renderStandingsTable(standings, { unitNames: { 'vqg-lgxm': 'Ban Quản lý Vườn Quốc gia Lò Gò – Xa Mát' } });

  it('states the facts of the year with unit names, the standings’ own first', () => {
    expect(text).toContain('Khối Thi đua Kinh tế - Kỹ thuật (kt-kt) — 2013');
    expect(text).toContain('Year-end review: 2014-02-13, hosted by Sở Thông tin và Truyền thông');
    expect(text).toContain('Chair 2014: Sở Xây dựng; deputy: Ban Quản lý Vườn Quốc gia Lò Gò – Xa Mát');
    expect(text).toContain('Chair flag: Sở Thông tin và Truyền thông → Sở Xây dựng');
    expect(text).toContain('— final');
  });

  it('has one line per row, in the given order, with two-decimal points and no colour codes', () => {
    const lines = text.split('\n');
    const row = (name: string) => lines.findIndex((line) => line.includes(name));
    expect(row('Sở Nông nghiệp')).toBeLessThan(row('Sở Công Thương'));
    expect(row('Sở Công Thương')).toBeLessThan(row('Đơn vị <script>'));
    expect(lines[row('Sở Công Thương')]).toMatch(/│\s+2 │ Sở Công Thương\s+│\s+0\.00 │\s+0\.50 │\s+17\.75 │ active/);
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('shows the criteria by title with their maximum, and an unscored criterion as not scored', () => {
    expect(text).toContain('C1 Nhiệm vụ chính trị (max 10.00)');
    expect(text).toContain('Maximum total: 22.00');
    const block = text.slice(text.indexOf('Points per criterion'));
    expect(block).toMatch(/│\s+— │\s+— │/);
  });

  it('marks provisional ranks and explains the mark', () => {
    const provisional = renderStandingsTable({
      ...standings,
      rows: standings.rows.map((r) => (r.rank === null ? r : { ...r, provisional: true, basis: 'score' as const })),
    });
    expect(provisional).toMatch(/│\s+1\* │ Sở Nông nghiệp/);
    expect(provisional).toContain('* provisional');
    expect(text).not.toContain('* provisional');
  });

  it('names no next year’s chair before one is chosen, and shows missing facts as such', () => {
    const bare = renderStandingsTable({ ...standings, review: null, flag: null, deputy: null, rows: [] });
    expect(bare).toContain('Year-end review: not held yet');
    expect(bare).toContain('Chair 2014: not chosen yet');
    expect(bare).toContain('Chair flag: not transferred yet');
    expect(bare).toContain('Chair 2013: so-tttt');
    expect(bare).toContain('(no pledges signed)');
  });

  it('ends with where the numbers come from, when told', () => {
    const sourced = renderStandingsTable(standings, { provenance: { generatedAt: '2014-02-14T09:00:00+07:00', position: '120', headHash: 'ab12' } });
    expect(sourced).toContain('Source: generated 2014-02-14T09:00:00+07:00; log position 120; head hash ab12');
  });
});

describe('renderStandingsHtml', () => {
  const html = renderStandingsHtml(standings, { provenance: { generatedAt: '2014-02-14T09:00:00+07:00', position: '120', headHash: 'ab12cd' } });

  it('is a self-contained Vietnamese page', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="vi">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    // No scripts, external style sheets, fonts, images or links: the conference PC may be offline.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|https?:|src=|href=/i);
  });

  it('states the facts: bloc, year, review date and host, chairs, deputies, flag', () => {
    expect(html).toContain('<h1>Khối Thi đua Kinh tế - Kỹ thuật</h1>');
    expect(html).toContain('năm 2013');
    expect(html).toContain('<dt>Hội nghị tổng kết</dt><dd>13/02/2014, tại Sở Thông tin và Truyền thông</dd>');
    expect(html).toContain('<dt>Khối trưởng năm 2013</dt><dd>Sở Thông tin và Truyền thông</dd>');
    expect(html).toContain('<dt>Khối phó năm 2013</dt><dd>Chưa có</dd>');
    expect(html).toContain('<dt>Khối trưởng năm 2014</dt><dd>Sở Xây dựng</dd>');
    expect(html).toContain('<dt>Cờ luân lưu khối trưởng</dt><dd>Sở Thông tin và Truyền thông → Sở Xây dựng</dd>');
    expect(renderStandingsHtml({ ...standings, flag: null })).toContain('<dt>Khối trưởng năm 2014</dt><dd>Chưa bầu chọn</dd>');
  });

  it('draws one bar per row on the campaign’s own scale, numbers as in the table', () => {
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(4);
    expect(widths[0]).toBeGreaterThan(widths[2]!);
    expect(widths[2]).toBeGreaterThan(widths[1]!);
    expect(widths[3]).toBe(0);
    // The axis runs to Σ maxPoints + bonusCap = 22: a total of 19,5 fills 19.5/22 of the plot (898 px wide).
    expect(widths[0]).toBeCloseTo((19.5 / 22) * 898, 0);
    expect(svg).toContain('>22,00</text>');
    expect(svg).toContain('>1. Sở Nông nghiệp và Phát triển nông thôn<');
    expect(svg).toContain('>17,75<');
    expect(html).toContain('<td class="num"><strong>17,75</strong></td>');
  });

  it('titles the criteria with their maximum, and shows unscored ones as not yet scored', () => {
    expect(html).toContain('<th title="Nhiệm vụ chính trị">CT1<small>/10,00</small></th>');
    expect(html).toContain('<li>Nhiệm vụ chính trị (tối đa 10,00 điểm)</li>');
    expect(html).toContain('<td class="none" title="Chưa chấm điểm">chưa chấm</td>');
  });

  it('escapes unit names everywhere', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('Đơn vị &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('lists the table in Vietnamese with awards and basis', () => {
    expect(html).toContain('<td>Cờ thi đua của UBND tỉnh</td><td class="tag">Bình bầu</td>');
    expect(html).toContain('<td class="num"><strong>19,50</strong></td>');
    expect(html).toContain('<tr class="out">');
  });

  it('carries its provenance: generated at, log position, head hash', () => {
    expect(html).toContain('<footer class="provenance">');
    expect(html).toContain('<time datetime="2014-02-14T09:00:00+07:00">');
    expect(html).toContain('<code>120</code>');
    expect(html).toContain('<code>ab12cd</code>');
  });
});
