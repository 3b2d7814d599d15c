/**
 * The campaign start as people type it (`--start`, the console's 开始日期): a date, meaning that
 * day's office opening, or an instant with its UTC offset. One check for the command line, the API
 * and the preview, so `2008-09-31` is refused the same way everywhere, in Chinese, and never
 * reaches the calendar (where luxon would throw in English).
 */
import { daysInMonth } from '../plan/expr.js';

const FORM = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

const START_EXAMPLES = '日期（2009-09-15）或带时区的时刻（2009-09-15T09:00:00+08:00）';

/** Why `text` is not a usable start, in Chinese; undefined when it is one. */
export function startProblem(text: string): string | undefined {
  const m = FORM.exec(text);
  if (!m) return `「${text}」不是${START_EXAMPLES}`;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12) return `「${text}」不是有效日期：月份应在 1–12 之间`;
  const last = daysInMonth(y, mo);
  if (d < 1 || d > last) return `「${text}」不是有效日期：${y}年${mo}月只有${last}天`;
  if (m[4] !== undefined) {
    if (Number(m[4]) > 23) return `「${text}」不是有效时刻：小时应在 00–23 之间`;
    if (Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return `「${text}」不是有效时刻：分、秒应在 00–59 之间`;
    const offset = m[7] ?? 'Z';
    if (offset !== 'Z' && (Number(offset.slice(1, 3)) > 14 || Number(offset.slice(4, 6)) > 59))
      return `「${text}」的时区「${offset}」无效`;
  }
  return undefined;
}
