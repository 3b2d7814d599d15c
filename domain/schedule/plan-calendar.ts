import { makeCalendar, type WorkCalendar } from '../calendar/index.js';
import { parseDateExpr } from '../plan/expr.js';
import type { Plan } from '../plan/schema.js';

/** The working-day calendar a plan asks for (kind, zone, office hours, its own overrides). */
export function calendarForPlan(plan: Plan): WorkCalendar {
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
    overrides,
  });
}
