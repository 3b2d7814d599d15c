/** Reads a .docx the way a checker would: its document.xml, paragraphs with their style, and tables as text grids. */
import { unzip } from '../../integration/archive/unzip.js';

/** XML text back to characters (the five predefined entities). */
export const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
const textOf = (xml: string) =>
  [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decode(m[1]!)).join('');

export interface DocxContent {
  files: string[];
  xml: string;
  paragraphs: { style?: string; text: string }[];
  tables: string[][][];
  media: Buffer[];
}

export async function readDocx(buf: Buffer): Promise<DocxContent> {
  const entries = await unzip(buf);
  const xml = entries.find((e) => e.name === 'word/document.xml')!.data.toString('utf8');
  const outside = xml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, '');
  const paragraphs = [...outside.matchAll(/<w:p(?:\s[^>]*)?>([\s\S]*?)<\/w:p>/g)].map((m) => {
    const style = /<w:pStyle w:val="([^"]+)"\/>/.exec(m[1]!)?.[1];
    return { ...(style ? { style } : {}), text: textOf(m[1]!) };
  });
  const tables = [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((t) =>
    [...t[1]!.matchAll(/<w:tr(?:\s[^>]*)?>([\s\S]*?)<\/w:tr>/g)].map((r) =>
      [...r[1]!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((c) => textOf(c[1]!)),
    ),
  );
  return {
    files: entries.map((e) => e.name),
    xml,
    paragraphs,
    tables,
    media: entries.filter((e) => e.name.startsWith('word/media/')).map((e) => e.data),
  };
}
