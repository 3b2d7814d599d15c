/** Small printable HTML pages (A4, 宋体-style serif) for the archive's records and cover. */

export function esc(text: string | number | undefined | null): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const STYLE = `
@page { size: A4; margin: 20mm 18mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei", serif; font-size: 12pt; color: #000; }
h1 { font-size: 20pt; text-align: center; margin: 0 0 6mm; letter-spacing: 2pt; }
h2 { font-size: 14pt; margin: 8mm 0 3mm; }
p.meta { text-align: center; margin: 0 0 6mm; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; }
th, td { border: 1px solid #000; padding: 2mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #eee; font-weight: bold; }
td.n { text-align: right; white-space: nowrap; }
.empty { color: #555; }
`;

export function page(title: string, meta: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="meta">${esc(meta)}</p>
${body}
</body>
</html>
`;
}

export interface Column<T> {
  header: string;
  cell: (row: T, index: number) => string | number;
  numeric?: boolean;
}

export function table<T>(rows: readonly T[], columns: readonly Column<T>[], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  const head = columns.map((c) => `<th>${esc(c.header)}</th>`).join('');
  const body = rows
    .map(
      (r, i) =>
        `<tr>${columns.map((c) => `<td${c.numeric ? ' class="n"' : ''}>${esc(c.cell(r, i))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
