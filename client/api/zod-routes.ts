/**
 * Every route's input (body, query string, path parameters) is a zod schema: Fastify validates
 * with it (the handler receives the parsed value) and the OpenAPI document shows the JSON Schema
 * zod generates from the same definition. There is no other validator: a route that hands Fastify
 * a plain JSON Schema for its input fails at start-up. Refusals are the one translator's Chinese
 * lines (domain/input/problems.ts), all at once, prefixed with where the field is.
 */
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { checkInput, problemLine } from '../../domain/input/problems.js';
import { InvalidRequest } from '../../domain/failures.js';

const PLACE: Record<string, string> = {
  body: '',
  querystring: '查询参数 ',
  params: '路径参数 ',
  headers: '请求头 ',
};

export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart, url }) => {
  if (!(schema instanceof z.ZodType))
    throw new Error(`route ${url}: the ${httpPart ?? 'input'} schema must be a zod schema`);
  const prefix = PLACE[httpPart ?? 'body'] ?? '';
  return (data: unknown) => {
    // A missing body reaches the schema as undefined, which reads "请求：必须填写" rather than null's "应为对象".
    const r = checkInput(schema, data ?? undefined);
    if (r.ok) return { value: r.value };
    const problems = r.problems.map((p) => problemLine(p, prefix));
    return { error: new InvalidRequest(problems.join('；'), problems) };
  };
};

/** The JSON Schema of a zod schema, as OpenAPI shows a request (draft-07, like the response schemas). */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

/** For @fastify/swagger's `transform`: each zod input becomes its JSON Schema in the document. */
export function openApiTransform({ schema, url }: { schema: FastifySchema; url: string }): {
  schema: FastifySchema;
  url: string;
} {
  if (!schema) return { schema, url };
  const out: Record<string, unknown> = { ...schema };
  for (const part of ['body', 'querystring', 'params', 'headers'] as const) {
    const s = (schema as Record<string, unknown>)[part];
    if (s instanceof z.ZodType) out[part] = jsonSchemaOf(s);
  }
  return { schema: out, url };
}
