/*
 * The frame of every HTML report: one self-contained page in Vietnamese (no
 * scripts, fonts, images or style sheets from elsewhere), and the
 * provenance block an auditor quotes.
 */
import type { Provenance } from './format';

/** Escapes text for HTML and SVG content and for double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

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
th small{display:block;font-weight:400;color:#7a6a4f}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.none{text-align:center;color:#999;font-style:italic;white-space:nowrap}
td.rank{text-align:center;font-weight:700}
td.unit{min-width:200px}
td.tag{white-space:nowrap}
tr.out td{color:#888}
.note{font-size:13px;color:#6b6b6b;margin:8px 0 0}
ol.legend{font-size:13px;color:#444;margin:8px 0 0;padding-left:22px}
footer.provenance{margin-top:28px;font-size:12px;color:#6b6b6b;border-top:1px solid #eadfc8;padding-top:10px}
footer.provenance code{font-size:11px;word-break:break-all}
`;

/** The provenance block: when the report was made, the log position and head hash (and the anchor, when one exists). */
export function provenanceHtml(provenance: Provenance | undefined): string {
  if (!provenance) return '';
  const items = [
    `Lập lúc <time datetime="${escapeHtml(provenance.generatedAt)}">${escapeHtml(provenance.generatedAt)}</time>`,
    `vị trí sổ sự kiện (log position) <code>${escapeHtml(provenance.position ?? '—')}</code>`,
    ...(provenance.headHash ? [`mã băm đầu sổ (head hash) <code>${escapeHtml(provenance.headHash)}</code>`] : []),
    ...(provenance.anchor ? [`mốc neo (anchor) <code>${escapeHtml(provenance.anchor)}</code>`] : []),
    ...(provenance.asOf ? [`số liệu tại thời điểm (as of) ${escapeHtml(provenance.asOf)}`] : []),
  ];
  return `<footer class="provenance"><p>Nguồn số liệu: ${items.join('; ')}.</p></footer>`;
}

/** A whole page around `body`. */
export function htmlPage(title: string, body: string, provenance: Provenance | undefined): string {
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
${body}
${provenanceHtml(provenance)}
</main>
</body>
</html>
`;
}
