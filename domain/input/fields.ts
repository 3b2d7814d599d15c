/**
 * Schemas for what people type into a campaign's messages: texts, ids, file references, dates
 * and durations. Strict: a text is a string (not a number or a one-item list), free of control
 * characters and lone UTF-16 surrogates (neither prints, and both break exports and mail), and
 * not blank when required. Messages are the Chinese the office reads, naming what is wrong.
 */
import { z } from 'zod';
import { parseDuration } from '../plan/expr.js';

// Line breaks and tabs are text; every other C0 control character and DEL is not.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const FILE_REF = /^sha256:[0-9a-f]{64}$/;

function clean<S extends z.ZodString>(s: S): S {
  return s
    .refine((v) => !CONTROL.test(v), { error: '不能含有控制字符（如 NUL）' })
    .refine((v) => !LONE_SURROGATE.test(v), { error: '含有无法显示的字符（不成对的 UTF-16 代理项）' });
}

/** Text a person writes (`what` names it in the message for a blank one), at most `max` characters. */
export function text(what: string, max: number): z.ZodString {
  return clean(
    z
      .string()
      .max(max)
      .refine((v) => v.trim() !== '', { error: `请填写${what}` }),
  );
}

/** Text that may be left blank (an optional note), at most `max` characters, still clean. */
export function optionalText(max: number): z.ZodString {
  return clean(z.string().max(max));
}

/** An id someone names (a task, a person): short, non-blank, clean. */
export function id(what: string, max = 200): z.ZodString {
  return text(what, max);
}

/** `sha256:<64 hex>`: a file stored by the API, referred to by content. */
export const fileRef = z
  .string()
  .regex(FILE_REF, { error: (iss) => `「${String(iss.input)}」不是文件引用（sha256:后跟 64 位十六进制）` });

function realDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * A deadline as typed: a date (office closing that day) or an instant with its offset. Only the
 * form and the calendar are checked here; whether it lies ahead is for the one who knows "now".
 */
export const dueText = clean(z.string().max(40)).superRefine((v, ctx) => {
  if (v.trim() === '') {
    ctx.addIssue({
      code: 'custom',
      message: '请填写日期（如 2009-12-20）或时刻（如 2009-12-20T17:30:00+08:00）',
    });
    return;
  }
  const m = DATE.exec(v) ?? INSTANT.exec(v);
  if (!m)
    ctx.addIssue({
      code: 'custom',
      message: `「${v}」不是日期（2009-12-20）或带时区的时刻（2009-12-20T17:30:00+08:00）`,
    });
  else if (!realDate(Number(m[1]), Number(m[2]), Number(m[3])) || Number.isNaN(Date.parse(v)))
    ctx.addIssue({ code: 'custom', message: `「${v}」不是有效日期` });
});

/** A duration forward in time: `5wd` (working days), `7d`, `1mo`, `2h`; never zero. */
export const durationText = z
  .string()
  .max(20)
  .superRefine((v, ctx) => {
    const d = parseDuration(v);
    if (!d.ok)
      ctx.addIssue({ code: 'custom', message: `「${v}」不是时长，应写作 5wd（工作日）、7d、1mo、2h 等` });
    else if (d.value.amount === 0)
      ctx.addIssue({ code: 'custom', message: `「${v}」的时长为 0，应至少 1 个单位（如 1d）` });
  });

/** A whole number; "3" or 3.5 is not one. */
export function integer(): z.ZodInt {
  return z.int({ error: (iss) => (iss.input === undefined ? undefined : '应为整数') });
}
