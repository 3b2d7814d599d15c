/**
 * A holiday year arrives while the unit runs (`campaign calendar add`, Update updateCalendar):
 * it joins the unit's calendar, deadlines still ahead that now fall on a holiday move by the
 * plan's rule (`deadlineOnHoliday`; to the next working day when the earlier one would already
 * have passed), reminders and escalations of the remaining tasks are recomputed on the new
 * calendar, and the unit is told which items moved. Past deadlines are never touched, and a
 * deadline is never moved because a 调休 day became working.
 */
import { calendarYearsDays, ms, type CalendarYearData } from '../../../domain/calendar/index.js';
import { calendarForPlan, rescheduleTask, type ScheduledTask } from '../../../domain/schedule/index.js';
import { notificationIds } from '../../ids.js';
import { advance } from './advance.js';
import { cnDate, rearm, withDeadline } from './clock.js';
import { common, queue, unitRef } from './outbox.js';
import { note } from './timeline.js';
import { FINISHED, type CampaignState, type Ctx } from './types.js';

export interface CalendarApplied {
  /** False when the unit already had this version of the year. */
  applied: boolean;
  moved: number;
}

/** The unit's calendar with every holiday year it holds (the plan's own overrides still win). */
export function calendarWithYears(ctx: Ctx, years: readonly CalendarYearData[] | undefined): void {
  ctx.cal = calendarForPlan(ctx.plan, calendarYearsDays(years));
}

const sameTimes = (a: ScheduledTask, b: ScheduledTask): boolean =>
  JSON.stringify([a.reminders, a.escalations]) === JSON.stringify([b.reminders, b.escalations]);

export function applyCalendarYear(
  ctx: Ctx,
  state: CampaignState,
  year: CalendarYearData,
  now: number,
): CalendarApplied {
  const held = state.calendarYears ?? [];
  if (held.some((y) => y.year === year.year && y.hash === year.hash)) return { applied: false, moved: 0 };
  const before = ctx.cal;
  state.calendarYears = [
    ...held.filter((y) => y.year !== year.year),
    { year: year.year, version: year.version, hash: year.hash, source: year.source, days: [...year.days] },
  ].sort((a, b) => a.year - b.year);
  calendarWithYears(ctx, state.calendarYears);
  const rctx = { calendar: ctx.cal, timeScale: ctx.timeScale };
  const items: { task: string; from: string; to: string; holiday: string }[] = [];
  for (const t of state.tasks) {
    if (FINISHED.includes(t.status) || ms(t.sched.dueAt) <= now) continue;
    const date = t.sched.dueDate;
    if (!ctx.cal.isWorkingDay(date) && before.isWorkingDay(date)) {
      let moved = rescheduleTask(ctx.plan, t.sched, date, rctx);
      // An earlier working day that has already passed (or precedes the opening) gives no time at all.
      if (ms(moved.dueAt) <= now || ms(moved.dueAt) <= ms(t.sched.opensAt))
        moved = rescheduleTask({ ...ctx.plan, deadlineOnHoliday: 'next_working_day' }, t.sched, date, rctx);
      if (moved.dueAt !== t.sched.dueAt) {
        items.push({
          task: t.sched.title,
          from: cnDate({ ...ctx, cal: before }, t.sched.dueAt),
          to: cnDate(ctx, moved.dueAt),
          holiday: ctx.cal.dayInfo(date).name ?? '法定节假日',
        });
        t.sched = moved;
        rearm(t, now);
        continue;
      }
    }
    // Same deadline: its reminders and escalations may now fall on a holiday (or a 调休 day).
    const retimed = withDeadline(ctx, t, t.sched.opensAt, t.sched.dueAt);
    if (!sameTimes(retimed, t.sched)) {
      t.sched = retimed;
      rearm(t, now);
    }
  }
  note(state, now, 'calendar_updated', `载入${year.year}年节假日安排（${year.source}，第${year.version}版）`);
  if (items.length > 0) {
    note(
      state,
      now,
      'dates_moved',
      `根据${year.source}，${items.map((i) => `「${i.task}」期限由${i.from}调整为${i.to}（${i.holiday}）`).join('；')}`,
    );
    queue(ctx, state, {
      id: notificationIds.datesMoved(unitRef(ctx), year.year, year.version),
      event: 'dates_moved',
      facts: { ...common(ctx), source: year.source, count: items.length, items },
    });
  }
  advance(ctx, state, now);
  return { applied: true, moved: items.length };
}
