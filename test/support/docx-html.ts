/**
 * A .docx page as HTML, for looking at the 简报 as a picture where no LibreOffice is installed:
 * paragraphs with their alignment, bottom rule and right tab; runs with bold, colour and size;
 * tables with cell shading; inline pictures from word/media. Only what the project's documents
 * use; anything else is shown as its text.
 */
import { unzip } from '../integration/archive/unzip.js';
import { decode } from '../unit/report/docx-xml.js';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const attr = (xml: string, tag: string, name: string) =>
  new RegExp(`<${tag}\\b[^>]*\\s${name}="([^"]*)"`).exec(xml)?.[1];
const EMU_PER_PX = 9525;
const TAB = '\u0001';

function runHtml(run: string, media: ReadonlyMap<string, string>): string {
  const props = /<w:rPr>([\s\S]*?)<\/w:rPr>/.exec(run)?.[1] ?? '';
  const css: string[] = [];
  if (/<w:b\/>/.test(props)) css.push('font-weight:bold');
  const color = attr(props, 'w:color', 'w:val');
  if (color && color !== 'auto') css.push(`color:#${color}`);
  const size = attr(props, 'w:sz', 'w:val');
  if (size) css.push(`font-size:${Number(size) / 2}pt`);
  const parts: string[] = [];
  for (const m of run.matchAll(
    /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:br\/>|<w:drawing>([\s\S]*?)<\/w:drawing>/g,
  )) {
    if (m[0] === '<w:tab/>') parts.push(TAB);
    else if (m[0] === '<w:br/>') parts.push('<br>');
    else if (m[2] !== undefined) {
      const src = media.get(attr(m[2], 'a:blip', 'r:embed') ?? '');
      const w = Number(attr(m[2], 'wp:extent', 'cx') ?? 0) / EMU_PER_PX;
      const h = Number(attr(m[2], 'wp:extent', 'cy') ?? 0) / EMU_PER_PX;
      parts.push(src ? `<img src="${src}" width="${w}" height="${h}">` : '[图片]');
      // Word lays a tab character inside w:t out like <w:tab/> (the 简报's masthead uses one).
    } else parts.push(escape(decode(m[1]!)).replace(/\t/g, TAB));
  }
  // A tab splits the run into well-formed pieces the paragraph spreads apart.
  return parts
    .join('')
    .split(TAB)
    .map((t) => `<span style="${css.join(';')}">${t}</span>`)
    .join(TAB);
}

function paragraphHtml(p: string, media: ReadonlyMap<string, string>): string {
  const props = /<w:pPr>([\s\S]*?)<\/w:pPr>/.exec(p)?.[1] ?? '';
  const css: string[] = [];
  const jc = attr(props, 'w:jc', 'w:val');
  if (jc) css.push(`text-align:${jc === 'both' ? 'justify' : jc}`);
  const rule = /<w:bottom\b[^>]*w:color="([^"]*)"[^>]*w:sz="(\d+)"/.exec(props);
  if (rule) css.push(`border-bottom:${Number(rule[2]) / 8}pt solid #${rule[1]}`, 'padding-bottom:4px');
  const style = attr(props, 'w:pStyle', 'w:val');
  const runs = [...p.matchAll(/<w:r>([\s\S]*?)<\/w:r>|<w:r\s[^>]*>([\s\S]*?)<\/w:r>/g)]
    .map((m) => runHtml(m[0], media))
    .join('');
  if (runs.includes(TAB)) css.push('display:flex', 'justify-content:space-between');
  const pieces = runs.split(TAB).map((piece) => `<span>${piece}</span>`);
  return `<p class="${style ?? ''}" style="${css.join(';')}">${pieces.join('')}</p>`;
}

function tableHtml(t: string, media: ReadonlyMap<string, string>): string {
  const rows = [...t.matchAll(/<w:tr(?:\s[^>]*)?>([\s\S]*?)<\/w:tr>/g)].map((r) => {
    const cells = [...r[1]!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((c) => {
      const fill = attr(c[1]!, 'w:shd', 'w:fill');
      const span = attr(c[1]!, 'w:gridSpan', 'w:val');
      const body = [...c[1]!.matchAll(/<w:p(?:\s[^>]*)?>[\s\S]*?<\/w:p>/g)]
        .map((p) => paragraphHtml(p[0], media))
        .join('');
      return `<td${span ? ` colspan="${span}"` : ''} style="${fill && fill !== 'auto' ? `background:#${fill}` : ''}">${body}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  // Word lays the table out on its grid (twentieths of a point): 15 to a CSS pixel.
  const cols = [...t.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map(
    (m) => `<col style="width:${Number(m[1]) / 15}px">`,
  );
  const width = cols.length > 0 ? ` style="table-layout:fixed;width:auto"` : '';
  return `<table${width}><colgroup>${cols.join('')}</colgroup>${rows.join('')}</table>`;
}

/** The document body as one A4-wide HTML page. */
export async function docxToHtml(buf: Buffer): Promise<string> {
  const entries = await unzip(buf);
  const xml = entries.find((e) => e.name === 'word/document.xml')!.data.toString('utf8');
  const rels = entries.find((e) => e.name === 'word/_rels/document.xml.rels')?.data.toString('utf8') ?? '';
  const media = new Map<string, string>();
  for (const m of rels.matchAll(/<Relationship\b[^>]*Id="([^"]+)"[^>]*Target="(media\/[^"]+)"/g)) {
    const data = entries.find((e) => e.name === `word/${m[2]}`)?.data;
    if (data) media.set(m[1]!, `data:image/png;base64,${data.toString('base64')}`);
  }
  const body = /<w:body>([\s\S]*)<\/w:body>/.exec(xml)?.[1] ?? '';
  const blocks = [...body.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>|<w:p(?:\s[^>]*)?>[\s\S]*?<\/w:p>|<w:p\/>/g)].map(
    (m) =>
      m[0].startsWith('<w:tbl>')
        ? tableHtml(m[0], media)
        : m[0] === '<w:p/>'
          ? '<p>&nbsp;</p>'
          : paragraphHtml(m[0], media),
  );
  return `<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:#888}
.page{width:794px;min-height:1123px;margin:0 auto;background:#fff;padding:96px 90px;box-sizing:border-box;
  font-family:"SimSun","WenQuanYi Micro Hei",serif;font-size:12pt;line-height:1.5}
p{margin:0 0 6px}
.Heading1{font-size:16pt;font-weight:bold;margin-top:12px}
table{border-collapse:collapse;width:100%;margin:6px 0}
td{border:1px solid #000;padding:2px 5px;vertical-align:top}
td p{margin:0}
</style><div class="page">${blocks.join('\n')}</div>`;
}
