/** The 镇机关 plan as the state machine tests drive it: a context for unit `dawei` starting 2009-09-01. */
import path from 'node:path';
import { loadPlanFile } from '../../../domain/plan/load-file.js';
import { buildSchedule, calendarForPlan, type Schedule } from '../../../domain/schedule/index.js';
import type * as S from '../../../workflows/unit-campaign/state.js';

export const START = '2009-09-01';

export async function townOfficeContext(): Promise<{ ctx: S.Ctx; schedule: Schedule }> {
  const r = await loadPlanFile(path.resolve(import.meta.dirname, '../../../plans/town_office.yaml'));
  if (!r.ok) throw new Error('plan');
  const unit = { id: 'dawei', type: 'town_office' as const, flags: [] };
  const cal = calendarForPlan(r.plan);
  const ctx: S.Ctx = {
    plan: r.plan,
    cal,
    timeScale: null,
    unit,
    start: START,
    campaignId: 'c1',
    campaignTitle: '第三批',
    unitName: '大圩镇机关',
    groupName: '第三指导组',
  };
  return { ctx, schedule: buildSchedule(r.plan, unit, START, cal) };
}
