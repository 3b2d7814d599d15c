/** The published JSON Schema of plan files, derived from the zod schema so the two cannot drift. */
import { z } from 'zod';
import { PlanSchema } from './schema.js';

function planJsonSchema(): Record<string, unknown> {
  // io: 'input' describes what a person may write (defaults make fields optional).
  const schema = z.toJSONSchema(PlanSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: 'https://campaign-orchestrator.local/plan.schema.json',
    title: '学习实践活动计划（plan）',
  };
}

export function planJsonSchemaText(): string {
  return `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
}
