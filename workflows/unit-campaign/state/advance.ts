/**
 * Time moving on: everything due at or before `now` happens (stages open, reminders, escalations,
 * the 回头看, completion), and `nextDueAt` says when the workflow must wake for the next thing.
 */
import { ms } from '../../../domain/calendar/index.js';
import type { Role } from '../../../domain/plan/schema.js';
import { escalationEventFor } from '../../../domain/routing/route.js';
import { anchorOf, escalationRepeatAfter, scheduleStageOpenedAt } from '../../../domain/schedule/index.js';
import { notificationIds } from '../../ids.js';
import {
  calendarDays,
  cnDate,
  deadlineAfter,
  iso,
  rearm,
  runScale,
  timeLeft,
  withDeadline,
} from './clock.js';
import { common, queue, unitRef } from './outbox.js';
import { extensionDueAt, tickExtension } from './extension.js';
import { reviewDueAt, tickReview } from './review.js';
import { findTask, stageOf } from './tasks.js';
import { note } from './timeline.js';
import { ACTIVE, FINISHED, type CampaignState, type Ctx, type Fact, type TaskState } from './types.js';

/** Kinds the 回头看 does not re-check: they come after it or are it. */
const NOT_CHECKED_BY_LOOKBACK = new Set(['look_back', 'satisfaction_survey', 'summary', 'archive']);

/**
 * Everything due at or before `now`, in a fixed order: stages open (stage order), then per task in
 * schedule order: opening, reminder, escalation; then the 回头看 check and completion.
 */
export function advance(ctx: Ctx, state: CampaignState, now: number): void {
  if (state.phase !== 'running') return;
  for (let guard = 0; guard < 50; guard++) {
    const before = JSON.stringify([state.stages.map((s) => s.status), state.tasks.length, state.phase]);
    openStages(ctx, state, now);
    for (const t of state.tasks) {
      tickTask(ctx, state, t, now);
      tickExtension(ctx, state, t, now);
    }
    lookBackIfDue(ctx, state, now);
    completeStages(state, now);
    finishIfDone(ctx, state, now);
    if (JSON.stringify([state.stages.map((s) => s.status), state.tasks.length, state.phase]) === before)
      return;
  }
}

function openStages(ctx: Ctx, state: CampaignState, now: number): void {
  state.stages.forEach((s, i) => {
    if (s.status !== 'pending') return;
    const prev = state.stages[i - 1];
    if (s.opens === 'after_previous') {
      if (prev && prev.status !== 'complete') return;
      const def = ctx.plan.stages.find((d) => d.id === s.stageId);
      if (def) {
        // Offsets of an after_previous stage count from the moment it actually opens.
        const r = scheduleStageOpenedAt(
          ctx.plan,
          ctx.unit,
          def,
          anchorOf(ctx.cal, ctx.start),
          ctx.cal,
          runScale(ctx),
          iso(now),
        );
        s.opensAt = r.stage.opensAt;
        s.dueAt = r.stage.dueAt;
        for (const nt of r.tasks) {
          const existing = findTask(state, nt.taskId);
          if (existing && existing.status === 'pending') existing.sched = nt;
        }
      }
    } else if (ms(s.opensAt) > now) return;
    s.status = 'open';
    const titles = state.tasks.filter((t) => t.sched.stageId === s.stageId).map((t) => t.sched.title);
    queue(ctx, state, {
      id: notificationIds.stageOpened(unitRef(ctx), s.stageId),
      event: 'stage_opened',
      facts: { ...common(ctx), stage: s.title, stageEnd: cnDate(ctx, s.dueAt), tasks: titles },
    });
    note(state, now, 'stage_opened', `「${s.title}」开始`);
  });
}

