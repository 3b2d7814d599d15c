/**
 * Reading a year's holiday arrangement from the file the office loads (`campaign calendar add`,
 * the console): a small YAML file, or an ICS calendar as the common Chinese holiday feeds publish
 * it (one VEVENT per holiday or 调休上班 day, SUMMARY marked 休 / 班). Every problem is reported
 * in Chinese with its line and field; nothing is half-accepted.
 */
import { LineCounter, parseDocument, isMap, type Node } from 'yaml';
import { firstYamlSyntaxProblem } from '../plan/yaml-errors.js';
import { addDays, isIsoDate, isoWeekday, yearOf, type IsoDate } from './dates.js';
import type { HolidayYear } from './holiday-year.js';

export type HolidayFileFormat = 'yaml' | 'ics';
export type HolidayFileResult = { ok: true; year: HolidayYear } | { ok: false; problems: string[] };

const MAX_BYTES = 64 * 1024;
const MAX_DAYS = 120;

/** The format a file name says (.ics, else YAML). */
export function holidayFileFormat(name: string): HolidayFileFormat {
  return /\.(ics|ical|ifb)$/i.test(name) ? 'ics' : 'yaml';
}

export function parseHolidayFile(text: string, format: HolidayFileFormat): HolidayFileResult {
  if (text.length > MAX_BYTES)
    return { ok: false, problems: [`文件过大（超过 ${MAX_BYTES / 1024} KB），一年的节假日安排不会这么长`] };
  return format === 'ics' ? parseIcs(text) : parseYaml(text);
}

interface Entry {
  kind: 'holiday' | 'workday';
  name: string;
  date: string;
  where: string;
}

/** Shared checks: real dates, inside the year, no day twice, 调休 days on weekends. */
function finish(
  year: number | undefined,
  source: string,
  entries: Entry[],
  problems: string[],
): HolidayFileResult {
  if (year === undefined) return { ok: false, problems };
  const seen = new Map<string, Entry>();
  for (const e of entries) {
    if (!isIsoDate(e.date)) {
      problems.push(`${e.where}：日期「${e.date}」不是有效日期（应写作 ${year}-01-01 这样的格式）`);
      continue;
    }
    if (yearOf(e.date) !== year) {
      problems.push(`${e.where}：日期 ${e.date} 不在 ${year} 年内（跨年的假期请分别写入各年的文件）`);
      continue;
    }
    const before = seen.get(e.date);
    if (before) {
      problems.push(
        before.kind === e.kind
          ? `${e.where}：日期 ${e.date} 重复（${before.where}已列出）`
          : `${e.where}：日期 ${e.date} 既是放假日又是调休上班日（另见${before.where}）`,
      );
      continue;
    }
    seen.set(e.date, e);
    if (e.kind === 'workday' && isoWeekday(e.date) < 6)
      problems.push(`${e.where}：调休上班日 ${e.date} 是工作日（周一至周五），无须列出`);
  }
  if (entries.length > MAX_DAYS)
    problems.push(`共 ${entries.length} 天，超过 ${MAX_DAYS} 天：请只列放假日和调休上班日`);
  if (!entries.some((e) => e.kind === 'holiday')) problems.push('文件中没有任何放假日');
  if (problems.length > 0) return { ok: false, problems };
  const holidays: { name: string; days: IsoDate[] }[] = [];
  for (const e of entries.filter((x) => x.kind === 'holiday')) {
    const h = holidays.find((x) => x.name === e.name);
    if (h) h.days.push(e.date);
    else holidays.push({ name: e.name, days: [e.date] });
  }
  for (const h of holidays) h.days.sort();
  const workdays = entries
    .filter((x) => x.kind === 'workday')
    .map((e) => ({ name: e.name, date: e.date }))
    .sort((a, b) => (a.date < b.date ? -1 : 1));
  return { ok: true, year: { year, source, holidays, workdays } };
}

function parseYaml(text: string): HolidayFileResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const p = firstYamlSyntaxProblem(text, doc.errors, lc);
    return { ok: false, problems: [p?.message ?? 'YAML 语法错误'] };
  }
  const problems: string[] = [];
  const at = (path: (string | number)[], label: string): string => {
    const node = doc.getIn(path, true) as Node | undefined;
    const line = node?.range ? lc.linePos(node.range[0]).line : undefined;
    return line ? `第 ${line} 行 ${label}` : label;
  };
  if (!isMap(doc.contents))
    return { ok: false, problems: ['文件应包含 year、source、holidays、workdays 四项'] };
  const data = doc.toJS() as Record<string, unknown>;
  for (const k of Object.keys(data))
    if (!['year', 'source', 'holidays', 'workdays'].includes(k))
      problems.push(`${at([k], k)}：不认识的字段「${k}」（只能有 year、source、holidays、workdays）`);
  const y = data.year;
  let year: number | undefined;
  if (typeof y === 'number' && Number.isInteger(y) && y >= 2000 && y <= 2100) year = y;
  else problems.push(`${at(['year'], 'year')}：应为年份，如 2027`);
  const source = typeof data.source === 'string' ? data.source.trim() : '';
  if (!source)
    problems.push(
      `${at(['source'], 'source')}：请写明所依据的通知，如“国务院办公厅关于${year ?? 2027}年部分节假日安排的通知”`,
    );
  const entries: Entry[] = [];
  const holidays = data.holidays;
  if (!Array.isArray(holidays))
    problems.push(`${at(['holidays'], 'holidays')}：应为列表，每项写 name 和 days`);
  else
    holidays.forEach((h: unknown, i) => {
      const where = (p: (string | number)[], l: string) =>
        at(['holidays', i, ...p], `holidays[${i + 1}]${l}`);
      const rec = (h ?? {}) as { name?: unknown; days?: unknown };
      const name = typeof rec.name === 'string' ? rec.name.trim() : '';
      if (!name) problems.push(`${where([], '')}：缺少节日名称 name（如 春节）`);
      if (!Array.isArray(rec.days) || rec.days.length === 0) {
        problems.push(`${where([], '')}：days 应列出放假的每一天`);
        return;
      }
      rec.days.forEach((d: unknown, j) =>
        entries.push({
          kind: 'holiday',
          name: name || '节假日',
          date: scalarText(d),
          where: where(['days', j], `.days[${j + 1}]`),
        }),
      );
    });
  const workdays = data.workdays ?? [];
  if (!Array.isArray(workdays))
    problems.push(`${at(['workdays'], 'workdays')}：应为列表，每项写 name 和 date`);
  else
    workdays.forEach((w: unknown, i) => {
      const rec = (w ?? {}) as { name?: unknown; date?: unknown };
      const name = typeof rec.name === 'string' ? rec.name.trim() : '';
      const where = at(['workdays', i], `workdays[${i + 1}]`);
      if (!name) problems.push(`${where}：缺少名称 name（如 春节调休上班）`);
      if (rec.date === undefined) problems.push(`${where}：缺少日期 date`);
      else
        entries.push({
          kind: 'workday',
          name: name || '调休上班',
          date: scalarText(rec.date),
          where: `${where}.date`,
        });
    });
  return finish(year, source, entries, problems);
}

