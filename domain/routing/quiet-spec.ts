/**
 * What the notification activity needs to apply a plan's quiet hours: the plan's calendar
 * (kind, zone, office hours, its own overrides already resolved to dates) and the rule per
 * channel. Small plain JSON, so it travels in the activity input and the activity needs no plan.
 */
import type { CalendarKind } from '../calendar/index.js';
import { parseDateExpr } from '../plan/expr.js';
import type { Channel, Plan } from '../plan/schema.js';
import { DEFAULT_QUIET_HOURS, type QuietRule } from './quiet-rules.js';

export interface QuietHoursSpec {
  calendar: {
    kind: CalendarKind;
    zone: string;
    officeHours: { start: string; end: string };
    overrides: { date: string; working: boolean; note?: string }[];
  };
  rules: Record<Channel, QuietRule>;
}

export function quietHoursFor(
  plan: Pick<Plan, 'calendar' | 'timeZone'> & {
    routing?: { quietHours?: Partial<Record<Channel, QuietRule>> };
  },
): QuietHoursSpec {
  const overrides = plan.calendar.overrides.flatMap((o) => {
    const p = parseDateExpr(o.date);
    return p.ok && p.value.kind === 'date'
      ? [{ date: p.value.date, working: o.working, ...(o.note ? { note: o.note } : {}) }]
      : [];
  });
  return {
    calendar: {
      kind: plan.calendar.kind,
      zone: plan.timeZone,
      officeHours: { ...plan.calendar.officeHours },
      overrides,
    },
    rules: { ...DEFAULT_QUIET_HOURS, ...plan.routing?.quietHours },
  };
}