function tickTask(ctx: Ctx, state: CampaignState, t: TaskState, now: number): void {
  if (t.status === 'pending') {
    const stage = stageOf(state, t);
    if (stage && stage.status === 'pending') return;
    if (waitsForPredecessors(ctx, t)) {
      if (!predecessorsFinished(state, t)) return;
      openAfterPredecessors(ctx, t, now);
    } else if (ms(t.sched.opensAt) > now) return;
    t.status = 'open';
  }
  if (t.status === 'submitted') tickReview(ctx, state, t, now);
  if (!ACTIVE.includes(t.status)) return;
  const u = unitRef(ctx);

  // Reminders: when several are due at once (worker was down), only the latest is worth sending.
  let due = -1;
  while (t.nextReminder < t.sched.reminders.length && ms(t.sched.reminders[t.nextReminder]!.at) <= now)
    due = t.nextReminder++;
  const r = due >= 0 ? t.sched.reminders[due] : undefined;
  if (r && ms(t.sched.dueAt) > now) {
    const stage = stageOf(state, t);
    // The stage_opened notice already lists a task that opens with its stage.
    const folded =
      r.kind === 'opened' && t.origin === 'plan' && stage?.opensAt === t.sched.opensAt && t.rev === 0;
    if (!folded) {
      const dueToday = r.kind === 'due_day';
      queue(ctx, state, {
        id: notificationIds.reminder(u, t.sched.taskId, t.rev, due),
        event: dueToday ? 'due_today' : 'reminder',
        facts: {
          ...common(ctx),
          task: t.sched.title,
          deadline: cnDate(ctx, t.sched.dueAt),
          ...(dueToday
            ? {}
            : {
                daysLeft: Math.max(0, calendarDays(ctx, iso(now), t.sched.dueAt)),
                timeLeft: timeLeft(ctx, now, t.sched.dueAt),
              }),
        },
      });
    }
  }

  // Escalation ladder: the highest level now due fires; lower ones it overtook are skipped.
  let level = -1;
  while (
    t.nextEscalation < t.sched.escalations.length &&
    ms(t.sched.escalations[t.nextEscalation]!.at) <= now
  )
    level = t.nextEscalation++;
  const e = level >= 0 ? t.sched.escalations[level] : undefined;
  if (e) {
    fireEscalation(
      ctx,
      state,
      t,
      e.level,
      e.label,
      [...e.recipients, ...e.cc],
      notificationIds.escalation(u, t.sched.taskId, t.rev, e.level, 0),
      now,
    );
    t.fired.push({ level: e.level, label: e.label, at: iso(now), repeats: 0, acknowledged: false });
    if (level === t.sched.escalations.length - 1) {
      const next = escalationRepeatAfter(ctx.plan, ctx.cal, runScale(ctx), iso(now));
      if (next) t.repeatAt = next;
    }
  } else if (t.repeatAt && ms(t.repeatAt) <= now) {
    const last = t.fired.at(-1);
    const lv = t.sched.escalations.at(-1);
    if (last && lv && !last.acknowledged) {
      last.repeats += 1;
      fireEscalation(
        ctx,
        state,
        t,
        lv.level,
        lv.label,
        [...lv.recipients, ...lv.cc],
        notificationIds.escalation(u, t.sched.taskId, t.rev, lv.level, last.repeats),
        now,
      );
      const next = escalationRepeatAfter(ctx.plan, ctx.cal, runScale(ctx), iso(now));
      if (next) t.repeatAt = next;
      else delete t.repeatAt;
    } else delete t.repeatAt;
  }
}

/** A step with `after` opens when its predecessors are finished, not on its planned date (patch step-order). */
function waitsForPredecessors(ctx: Ctx, t: TaskState): boolean {
  return ctx.stepOrder === true && t.sched.after !== undefined && t.sched.after.length > 0;
}

function predecessorsFinished(state: CampaignState, t: TaskState): boolean {
  return (t.sched.after ?? []).every((id) => {
    const p = findTask(state, id);
    return !p || FINISHED.includes(p.status);
  });
}

/**
 * Opens now; a `duration` counts from now (its predecessors' completion) unless the office already
 * set this step's deadline (an extension while it waited). A step whose deadline passed while it
 * waited gets the time a returned deliverable gets (lookBack.gapDeadline, 5wd if none), rather than
 * opening overdue. Reminders and escalations follow that deadline.
 */
function openAfterPredecessors(ctx: Ctx, t: TaskState, now: number): void {
  let due =
    t.sched.duration !== undefined && t.rev === 0
      ? deadlineAfter(ctx, iso(now), t.sched.duration)
      : t.sched.dueAt;
  if (ms(due) <= now) due = deadlineAfter(ctx, iso(now), ctx.plan.lookBack?.gapDeadline ?? '5wd');
  t.sched = withDeadline(ctx, t, iso(now), due);
  t.nextReminder = 0;
  t.nextEscalation = 0;
}

function escalationFacts(ctx: Ctx, t: TaskState, now: number): Record<string, Fact> {
  return {
    ...common(ctx),
    group: ctx.groupName,
    task: t.sched.title,
    deadline: cnDate(ctx, t.sched.dueAt),
    daysOverdue: Math.max(1, calendarDays(ctx, t.sched.dueAt, iso(now))),
    ...(ctx.pairedAgencyName ? { pairedAgency: ctx.pairedAgencyName } : {}),
  };
}

function fireEscalation(
  ctx: Ctx,
  state: CampaignState,
  t: TaskState,
  level: number,
  label: string,
  roles: Role[],
  id: string,
  now: number,
): void {
  // The rung's kind follows who it reaches; its recipients and channels come from the plan's level.
  queue(ctx, state, { id, event: escalationEventFor(roles), facts: escalationFacts(ctx, t, now), level });
  state.escalationsSent += 1;
  state.highestLevel = Math.max(state.highestLevel, level);
  note(state, now, 'escalation', `「${t.sched.title}」逾期，${label}（第 ${level} 级）`);
}

