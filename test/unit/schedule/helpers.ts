import { readFileSync } from 'node:fs';
import { loadPlanText } from '../../../domain/plan/load.js';
import type { Plan } from '../../../domain/plan/schema.js';

export function loadFixturePlan(relativeToRepo: string): Plan {
  const text = readFileSync(new URL(`../../../${relativeToRepo}`, import.meta.url), 'utf8');
  const r = loadPlanText(text, relativeToRepo);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.line}: ${i.path}: ${i.message}`).join('\n'));
  return r.plan;
}
