/**
 * Calendar-date arithmetic on ISO `YYYY-MM-DD` strings, done in UTC so that the machine's time
 * zone can never shift a day (a bug chinese-days itself has west of Greenwich).
 */

export type IsoDate = string;

const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtcMs(date: IsoDate): number {
  const m = ISO_DATE_RE.exec(date);
  if (!m) throw new Error(`not an ISO date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function fromUtcMs(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isIsoDate(text: string): boolean {
  if (!ISO_DATE_RE.test(text)) return false;
  return fromUtcMs(toUtcMs(text)) === text;
}

export function addDays(date: IsoDate, n: number): IsoDate {
  return fromUtcMs(toUtcMs(date) + n * 86_400_000);
}

/** Calendar months, clamped to the month's last day (2010-01-31 + 1mo = 2010-02-28). */
export function addMonths(date: IsoDate, n: number): IsoDate {
  const d = new Date(toUtcMs(date));
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + n;
  const target = new Date(Date.UTC(y, m, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return fromUtcMs(target.getTime());
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  const w = new Date(toUtcMs(date)).getUTCDay();
  return w === 0 ? 7 : w;
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / 86_400_000);
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

const WEEKDAY_CN = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

export function weekdayCn(date: IsoDate): string {
  return WEEKDAY_CN[isoWeekday(date)] ?? '';
}
