import { makeCalendar, type DayOverride, type WorkCalendar } from '../calendar/index.js';
import { parseDateExpr } from '../plan/expr.js';
import type { Plan } from '../plan/schema.js';

/**
 * The working-day calendar a plan asks for (kind, zone, office hours, its own overrides). `years`
 * are the holiday years the office loaded (`campaign calendar add`): they come before the plan's
 * overrides, so a plan's local entry still wins over the national arrangement.
 */
export function calendarForPlan(plan: Plan, years: readonly DayOverride[] = []): WorkCalendar {
  const overrides = plan.calendar.overrides.flatMap((o) => {
    const p = parseDateExpr(o.date);
    return p.ok && p.value.kind === 'date'
      ? [{ date: p.value.date, working: o.working, ...(o.note ? { note: o.note } : {}) }]
      : [];
  });
  return makeCalendar({
    kind: plan.calendar.kind,
    zone: plan.timeZone,
    officeHours: plan.calendar.officeHours,
    overrides: years.length > 0 ? [...years, ...overrides] : overrides,
  });
}
