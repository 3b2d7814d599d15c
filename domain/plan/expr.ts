/**
 * The small textual languages a plan file uses for time: date expressions (absolute dates,
 * 旬 notation, offsets from an anchor), durations and times of day. Parsers return either a
 * value or a Chinese message that quotes the offending text, so the loader can report it with
 * its line. Pure: no clock, no I/O (workflow code imports this through the schedule).
 */

export type DurationUnit = 's' | 'm' | 'h' | 'd' | 'wd' | 'w' | 'mo';

export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

/** Which part of a month a 旬-style expression names. */
export type MonthPart = 'first_dekad' | 'middle_dekad' | 'last_dekad' | 'beginning' | 'end' | 'whole';

export type DateExpr =
  | { readonly kind: 'date'; readonly date: string }
  | { readonly kind: 'datetime'; readonly date: string; readonly time: string }
  | { readonly kind: 'period'; readonly year: number; readonly month: number; readonly part: MonthPart }
  | { readonly kind: 'offset'; readonly offset: Duration };

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const UNIT_LABEL: Record<DurationUnit, string> = {
  s: '秒',
  m: '分钟',
  h: '小时',
  d: '天',
  wd: '个工作日',
  w: '周',
  mo: '个月',
};

export function describeDuration(d: Duration): string {
  return `${d.amount}${UNIT_LABEL[d.unit]}`;
}

/** Units whose length depends on the calendar (whole days); the rest are exact clock time. */
export function isDayUnit(unit: DurationUnit): boolean {
  return unit === 'd' || unit === 'wd' || unit === 'w' || unit === 'mo';
}

const DURATION_RE = /^(\d{1,6})(wd|mo|s|m|h|d|w)$/;

export function parseDuration(text: string): Parsed<Duration> {
  const m = DURATION_RE.exec(text.trim());
  if (!m) {
    return {
      ok: false,
      message: `无法识别的时长「${text}」，应写作数字加单位，如 3wd（工作日）、45d、2w、2mo、4h、5m、90s`,
    };
  }
  return { ok: true, value: { amount: Number(m[1]), unit: m[2] as DurationUnit } };
}

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseTimeOfDay(text: string): Parsed<string> {
  const t = text.trim();
  if (!TIME_RE.test(t)) return { ok: false, message: `无法识别的时刻「${text}」，应写作 HH:mm，如 09:00` };
  return { ok: true, value: t };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

function validDate(y: number, mo: number, d: number): boolean {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

const PART_WORDS: Record<string, MonthPart> = {
  上旬: 'first_dekad',
  中旬: 'middle_dekad',
  下旬: 'last_dekad',
  初: 'beginning',
  月初: 'beginning',
  底: 'end',
  月底: 'end',
  末: 'end',
  月末: 'end',
};

const DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DATETIME_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}:\d{2})$/;
const PERIOD_RE = /^(\d{4})-(\d{1,2})(?:\s*(上旬|中旬|下旬|月初|月底|月末|初|底|末))?$/;
const PERIOD_CN_RE = /^(\d{4})年(\d{1,2})月(上旬|中旬|下旬|初|底|末)?$/;
const OFFSET_RE = /^\+(.+)$/;

/**
 * Parses a window end: `2009-09-01`, `2009-09-01 09:00`, `2009-11 中旬` (also 上旬/下旬/初/底,
 * or `2009年11月中旬`), a whole month `2010-02`, or an offset `+45d`, `+3wd`, `+90s`.
 */
export function parseDateExpr(text: string): Parsed<DateExpr> {
  const t = text.trim();
  const bad = (why = ''): Parsed<DateExpr> => ({ ok: false, message: `无法识别的日期「${text}」${why}` });
  const off = OFFSET_RE.exec(t);
  if (off) {
    const d = parseDuration(off[1] ?? '');
    if (!d.ok) return bad('：偏移量应写作 +数字加单位，如 +45d、+3wd、+5m、+90s');
    return { ok: true, value: { kind: 'offset', offset: d.value } };
  }
  let m = DATE_RE.exec(t);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validDate(y, mo, d)) return bad('：没有这一天');
    return { ok: true, value: { kind: 'date', date: isoDate(y, mo, d) } };
  }
  m = DATETIME_RE.exec(t);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validDate(y, mo, d)) return bad('：没有这一天');
    const time = parseTimeOfDay((m[4] ?? '').padStart(5, '0'));
    if (!time.ok) return bad('：时刻应写作 HH:mm');
    return { ok: true, value: { kind: 'datetime', date: isoDate(y, mo, d), time: time.value } };
  }
  m = PERIOD_RE.exec(t) ?? PERIOD_CN_RE.exec(t);
  if (m) {
    const [y, mo] = [Number(m[1]), Number(m[2])];
    if (mo < 1 || mo > 12) return bad('：月份应在 1–12 之间');
    const part = m[3] === undefined ? 'whole' : PART_WORDS[m[3]];
    if (part === undefined) return bad();
    return { ok: true, value: { kind: 'period', year: y, month: mo, part } };
  }
  return bad(
    '：可写作 2009-09-01、2009-09-01 09:00、2009-11 中旬（上旬/中旬/下旬/初/底）、2010-02（整月）或 +45d、+3wd、+90s',
  );
}

/**
 * The days a 旬-style period covers. 上旬 1–10, 中旬 11–20, 下旬 21–end of month; 初 = the first
 * five days, 底 = the last five days; a bare month is the whole month. An opening takes the
 * first day, a deadline the last.
 */
export function periodRange(year: number, month: number, part: MonthPart): { first: string; last: string } {
  const end = daysInMonth(year, month);
  const [a, b] = ((): [number, number] => {
    switch (part) {
      case 'first_dekad':
        return [1, 10];
      case 'middle_dekad':
        return [11, 20];
      case 'last_dekad':
        return [21, end];
      case 'beginning':
        return [1, 5];
      case 'end':
        return [end - 4, end];
      case 'whole':
        return [1, end];
    }
  })();
  return { first: isoDate(year, month, a), last: isoDate(year, month, b) };
}

/**
 * A rough length in seconds, used only to check that escalation levels come in order; a working
 * day counts as one day and a month as 28 days so that the check never rejects a valid ladder
 * written in mixed units by mistake of the approximation.
 */
export function approxSeconds(d: Duration): number {
  const day = 86_400;
  const per: Record<DurationUnit, number> = {
    s: 1,
    m: 60,
    h: 3600,
    d: day,
    wd: day,
    w: 7 * day,
    mo: 28 * day,
  };
  return d.amount * per[d.unit];
}
