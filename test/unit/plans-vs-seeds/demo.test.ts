/**
 * The one-command demo runs plans/demo.yaml: the town-office plan compressed to minutes. It must
 * stay a faithful subset of plans/town_office.yaml (which the flow-chart test ties to the seed)
 * and must finish in about 4–5 minutes of wall time, 补课 included.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { approxSeconds, parseDateExpr, parseDuration } from '../../../domain/plan/expr.js';
import type { Plan } from '../../../domain/plan/schema.js';
import { loadShippedPlan } from './load.js';

function offsetSeconds(expr: string | undefined): number {
  const r = parseDateExpr(expr ?? '');
  if (!r.ok || r.value.kind !== 'offset') throw new Error(`demo window is not an offset: ${expr}`);
  return approxSeconds(r.value.offset);
}

describe('plans/demo.yaml', () => {
  let demo: Plan;
  let town: Plan;
  beforeAll(async () => {
    demo = await loadShippedPlan('demo');
    town = await loadShippedPlan('town_office');
  });

  it('keeps the town-office steps it uses, in the same order, with the same number, title, kind and review', () => {
    const townSteps = town.stages.flatMap((st) => st.steps.map((s) => ({ stage: st.id, ...s })));
    let cursor = -1;
    for (const stage of demo.stages) {
      for (const step of stage.steps) {
        const i = townSteps.findIndex((t) => t.id === step.id);
        expect(i, `${step.id} is a town-office step`).toBeGreaterThan(cursor);
        const t = townSteps[i]!;
        expect([stage.id, step.no, step.title, step.kind, step.review?.by]).toEqual([
          t.stage,
          t.no,
          t.title,
          t.kind,
          t.review?.by,
        ]);
        cursor = i;
      }
    }
  });

  it('has the review, 回头看 and survey steps the demo shows', () => {
    const kinds = demo.stages.flatMap((s) => s.steps.map((t) => t.kind));
    expect(kinds).toContain('look_back');
    expect(kinds).toContain('satisfaction_survey');
    expect(demo.stages.some((s) => s.steps.some((t) => t.review?.by === 'supervisor_group'))).toBe(true);
    expect(demo.lookBack?.step).toBe('look_back');
    expect(demo.satisfaction?.step).toBe('satisfaction_survey');
  });

  it('runs in continuous time and ends within 4–5 minutes, a round of 补课 included', () => {
    expect(demo.calendar.kind).toBe('continuous');
    const lastDue = Math.max(
      ...demo.stages.flatMap((s) => [
        offsetSeconds(s.window.due),
        ...s.steps.map((t) => offsetSeconds(t.window?.due ?? s.window.due)),
      ]),
    );
    const remedial = demo.satisfaction!;
    const d = parseDuration(remedial.remedialDuration);
    if (!d.ok) throw new Error(d.message);
    const worst = lastDue + remedial.maxRemedialRounds * approxSeconds(d.value);
    expect(lastDue).toBeGreaterThanOrEqual(240);
    expect(worst).toBeLessThanOrEqual(300);
  });
});
