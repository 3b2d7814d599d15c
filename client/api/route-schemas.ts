/**
 * The inputs of the API's routes that are not an operation body (those are in
 * wire/unit-operations.ts): path parameters, the list filters in the query string, the batch
 * envelope; and the one response schema every refusal has. Inputs are zod (zod-routes.ts); query
 * strings arrive as text, so their numbers and flags are read from text here and nowhere else.
 */
import { z } from 'zod';
import { id, text } from '../../domain/input/fields.js';
import { OPERATION_BODIES } from './wire/unit-operations.js';
import type { Operation } from '../../workflows/unit-campaign/messages.js';

export { OPERATION_BODIES };

export const campaignParams = z.strictObject({ campaignId: id('活动编号', 64).describe('活动编号') });
export const unitParams = z.strictObject({
  campaignId: id('活动编号', 64).describe('活动编号'),
  unitId: id('单位编号', 64).describe('单位编号'),
});

/** `true` / `false` in a query string. */
export const queryFlag = (description: string) =>
  z
    .enum(['true', 'false'], {
      error: (iss) => (iss.input === undefined ? undefined : '只能是 true 或 false'),
    })
    .transform((v) => v === 'true')
    .describe(description);

/** A whole number in a query string, from `min` to `max`. */
export const queryInt = (min: number, max: number, description: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, { error: '应为整数' })
    .transform(Number)
    .pipe(z.number().min(min).max(max))
    .describe(description);

/** …/units and …/overdue (a 指导组 and a unit are narrowed to their own units). */
export const filterQuery = z.strictObject({
  unitType: text('单位类型编号', 40).optional().describe('单位类型编号'),
  group: text('指导组编号', 64).optional().describe('指导组编号'),
  stage: text('阶段编号', 64).optional().describe('阶段编号'),
  overdue: queryFlag('只看有逾期事项的单位').optional(),
  remedialRound: queryInt(0, 20, '补课轮次').optional(),
  limit: queryInt(1, 1000, '最多返回条数（默认 200）').optional(),
});
export type FilterQuery = z.output<typeof filterQuery>;

export const batchFilter = z
  .strictObject({
    unitType: text('单位类型编号', 40).optional(),
    group: text('指导组编号', 64).optional(),
    stage: text('阶段编号', 64).optional(),
  })
  .refine((f) => f.unitType !== undefined || f.group !== undefined || f.stage !== undefined, {
    error: '至少指定单位类型、指导组或阶段之一',
  })
  .describe('按单位类型、指导组、阶段筛选；至少一项');

/** POST …/batch/<operation>: which units, and the body each gets (the same as for one unit). */
export const batchBody = (op: Operation) =>
  z.strictObject({ filter: batchFilter, request: OPERATION_BODIES[op] }).describe('批量操作');

export const errorSchema = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    problems: { type: 'array', items: { type: 'string' } },
  },
  required: ['error', 'message'],
} as const;
