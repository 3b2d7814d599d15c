/**
 * Request bodies validated with zod rather than Ajv: the route's validator parses with the zod
 * schema (so the handler receives the parsed, trimmed value), and the OpenAPI document shows the
 * JSON Schema zod generates from the same definition. Refusals are the API's usual Chinese lines
 * naming each field, all of them at once.
 */
import { z } from 'zod';
import { ApiError } from './errors.js';

const TYPE_CN: Record<string, string> = { string: '文字', number: '数字', int: '整数', boolean: '是/否', array: '列表', object: '对象' };

export function zodProblems(error: z.ZodError): string[] {
  const out: string[] = [];
  for (const i of error.issues) {
    const path = i.path.map(String).join('.');
    let field = path === '' ? '请求' : path;
    let why: string;
    // JSON has no undefined: an issue on an undefined input is a field that is not there.
    if (i.input === undefined && i.code !== 'unrecognized_keys' && path !== '') {
      out.push(`${field}：必须填写`);
      continue;
    }
    switch (i.code) {
      case 'invalid_type':
        why = `应为${TYPE_CN[i.expected] ?? i.expected}`;
        break;
      case 'unrecognized_keys':
        for (const k of i.keys) out.push(`${[path, k].filter((x) => x !== '').join('.')}：不是可接受的字段`);
        continue;
      case 'too_big':
        why = i.origin === 'string' ? `不能超过 ${String(i.maximum)} 个字` : `不能大于 ${String(i.maximum)}`;
        break;
      case 'too_small':
        why = i.origin === 'string' ? (Number(i.minimum) <= 1 ? '不能为空' : `至少 ${String(i.minimum)} 个字`) : `不能小于 ${String(i.minimum)}`;
        break;
      case 'invalid_value':
        why = `只能是 ${i.values.map(String).join('、')} 之一`;
        break;
      default:
        why = '不符合要求';
        field ||= '请求';
    }
    const line = `${field}：${why}`;
    if (!out.includes(line)) out.push(line);
  }
  return out;
}

/** The JSON Schema of a zod schema, for Fastify's OpenAPI document (draft-07, like the other routes). */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** A Fastify validator compiler for one route's body: parses with zod, refuses with ApiError(400). */
export function zodBodyValidator(schema: z.ZodType) {
  return () =>
    (data: unknown): { value: unknown } | { error: Error } => {
      // reportInput: a missing field is told apart from a wrong one.
      const r = schema.safeParse(data ?? undefined, { reportInput: true });
      if (r.success) return { value: r.data };
      const problems = zodProblems(r.error);
      return { error: new ApiError(400, problems.join('；'), problems) };
    };
}
