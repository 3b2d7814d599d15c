/** Loads a shipped plan through the format's own loader; a plan that does not validate fails loudly. */
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlanFile } from '../../../domain/plan/load-file.js';
import { formatIssue } from '../../../domain/plan/issue.js';
import type { Plan } from '../../../domain/plan/schema.js';

export const PLANS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../plans');

export async function loadShippedPlan(id: string): Promise<Plan> {
  const r = await loadPlanFile(resolve(PLANS_DIR, `${id}.yaml`));
  if (!r.ok) throw new Error(`plans/${id}.yaml does not validate:\n${r.issues.map(formatIssue).join('\n')}`);
  return r.plan;
}
