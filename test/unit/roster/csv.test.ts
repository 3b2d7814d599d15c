import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../domain/roster/csv.js';
import { decodeText } from '../../../domain/roster/decode-text.js';
import { csvBytesToSheet } from '../../../domain/roster/read-csv.js';
import { toCsv, withBom } from '../../../domain/roster/write-roster.js';
import { encodeGbk } from '../../fixtures/rosters-bad/gbk-encode.js';

describe('parseCsv', () => {
  it('handles quoted commas, doubled quotes and CRLF', () => {
    const { rows, problems } = parseCsv('a,"b,c","say ""hi"""\r\n1,2,3\r\n');
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { row: 1, cells: ['a', 'b,c', 'say "hi"'] },
      { row: 2, cells: ['1', '2', '3'] },
    ]);
  });

  it('numbers records as Excel shows rows: a line break inside quotes stays in one row', () => {
    const { rows } = parseCsv('h1,h2\n"line one\nline two",x\ny,z');
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3]);
    expect(rows[1]?.cells).toEqual(['line one\nline two', 'x']);
    expect(rows[2]?.cells).toEqual(['y', 'z']);
  });

  it('keeps blank lines in the numbering and accepts bare CR line ends', () => {
    const { rows } = parseCsv('h\r\rv\r');
    expect(rows).toEqual([
      { row: 1, cells: ['h'] },
      { row: 2, cells: [''] },
      { row: 3, cells: ['v'] },
    ]);
  });

  it('keeps a trailing empty field and a stray quote inside an unquoted field', () => {
    expect(parseCsv('a,\nb"c,d').rows.map((r) => r.cells)).toEqual([
      ['a', ''],
      ['b"c', 'd'],
    ]);
  });

  it('reports an unclosed quote at the row where it opens', () => {
    const { problems } = parseCsv('h1,h2\nx,y\n"open,z\nmore');
    expect(problems).toEqual([
      { row: 3, message: '引号没有闭合：从这一行开始的带引号内容一直延续到文件末尾' },
    ]);
  });

  it('switches to tabs for Excel "Unicode 文本" exports', () => {
    expect(parseCsv('单位编号\t单位名称\nU01\t青山镇, 机关\n').rows[1]?.cells).toEqual([
      'U01',
      '青山镇, 机关',
    ]);
  });

  it('round-trips what toCsv writes', () => {
    const table = [
      ['单位编号', '备注'],
      ['U01', '含,逗号 "引号"\n换行'],
    ];
    expect(parseCsv(toCsv(table)).rows.map((r) => r.cells)).toEqual(table);
  });
});

describe('decodeText', () => {
  const text = '单位编号,单位名称\r\nU01,青山镇机关\r\n';

  it('strips a UTF-8 BOM so the first header is recognised', () => {
    const decoded = decodeText(withBom(text));
    expect(decoded).toEqual({ text, encoding: 'utf-8' });
  });

  it('decodes GBK, as Excel on Chinese Windows saves CSV', () => {
    const bytes = encodeGbk(text);
    // Sanity: these bytes are not UTF-8, so the test exercises the fallback.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(decodeText(bytes)).toEqual({ text, encoding: 'gb18030' });
  });

  it('decodes UTF-16LE with BOM (Excel "Unicode 文本")', () => {
    const body = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      body[2 * i] = c & 0xff;
      body[2 * i + 1] = c >> 8;
    }
    const bytes = new Uint8Array([0xff, 0xfe, ...body]);
    expect(decodeText(bytes)).toEqual({ text, encoding: 'utf-16le' });
  });

  it('leaves plain UTF-8 without BOM as UTF-8', () => {
    expect(decodeText(new TextEncoder().encode(text)).encoding).toBe('utf-8');
  });

  it('gives the same table from GBK and UTF-8-BOM bytes', () => {
    expect(csvBytesToSheet(encodeGbk(text), 'units').sheet).toEqual(
      csvBytesToSheet(withBom(text), 'units').sheet,
    );
  });
});