/** A date as written (a nested list or map reads as its YAML form, which the date check refuses). */
function scalarText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v);
}

/** A holiday feed's SUMMARY: "春节 休", "春节（休）", "元旦 假期 第1天/共3天" → holiday; "春节 补班", "班" → workday. */
function readSummary(summary: string): { kind: 'holiday' | 'workday'; name: string } {
  const workday = /(补班|上班|调班|[(（\s]班[)）]?$|^班$)/.test(summary);
  const name = summary
    .replace(/假期.*$/, '')
    .replace(/[(（]?(补班|上班|调班|休息|放假|班|休)[)）]?/g, '')
    .trim();
  if (workday) return { kind: 'workday', name: name ? `${name}调休上班` : '调休上班' };
  return { kind: 'holiday', name: name || '节假日' };
}

function icsDate(v: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(v.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : v.trim();
}

function parseIcs(text: string): HolidayFileResult {
  // Unfold continuation lines (RFC 5545 §3.1), remembering where each logical line starts.
  const lines: { n: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^[ \t]/.test(raw) && lines.length > 0) lines[lines.length - 1]!.text += raw.slice(1);
    else if (raw.trim()) lines.push({ n: i + 1, text: raw });
  });
  const problems: string[] = [];
  if (!lines[0] || lines[0].text.trim() !== 'BEGIN:VCALENDAR')
    return { ok: false, problems: ['不是 ICS 日历文件：第一行应为 BEGIN:VCALENDAR'] };
  let source = '';
  const entries: Entry[] = [];
  let ev: { line: number; summary?: string; start?: string; end?: string } | undefined;
  for (const { n, text: l } of lines) {
    const colon = l.indexOf(':');
    const key = (colon < 0 ? l : l.slice(0, colon)).split(';')[0]!.toUpperCase();
    const value =
      colon < 0
        ? ''
        : l
            .slice(colon + 1)
            .replace(/\\,/g, ',')
            .replace(/\\n/gi, ' ');
    if (key === 'BEGIN' && value === 'VEVENT') ev = { line: n };
    else if (key === 'END' && value === 'VEVENT' && ev) {
      const where = `第 ${ev.line} 行的事件`;
      if (!ev.summary || !ev.start) problems.push(`${where}：缺少 SUMMARY 或 DTSTART`);
      else {
        const { kind, name } = readSummary(ev.summary);
        const start = icsDate(ev.start);
        const end = ev.end ? icsDate(ev.end) : undefined;
        if (!isIsoDate(start)) problems.push(`${where}：DTSTART「${ev.start}」不是有效日期`);
        else if (end !== undefined && (!isIsoDate(end) || end <= start))
          problems.push(`${where}：DTEND「${ev.end}」应晚于 DTSTART`);
        else
          for (
            let d = start, i = 0;
            i === 0 || (end !== undefined && d < end && i < MAX_DAYS);
            d = addDays(d, 1), i++
          )
            entries.push({ kind, name, date: d, where });
      }
      ev = undefined;
    } else if (ev && key === 'SUMMARY') ev.summary = value.trim();
    else if (ev && key === 'DTSTART') ev.start = value;
    else if (ev && key === 'DTEND') ev.end = value;
    else if (!ev && (key === 'X-WR-CALNAME' || key === 'X-WR-CALDESC') && !source) source = value.trim();
    else if (!ev && key === 'X-CAMPAIGN-SOURCE') source = value.trim();
  }
  const years = [...new Set(entries.filter((e) => isIsoDate(e.date)).map((e) => yearOf(e.date)))].sort();
  if (entries.length === 0) problems.push('ICS 文件中没有任何事件（VEVENT）');
  // The year most events fall in; events outside it are reported by finish().
  const year = years.length === 0 ? undefined : mostCommonYear(entries);
  if (!source) problems.push('ICS 文件缺少来源：请在 X-CAMPAIGN-SOURCE 或 X-WR-CALNAME 中写明所依据的通知');
  if (year === undefined && problems.length === 0) problems.push('ICS 文件中没有有效日期');
  return finish(year, source, entries, problems);
}

function mostCommonYear(entries: Entry[]): number {
  const count = new Map<number, number>();
  for (const e of entries)
    if (isIsoDate(e.date)) count.set(yearOf(e.date), (count.get(yearOf(e.date)) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}