function lookBackIfDue(ctx: Ctx, state: CampaignState, now: number): void {
  const lb = ctx.plan.lookBack;
  if (!lb || state.lookBackDone) return;
  const t = findTask(state, lb.step);
  if (!t) return;
  // The check runs when the unit reports its 回头看 done, or at the 回头看's deadline at the latest.
  if (!(
    t.status === 'done' ||
    t.status === 'submitted' ||
    t.status === 'waived' ||
    (ACTIVE.includes(t.status) && ms(t.sched.dueAt) <= now)
  ))
    return;
  runLookBack(ctx, state, now);
}

function runLookBack(ctx: Ctx, state: CampaignState, now: number): void {
  const lb = ctx.plan.lookBack;
  if (!lb) return;
  state.lookBackDone = true;
  const idx = state.tasks.findIndex((t) => t.sched.taskId === lb.step);
  const gapDue = deadlineAfter(ctx, iso(now), lb.gapDeadline);
  const gaps: { t: TaskState; why: string }[] = [];
  state.tasks.forEach((t, i) => {
    if (i >= idx || !t.required || NOT_CHECKED_BY_LOOKBACK.has(t.sched.kind)) return;
    if (!ACTIVE.includes(t.status)) return;
    // Why it is a gap, judged against the deadline it had before the 回头看 moved it.
    gaps.push({
      t,
      why: t.status === 'returned' ? '被退回，尚未重新报送' : ms(t.sched.dueAt) < now ? '已逾期' : '尚未报送',
    });
    t.gap = true;
    if (ms(t.sched.dueAt) < ms(gapDue)) {
      t.sched = withDeadline(ctx, t, t.sched.opensAt, gapDue);
      rearm(t, now);
    }
  });
  if (gaps.length === 0) {
    note(state, now, 'look_back', '回头看：未发现缺项');
    return;
  }
  queue(ctx, state, {
    id: notificationIds.lookBackGaps(unitRef(ctx)),
    event: 'lookback_gaps',
    facts: {
      ...common(ctx),
      gaps: gaps.map((g) => ({ item: g.t.sched.title, note: g.why })),
      deadline: cnDate(ctx, gapDue),
    },
  });
  note(
    state,
    now,
    'look_back',
    `回头看：${gaps.length} 项查缺补缺（${gaps.map((g) => g.t.sched.title).join('、')}），限 ${cnDate(ctx, gapDue)} 前补齐`,
  );
}

function completeStages(state: CampaignState, now: number): void {
  for (const s of state.stages) {
    if (s.status !== 'open') continue;
    const tasks = state.tasks.filter((t) => t.sched.stageId === s.stageId && t.origin === 'plan');
    if (tasks.every((t) => FINISHED.includes(t.status))) {
      s.status = 'complete';
      note(state, now, 'stage_complete', `「${s.title}」完成`);
    }
  }
}

function finishIfDone(ctx: Ctx, state: CampaignState, now: number): void {
  if (state.stages.some((s) => s.status !== 'complete')) return;
  if (!state.tasks.every((t) => FINISHED.includes(t.status))) return;
  state.phase = 'completed';
  state.finishedAt = iso(now);
  queue(ctx, state, {
    id: notificationIds.completed(unitRef(ctx)),
    event: 'completed',
    facts: { ...common(ctx), completedOn: cnDate(ctx, iso(now)) },
  });
  note(state, now, 'completed', '全部工作完成，资料归档');
}

/** The next instant at which `advance` has something to do; undefined when only a message can move things. */
export function nextDueAt(ctx: Ctx, state: CampaignState): number | undefined {
  const candidates: number[] = [];
  for (const o of state.outbox) if (o.notBefore) candidates.push(ms(o.notBefore));
  if (state.phase !== 'running') return min(candidates);
  state.stages.forEach((s) => {
    if (s.status === 'pending' && s.opens === 'calendar') candidates.push(ms(s.opensAt));
  });
  for (const t of state.tasks) {
    const extension = extensionDueAt(t);
    if (extension !== undefined) candidates.push(extension);
    if (t.status === 'pending') {
      const stage = stageOf(state, t);
      // A step waiting for its predecessors opens on their completion (a message), not on a date.
      if ((!stage || stage.status !== 'pending') && !waitsForPredecessors(ctx, t))
        candidates.push(ms(t.sched.opensAt));
      continue;
    }
    if (t.status === 'submitted') {
      const review = reviewDueAt(t);
      if (review !== undefined) candidates.push(review);
    }
    if (!ACTIVE.includes(t.status)) continue;
    const r = t.sched.reminders[t.nextReminder];
    if (r) candidates.push(ms(r.at));
    const e = t.sched.escalations[t.nextEscalation];
    if (e) candidates.push(ms(e.at));
    else if (t.repeatAt) candidates.push(ms(t.repeatAt));
  }
  const lb = ctx.plan.lookBack;
  if (lb && !state.lookBackDone) {
    const t = findTask(state, lb.step);
    if (t && ACTIVE.includes(t.status)) candidates.push(ms(t.sched.dueAt));
  }
  return min(candidates);
}

function min(xs: number[]): number | undefined {
  return xs.length === 0 ? undefined : Math.min(...xs);
}
