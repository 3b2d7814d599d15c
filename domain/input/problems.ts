/**
 * The one translator from schema problems to what people read: a Chinese line per problem that
 * names the field (`fileRefs[0]：…`, `filter.group：…`), every problem at once. Used wherever input
 * is checked against a zod schema: API bodies, query strings and path parameters, and the unit
 * workflow's Update validators (this module is pure, so workflow code may import it).
 *
 * A schema may give its own Chinese message for a check (`请填写简要说明`); every other problem gets
 * the generic wording below. Nothing is coerced: "1" is not a number and ["x"] is not a text.
 */
import type { z } from 'zod';
import { formatPath } from '../plan/issue.js';

export interface Problem {
  /** The field as people read it: `reasons[1]`, `filter.group`; `请求` for the input as a whole. */
  field: string;
  message: string;
}

const TYPE_CN: Record<string, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: '是/否',
  array: '列表',
  object: '对象',
  date: '日期',
};

/** `reasons[1]`, `filter.group`: as plan problems name their fields. */
function fieldName(path: readonly PropertyKey[]): string {
  return formatPath(path, '请求');
}

/** Generic wording, for checks whose schema gives no message of its own. */
const chinese: z.core.$ZodErrorMap = (iss) => {
  // JSON has no undefined: a value that is undefined is a field that is not there.
  if (iss.input === undefined && (iss.code === 'invalid_type' || iss.code === 'invalid_value'))
    return '必须填写';
  switch (iss.code) {
    case 'invalid_type':
      return `应为${TYPE_CN[iss.expected] ?? iss.expected}`;
    case 'too_big':
      if (iss.origin === 'string') return `不能超过 ${String(iss.maximum)} 个字`;
      if (iss.origin === 'array' || iss.origin === 'set') return `不能超过 ${String(iss.maximum)} 项`;
      return `不能大于 ${String(iss.maximum)}`;
    case 'too_small':
      if (iss.origin === 'string')
        return Number(iss.minimum) <= 1 ? '不能为空' : `至少 ${String(iss.minimum)} 个字`;
      if (iss.origin === 'array' || iss.origin === 'set') return `至少 ${String(iss.minimum)} 项`;
      return `不能小于 ${String(iss.minimum)}`;
    case 'invalid_value':
      return `只能是 ${iss.values.map(String).join('、')} 之一`;
    case 'invalid_format':
      return '格式不正确';
    case 'unrecognized_keys':
      return '不是可接受的字段';
    default:
      return '不符合要求';
  }
};

/** Each problem of a failed parse, in the order the schema found them, without repeats. */
function problemsOf(error: z.ZodError): Problem[] {
  const out: Problem[] = [];
  const add = (p: Problem) => {
    if (!out.some((x) => x.field === p.field && x.message === p.message)) out.push(p);
  };
  for (const i of error.issues) {
    // One line per unknown key, named like any other field (`__proto__` included).
    if (i.code === 'unrecognized_keys')
      for (const k of i.keys) add({ field: fieldName([...i.path, k]), message: i.message });
    else add({ field: fieldName(i.path), message: i.message });
  }
  return out;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** Parses `data` with `schema`; refusals come back as problems in Chinese. */
export function checkInput<S extends z.ZodType>(schema: S, data: unknown): Checked<z.output<S>> {
  const r = schema.safeParse(data, { error: chinese });
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: problemsOf(r.error) };
}

/** `field：message`, the form every refusal is shown in; `prefix` says where the field is (`查询参数 `). */
export function problemLine(p: Problem, prefix = ''): string {
  return `${prefix}${p.field}：${p.message}`;
}
