import type { YearEndStandings } from '../standings/standings.types';
import { escapeHtml, renderStandingsHtml } from './html';
import { renderStandingsJson } from './json';
import { renderStandingsTable } from './table';

const criteria = (a: number, b: number) => ({ c1: a, c2: b });

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
  rows: [
    { rank: 1, provisional: false, unitId: 'so-nnptnt', unitName: 'Sở Nông nghiệp và Phát triển nông thôn', criteria: criteria(9.5, 9), bonus: 1, deduction: 0, total: 19.5, status: 'active', awards: ['provincial-flag'], basis: 'vote' },
    { rank: 2, provisional: false, unitId: 'so-ct', unitName: 'Sở Công Thương', criteria: criteria(9, 9.25), bonus: 0, deduction: 0.5, total: 17.75, status: 'active', awards: [], basis: 'vote' },
    { rank: 3, provisional: false, unitId: 'so-tttt', unitName: 'Sở Thông tin và Truyền thông', criteria: criteria(9, 9), bonus: 0, deduction: 0, total: 18, status: 'active', awards: ['certificate-of-merit'], basis: 'vote' },
    { rank: null, provisional: false, unitId: 'x<b>&"', unitName: 'Đơn vị <script>alert("x")</script> & co', criteria: criteria(0, 0), bonus: 0, deduction: 0, total: 0, status: 'withdrawn', awards: [], basis: null },
  ],
};

describe('renderStandingsJson', () => {
  it('writes the standings object as indented JSON with a final newline', () => {
    const text = renderStandingsJson(standings);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(standings);
  });
});

describe('renderStandingsTable', () => {
  const text = renderStandingsTable(standings, { unitNames: { 'so-xd': 'Sở Xây dựng', 'vqg-lgxm': 'Ban Quản lý Vườn Quốc gia Lò Gò – Xa Mát' } });

  it('states the facts of the year with unit names', () => {
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
    expect(lines[row('Sở Công Thương')]).toMatch(/│\s+2 │ Sở Công Thương\s+│\s+9\.00 │\s+9\.25 │\s+0\.00 │\s+0\.50 │\s+17\.75 │ active/);
    expect(lines[row('Đơn vị <script>')]).toMatch(/│\s+— │/);
    expect(text).not.toMatch(/\u001b\[/);
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

  it('shows unknown units by id and missing facts as such', () => {
    const bare = renderStandingsTable({ ...standings, review: null, flag: null, nextChair: null, deputy: null, rows: [] });
    expect(bare).toContain('Year-end review: not held yet');
    expect(bare).toContain('Chair 2014: —');
    expect(bare).toContain('Chair flag: not transferred yet');
    expect(bare).toContain('Chair 2013: so-tttt');
    expect(bare).toContain('(no pledges signed)');
  });
});

describe('renderStandingsHtml', () => {
  const html = renderStandingsHtml(standings);

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
    expect(html).toContain('<dt>Khối trưởng năm 2014</dt><dd>so-xd</dd>');
    expect(html).toContain('<dt>Cờ luân lưu khối trưởng</dt><dd>Sở Thông tin và Truyền thông → so-xd</dd>');
  });

  it('draws one bar per row in an inline SVG, longest for the highest total', () => {
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(4);
    expect(widths[0]).toBeGreaterThan(widths[2]!);
    expect(widths[2]).toBeGreaterThan(widths[1]!);
    expect(widths[3]).toBe(0);
    expect(svg).toContain('>1. Sở Nông nghiệp và Phát triển nông thôn<');
    expect(svg).toContain('>17,75<');
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
});
