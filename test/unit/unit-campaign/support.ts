/** The 镇机关 plan as the state machine tests drive it: a context for unit `dawei` starting 2009-09-01. */
import path from 'node:path';
import { loadPlanFile } from '../../../domain/plan/load-file.js';
import type { Plan } from '../../../domain/plan/schema.js';
import { buildSchedule, calendarForPlan, type Schedule } from '../../../domain/schedule/index.js';
import type { UnitCampaignInput } from '../../../workflows/unit-campaign/messages.js';
import type * as S from '../../../workflows/unit-campaign/state.js';

export const START = '2009-09-01';

/** The people of the test unit as the validators see them (only the fields they read). */
export const TOWN_INPUT = {
  unit: {
    id: 'dawei',
    name: '大圩镇机关',
    liaison: { id: 'liaison-dawei', name: '王联络' },
    head: { id: 'head-dawei', name: '李书记' },
    group: { id: 'g3', name: '第三指导组', members: [{ id: 'group3-zhang', name: '张组长' }] },
  },
  office: { name: '活动办', members: [{ id: 'office-wang', name: '王主任' }] },
} as unknown as UnitCampaignInput;

export const UNIT = { id: 'dawei', type: 'town_office' as const, flags: [] };

export interface TownOfficeOptions {
  /** Changes the loaded plan (a review limit, a time scale …). */
  plan?: (plan: Plan) => Plan;
  /** Context fields of a workflow version (stepOrder, runTimeInPlanTime …). */
  ctx?: Partial<S.Ctx>;
}

export async function townOfficeContext(
  o: TownOfficeOptions = {},
): Promise<{ ctx: S.Ctx; schedule: Schedule }> {
  const r = await loadPlanFile(path.resolve(import.meta.dirname, '../../../plans/town_office.yaml'));
  if (!r.ok) throw new Error('plan');
  const plan = o.plan ? o.plan(r.plan) : r.plan;
  const unit = UNIT;
  const cal = calendarForPlan(plan);
  const ctx: S.Ctx = {
    plan,
    cal,
    timeScale: null,
    unit,
    start: START,
    campaignId: 'c1',
    campaignTitle: '第三批',
    unitName: '大圩镇机关',
    groupName: '第三指导组',
    ...o.ctx,
  };
  return { ctx, schedule: buildSchedule(plan, unit, START, cal) };
}
