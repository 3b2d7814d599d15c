/**
 * What the notification activity needs to apply a plan's quiet hours: the plan's calendar
 * (kind, zone, office hours, its own overrides already resolved to dates) and the rule per
 * channel. Small plain JSON, so it travels in the activity input and the activity needs no plan.
 */
import type { CalendarKind } from '../calendar/index.js';
import { parseDateExpr } from '../plan/expr.js';
import type { Channel, Plan } from '../plan/schema.js';
import type { EventKind } from './event-kinds.js';
import { DEFAULT_QUIET_HOURS, type QuietRule } from './quiet-rules.js';

export interface QuietHoursSpec {
  calendar: {
    kind: CalendarKind;
    zone: string;
    officeHours: { start: string; end: string };
    overrides: { date: string; working: boolean; note?: string }[];
  };
  rules: Record<Channel, QuietRule>;
  /**
   * The plan's `routing.nonUrgent` kinds: held for the daily bundle (the next working day's office
   * opening, or today's if it is still ahead). Absent when the plan lists none.
   */
  nonUrgent?: EventKind[];
}

export function quietHoursFor(
  plan: Pick<Plan, 'calendar' | 'timeZone'> & {
    routing?: { quietHours?: Partial<Record<Channel, QuietRule>>; nonUrgent?: readonly EventKind[] };
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
    ...(plan.routing?.nonUrgent?.length ? { nonUrgent: [...plan.routing.nonUrgent] } : {}),
  };
}
