/**
 * The unit campaign as a pure state machine: events (timer ticks, Updates) change a plain JSON
 * state and append notifications to its outbox; the workflow only drains the outbox through the
 * notification activity and sleeps until `nextDueAt`. No clock, no I/O: `now` is always passed
 * in, so the whole lifecycle is testable without Temporal and replays deterministically.
 *
 * Handlers mutate the state they are given (the workflow keeps one object); tests build one with
 * `initialState` and drive it directly.
 */
import {
  addSeconds,
  daysBetween,
  localDateOf,
  localTimeOf,
  ms,
  type IsoInstant,
  type WorkCalendar,
} from '../../domain/calendar/index.js';
import type { Channel, Plan, Role } from '../../domain/plan/schema.js';
import type { EventKind } from '../../domain/routing/event-kinds.js';
import { escalationEventFor, routeNotification } from '../../domain/routing/route.js';
import {
  appliesTo,
  anchorOf,
  deadlineAfter as planDeadlineAfter,
  dueOnPlanDate,
  escalationRepeatAfter,
  planMillis,
  rescheduleTask,
  retimeTask,
  scheduleStageOpenedAt,
  shiftTasks,
  type Schedule,
  type ScheduledTask,
  type TimeScaleInfo,
  type UnitProfile,
} from '../../domain/schedule/index.js';
import { duration } from '../../domain/schedule/resolve.js';
import type {
  AddAdHocItemRequest,
  AddGapItemRequest,
  CampaignPhase,
  EscalationView,
  ExtendDeadlineRequest,
  RecordSurveyRequest,
  ReviewDeliverableRequest,
  SurveyRecord,
  TaskOrigin,
  TaskStatus,
  TaskView,
  TimelineEntry,
  UnitCampaignResult,
  UnitCampaignStatus,
  UpdateAck,
} from './messages.js';

type Fact = string | number | boolean | null | readonly Fact[] | { readonly [k: string]: Fact };

/** A notification waiting to be delivered. `id` is the idempotency key: never reused for another message. */
export interface Outgoing {
  id: string;
  event: EventKind;
  facts: Record<string, Fact>;
  /** Resolved from the plan's routing when queued, so a message keeps its route across retries. */
  to: Role[];
  cc: Role[];
  channels: Channel[];
  ignoreQuietHours: boolean;
  /** Set when the activity deferred it (quiet hours): try again at this instant. */
  notBefore?: string;
}

export interface TaskState {
  sched: ScheduledTask;
  origin: TaskOrigin;
  required: boolean;
  status: TaskStatus;
  /** Bumped whenever the deadline changes, so reminders and escalations of the new deadline get new ids. */
  rev: number;
  /** Index of the next reminder in sched.reminders not yet handled. */
  nextReminder: number;
  /** Index of the next escalation level in sched.escalations not yet fired. */
  nextEscalation: number;
  /** Fired levels of the current deadline, with repeat counts. */
  fired: { level: number; label: string; at: string; repeats: number; acknowledged: boolean }[];
  repeatAt?: string;
  gap: boolean;
  late: boolean;
  submissions: number;
  returns: number;
  completedAt?: string;
  lastReturn?: { reasons: string[]; failedItems: string[] };
  note?: string;
}

export interface StageState {
  stageId: string;
  title: string;
  opens: 'calendar' | 'after_previous';
  opensAt: string;
  dueAt: string;
  status: 'pending' | 'open' | 'complete';
  taskIds: string[];
}

export interface CampaignState {
  version: 1;
  phase: CampaignPhase;
  startedAt: string;
  stages: StageState[];
  tasks: TaskState[];
  outbox: Outgoing[];
  sent: number;
  escalationsSent: number;
  highestLevel: number;
  surveys: SurveyRecord[];
  remedialRound: number;
  surveyOutcome: UnitCampaignResult['surveyOutcome'];
  lookBackDone: boolean;
  gapItemsAdded: number;
  adHocAdded: number;
  pausedAt?: string;
  cancelReason?: string;
  finishedAt?: string;
  timeline: TimelineEntry[];
  timelineDropped: number;
  run: number;
}

/** Everything fixed for the life of the workflow that the transitions need. */
export interface Ctx {
  plan: Plan;
  cal: WorkCalendar;
  timeScale: TimeScaleInfo | null;
  /**
   * Deadlines set at run time (returns, 回头看 gaps, 补课, repeats, after_previous stages) count
   * in plan time when the plan has a timeScale. Decided by the workflow (patched), because runs
   * started before this computed them in real time and must replay that way.
   */
  runTimeInPlanTime?: boolean;
  unit: UnitProfile;
  start: string;
  campaignId: string;
  campaignTitle: string;
  unitName: string;
  groupName: string;
  pairedAgencyName?: string;
}

export const TIMELINE_LIMIT = 200;
const FINISHED: readonly TaskStatus[] = ['done', 'waived'];
const ACTIVE: readonly TaskStatus[] = ['open', 'returned'];
/** Kinds the 回头看 does not re-check: they come after it or are it. */
const NOT_CHECKED_BY_LOOKBACK = new Set(['look_back', 'satisfaction_survey', 'summary', 'archive']);
const REMEDIAL_STEPS = [
  { key: 'analyse', title: '分析群众不满意的原因' },
  { key: 'rectify', title: '重新整改' },
  { key: 'explain', title: '向群众说明暂时解决不了的问题' },
] as const;

const iso = (t: number): string => new Date(t).toISOString();

export function base(ctx: Ctx): string {
  return `campaign/${ctx.campaignId}/unit/${ctx.unit.id}`;
}

/**
 * Queues one notification routed by the plan (`routing.events`, escalation levels, defaults).
 * `alsoTo` adds roles a rule of the campaign itself requires (the office after failed 补课).
 */
function queue(ctx: Ctx, state: CampaignState, n: { id: string; event: EventKind; facts: Record<string, Fact>; level?: number; alsoTo?: readonly Role[] }): void {
  const r = routeNotification(ctx.plan, n.event, n.level === undefined ? {} : { level: n.level });
  const to = [...new Set([...r.to, ...(n.alsoTo ?? [])])];
  state.outbox.push({ id: n.id, event: n.event, facts: n.facts, to, cc: r.cc.filter((x) => !to.includes(x)), channels: r.channels, ignoreQuietHours: r.ignoreQuietHours });
}

// ───────────────────────────── construction ─────────────────────────────

export function initialState(ctx: Ctx, schedule: Schedule, now: number): CampaignState {
  const state: CampaignState = {
    version: 1,
    phase: 'running',
    startedAt: iso(now),
    stages: schedule.stages.map((s) => ({
      stageId: s.stageId,
      title: s.title,
      opens: s.opens,
      opensAt: s.opensAt,
      dueAt: s.dueAt,
      status: 'pending',
      taskIds: [...s.taskIds],
    })),
    tasks: schedule.tasks.map((t) => newTask(t, 'plan')),
    outbox: [],
    sent: 0,
    escalationsSent: 0,
    highestLevel: 0,
    surveys: [],
    remedialRound: 0,
    surveyOutcome: 'none',
    lookBackDone: false,
    gapItemsAdded: 0,
    adHocAdded: 0,
    timeline: [],
    timelineDropped: 0,
    run: 1,
  };
  const first = state.stages[0];
  queue(ctx, state, {
    id: `${base(ctx)}/kickoff`,
    event: 'kickoff',
    facts: { ...common(ctx), firstStage: first?.title ?? '', firstDeadline: first ? cnDate(ctx, first.dueAt) : '' },
  });
  note(state, now, 'kickoff', `活动启动，共 ${state.stages.length} 个阶段、${state.tasks.length} 项工作`);
  return state;
}

function newTask(sched: ScheduledTask, origin: TaskOrigin, required = true): TaskState {
  return {
    sched,
    origin,
    required: required && (sched.deliverables.length === 0 || sched.deliverables.some((d) => d.required)),
    status: 'pending',
    rev: 0,
    nextReminder: 0,
    nextEscalation: 0,
    fired: [],
    gap: false,
    late: false,
    submissions: 0,
    returns: 0,
  };
}

// ───────────────────────────── helpers ─────────────────────────────

function common(ctx: Ctx): Record<string, Fact> {
  return { campaign: ctx.campaignTitle, unit: ctx.unitName };
}

/** 2009年11月10日 (plus the time for continuous, demo calendars where days are seconds). */
export function cnDate(ctx: Ctx, at: IsoInstant): string {
  const [y, m, d] = localDateOf(ctx.cal, at).split('-').map(Number);
  const day = `${y}年${m}月${d}日`;
  return ctx.cal.kind === 'continuous' ? `${day} ${localTimeOf(ctx.cal, at).slice(0, 8)}` : day;
}

function calendarDays(ctx: Ctx, from: IsoInstant, to: IsoInstant): number {
  return daysBetween(localDateOf(ctx.cal, from), localDateOf(ctx.cal, to));
}

export function note(state: CampaignState, now: number, kind: string, text: string): void {
  state.timeline.push({ at: iso(now), kind, text });
  if (state.timeline.length > TIMELINE_LIMIT) {
    const drop = state.timeline.length - TIMELINE_LIMIT;
    state.timeline.splice(0, drop);
    state.timelineDropped += drop;
  }
}

/**
 * For notes that repeat word for word (every reminder to a malformed address fails the same way):
 * one copy in the timeline is enough, and repeats must not push the unit's history out of it.
 */
export function noteOnce(state: CampaignState, now: number, kind: string, text: string): void {
  if (state.timeline.some((e) => e.kind === kind && e.text === text)) return;
  note(state, now, kind, text);
}

export function findTask(state: CampaignState, taskId: string): TaskState | undefined {
  return state.tasks.find((t) => t.sched.taskId === taskId);
}

function isOverdue(t: TaskState, now: number): boolean {
  return ACTIVE.includes(t.status) && ms(t.sched.dueAt) < now;
}

/** The timeScale run-time deadlines are computed with: null means real time. */
function runScale(ctx: Ctx): TimeScaleInfo | null {
  return ctx.runTimeInPlanTime ? ctx.timeScale : null;
}

/** A deadline `text` (e.g. 5wd, 15s) after `from`: day units end at office closing, per the plan's holiday rule. */
export function deadlineAfter(ctx: Ctx, from: IsoInstant, text: string): IsoInstant {
  return planDeadlineAfter(ctx.plan, ctx.cal, runScale(ctx), from, text);
}

/**
 * A date (office closing, holiday rule) or an exact instant, as typed by the office. In a
 * timeScale plan a date is a plan date and an instant real time, as for extensions.
 */
export function parseDue(ctx: Ctx, text: string): IsoInstant {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return dueOnPlanDate(ctx.plan, ctx.cal, runScale(ctx), text);
  return addSeconds(ctx.cal, iso(Date.parse(text)), 0);
}

/** After the deadline changed: new ids, and whatever already lies in the past is not sent. */
function rearm(t: TaskState, now: number): void {
  t.rev += 1;
  t.nextReminder = t.sched.reminders.filter((r) => ms(r.at) <= now).length;
  t.nextEscalation = t.sched.escalations.filter((e) => ms(e.at) <= now).length;
  t.fired = [];
  delete t.repeatAt;
}

function withDeadline(ctx: Ctx, t: TaskState, opensAt: IsoInstant, dueAt: IsoInstant): ScheduledTask {
  return retimeTask(ctx.plan, ctx.cal, runScale(ctx), t.sched, opensAt, dueAt);
}

function syntheticTask(
  ctx: Ctx,
  fields: { taskId: string; stageId: string; title: string; kind: ScheduledTask['kind']; opensAt: IsoInstant; dueAt: IsoInstant; needsReview?: boolean },
): ScheduledTask {
  const sched: ScheduledTask = {
    taskId: fields.taskId,
    stageId: fields.stageId,
    stepId: fields.taskId,
    title: fields.title,
    kind: fields.kind,
    opensAt: fields.opensAt,
    dueAt: fields.dueAt,
    dueDate: localDateOf(ctx.cal, fields.dueAt),
    needsReview: fields.needsReview ?? false,
    recipients: [],
    deliverables: [],
    reminders: [],
    escalations: [],
  };
  return retimeTask(ctx.plan, ctx.cal, runScale(ctx), sched, fields.opensAt, fields.dueAt);
}

function currentStageId(state: CampaignState): string {
  const open = state.stages.filter((s) => s.status === 'open');
  return open.at(-1)?.stageId ?? state.stages.filter((s) => s.status === 'complete').at(-1)?.stageId ?? state.stages[0]?.stageId ?? '';
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

// ───────────────────────────── time ─────────────────────────────

/**
 * Everything due at or before `now`, in a fixed order: stages open (stage order), then per task in
 * schedule order: opening, reminder, escalation; then the 回头看 check and completion.
 */
export function advance(ctx: Ctx, state: CampaignState, now: number): void {
  if (state.phase !== 'running') return;
  for (let guard = 0; guard < 50; guard++) {
    const before = JSON.stringify([state.stages.map((s) => s.status), state.tasks.length, state.phase]);
    openStages(ctx, state, now);
    for (const t of state.tasks) tickTask(ctx, state, t, now);
    lookBackIfDue(ctx, state, now);
    completeStages(state, now);
    finishIfDone(ctx, state, now);
    if (JSON.stringify([state.stages.map((s) => s.status), state.tasks.length, state.phase]) === before) return;
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
        const r = scheduleStageOpenedAt(ctx.plan, ctx.unit, def, anchorOf(ctx.cal, ctx.start), ctx.cal, runScale(ctx), iso(now));
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
      id: `${base(ctx)}/stage/${s.stageId}/opened`,
      event: 'stage_opened',
      facts: { ...common(ctx), stage: s.title, stageEnd: cnDate(ctx, s.dueAt), tasks: titles },
    });
    note(state, now, 'stage_opened', `「${s.title}」开始`);
  });
}

function stageOf(state: CampaignState, t: TaskState): StageState | undefined {
  return state.stages.find((s) => s.stageId === t.sched.stageId);
}

function tickTask(ctx: Ctx, state: CampaignState, t: TaskState, now: number): void {
  if (t.status === 'pending') {
    const stage = stageOf(state, t);
    if ((stage && stage.status === 'pending') || ms(t.sched.opensAt) > now) return;
    t.status = 'open';
  }
  if (!ACTIVE.includes(t.status)) return;
  const id = `${base(ctx)}/task/${t.sched.taskId}/v${t.rev}`;

  // Reminders: when several are due at once (worker was down), only the latest is worth sending.
  let due = -1;
  while (t.nextReminder < t.sched.reminders.length && ms(t.sched.reminders[t.nextReminder]!.at) <= now) due = t.nextReminder++;
  const r = due >= 0 ? t.sched.reminders[due] : undefined;
  if (r && ms(t.sched.dueAt) > now) {
    const stage = stageOf(state, t);
    // The stage_opened notice already lists a task that opens with its stage.
    const folded = r.kind === 'opened' && t.origin === 'plan' && stage?.opensAt === t.sched.opensAt && t.rev === 0;
    if (!folded) {
      const dueToday = r.kind === 'due_day';
      queue(ctx, state, {
        id: `${id}/reminder/${due}`,
        event: dueToday ? 'due_today' : 'reminder',
        facts: {
          ...common(ctx),
          task: t.sched.title,
          deadline: cnDate(ctx, t.sched.dueAt),
          ...(dueToday ? {} : { daysLeft: Math.max(0, calendarDays(ctx, iso(now), t.sched.dueAt)) }),
        },
      });
    }
  }

  // Escalation ladder: the highest level now due fires; lower ones it overtook are skipped.
  let level = -1;
  while (t.nextEscalation < t.sched.escalations.length && ms(t.sched.escalations[t.nextEscalation]!.at) <= now) level = t.nextEscalation++;
  const e = level >= 0 ? t.sched.escalations[level] : undefined;
  if (e) {
    fireEscalation(ctx, state, t, e.level, e.label, [...e.recipients, ...e.cc], `${id}/escalation/L${e.level}/0`, now);
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
      fireEscalation(ctx, state, t, lv.level, lv.label, [...lv.recipients, ...lv.cc], `${id}/escalation/L${lv.level}/${last.repeats}`, now);
      const next = escalationRepeatAfter(ctx.plan, ctx.cal, runScale(ctx), iso(now));
      if (next) t.repeatAt = next;
      else delete t.repeatAt;
    } else delete t.repeatAt;
  }
}

function fireEscalation(ctx: Ctx, state: CampaignState, t: TaskState, level: number, label: string, roles: Role[], id: string, now: number): void {
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
  if (!(t.status === 'done' || t.status === 'submitted' || t.status === 'waived' || (ACTIVE.includes(t.status) && ms(t.sched.dueAt) <= now))) return;
  runLookBack(ctx, state, now);
}

export function runLookBack(ctx: Ctx, state: CampaignState, now: number): void {
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
    gaps.push({ t, why: t.status === 'returned' ? '被退回，尚未重新报送' : ms(t.sched.dueAt) < now ? '已逾期' : '尚未报送' });
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
    id: `${base(ctx)}/look_back/gaps`,
    event: 'lookback_gaps',
    facts: {
      ...common(ctx),
      gaps: gaps.map((g) => ({ item: g.t.sched.title, note: g.why })),
      deadline: cnDate(ctx, gapDue),
    },
  });
  note(state, now, 'look_back', `回头看：${gaps.length} 项查缺补缺（${gaps.map((g) => g.t.sched.title).join('、')}），限 ${cnDate(ctx, gapDue)} 前补齐`);
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
    id: `${base(ctx)}/completed`,
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
    if (t.status === 'pending') {
      const stage = stageOf(state, t);
      if (!stage || stage.status !== 'pending') candidates.push(ms(t.sched.opensAt));
      continue;
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

// ───────────────────────────── messages ─────────────────────────────

export function submit(ctx: Ctx, state: CampaignState, taskId: string, summary: string, now: number): void {
  const t = findTask(state, taskId)!;
  t.submissions += 1;
  if (ms(t.sched.dueAt) < now) t.late = true;
  if (t.sched.needsReview) {
    t.status = 'submitted';
    note(state, now, 'submitted', `「${t.sched.title}」已报送，等待指导组审查：${clip(summary)}`);
  } else {
    t.status = 'done';
    t.completedAt = iso(now);
    note(state, now, 'submitted', `「${t.sched.title}」已完成：${clip(summary)}`);
  }
  afterCompletion(ctx, state, t, now);
  advance(ctx, state, now);
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 60)}…` : one;
}

export function review(ctx: Ctx, state: CampaignState, req: ReviewDeliverableRequest, now: number): void {
  const t = findTask(state, req.taskId)!;
  if (req.decision === 'approve') {
    t.status = 'done';
    t.completedAt = iso(now);
    queue(ctx, state, {
      id: `${base(ctx)}/task/${t.sched.taskId}/approved/${t.submissions}`,
      event: 'approved',
      facts: { ...common(ctx), task: t.sched.title, reviewer: ctx.groupName },
    });
    note(state, now, 'approved', `「${t.sched.title}」经指导组审查通过`);
    afterCompletion(ctx, state, t, now);
  } else {
    t.returns += 1;
    t.status = 'returned';
    const failedItems = [...(req.failedItems ?? [])];
    const items = t.sched.checklist?.items ?? [];
    const reasons = [
      ...failedItems.map((id) => `${t.sched.checklist?.title ?? '审查清单'}：${items.find((i) => i.id === id)?.text ?? id}`),
      ...(req.reasons ?? []),
    ];
    t.lastReturn = { reasons: [...(req.reasons ?? [])], failedItems };
    // A return gives the unit the plan's gap deadline to resubmit, never less than it had.
    const fresh = deadlineAfter(ctx, iso(now), ctx.plan.lookBack?.gapDeadline ?? '5wd');
    if (ms(fresh) > ms(t.sched.dueAt)) t.sched = withDeadline(ctx, t, t.sched.opensAt, fresh);
    rearm(t, now);
    queue(ctx, state, {
      id: `${base(ctx)}/task/${t.sched.taskId}/returned/${t.returns}`,
      event: 'returned',
      facts: { ...common(ctx), task: t.sched.title, reviewer: ctx.groupName, reasons, resubmitBy: cnDate(ctx, t.sched.dueAt) },
    });
    note(state, now, 'returned', `「${t.sched.title}」被退回（${reasons.join('；')}），限 ${cnDate(ctx, t.sched.dueAt)} 前重新报送`);
  }
  advance(ctx, state, now);
}

/** Time the archive (资料归档) gets once continued rectification is over, unless its planned date is later. */
const ARCHIVE_AFTER_RECTIFICATION = '10wd';

/**
 * Follow-ups when a task is finished: continued rectification starts after the summary. Its
 * progress reports open one after another at the plan's interval (each opens when the previous
 * one falls due), and the archive waits until the whole period is over.
 */
function afterCompletion(ctx: Ctx, state: CampaignState, t: TaskState, now: number): void {
  const cr = ctx.plan.continuedRectification;
  if (!cr || t.sched.kind !== 'summary' || t.status !== 'done' || !appliesTo(cr.appliesTo, ctx.unit)) return;
  if (state.tasks.some((x) => x.origin === 'progress')) return;
  const total = duration(cr.duration);
  const every = duration(cr.reportEvery);
  const end = deadlineAfter(ctx, iso(now), cr.duration);
  let opensAt = iso(now);
  for (let n = 1; n <= 24; n++) {
    const dueAt = deadlineAfter(ctx, iso(now), `${every.amount * n}${every.unit}`);
    if (ms(dueAt) > ms(end) + 1000) break;
    const report = newTask(syntheticTask(ctx, { taskId: `progress_${n}`, stageId: t.sched.stageId, title: `继续整改进展报告（第${n}次）`, kind: 'task', opensAt, dueAt }), 'progress');
    if (n === 1) report.status = 'open';
    state.tasks.push(report);
    opensAt = dueAt;
  }
  for (const a of state.tasks) {
    if (a.sched.kind !== 'archive' || (a.status !== 'pending' && a.status !== 'open')) continue;
    const due = deadlineAfter(ctx, end, ARCHIVE_AFTER_RECTIFICATION);
    a.sched = withDeadline(ctx, a, end, ms(a.sched.dueAt) > ms(due) ? a.sched.dueAt : due);
    a.status = 'pending';
    rearm(a, now);
  }
  note(state, now, 'continued_rectification', `进入继续整改（${total.amount}${total.unit}），每 ${every.amount}${every.unit} 报告一次进展，${cnDate(ctx, end)} 后资料归档`);
}

export function acknowledge(state: CampaignState, taskId: string, level: number, now: number): void {
  const t = findTask(state, taskId)!;
  const f = t.fired.find((x) => x.level === level)!;
  f.acknowledged = true;
  if (f === t.fired.at(-1)) delete t.repeatAt;
  note(state, now, 'acknowledged', `「${t.sched.title}」第 ${level} 级催办已签收`);
}

export function extend(ctx: Ctx, state: CampaignState, req: ExtendDeadlineRequest, now: number): void {
  const t = findTask(state, req.taskId)!;
  t.sched = rescheduleTask(ctx.plan, t.sched, req.newDue, { calendar: ctx.cal, timeScale: ctx.timeScale });
  rearm(t, now);
  note(state, now, 'extended', `「${t.sched.title}」延期至 ${cnDate(ctx, t.sched.dueAt)}：${req.reason}`);
  advance(ctx, state, now);
}

export function addGapItem(ctx: Ctx, state: CampaignState, req: AddGapItemRequest, now: number): string {
  state.gapItemsAdded += 1;
  const taskId = `gap_${state.gapItemsAdded}`;
  const dueAt = req.due ? parseDue(ctx, req.due) : deadlineAfter(ctx, iso(now), ctx.plan.lookBack?.gapDeadline ?? '5wd');
  const lbStage = findTask(state, ctx.plan.lookBack?.step ?? '')?.sched.stageId;
  const t = newTask(syntheticTask(ctx, { taskId, stageId: lbStage ?? currentStageId(state), title: req.title.trim(), kind: 'task', opensAt: iso(now), dueAt }), 'gap');
  t.gap = true;
  if (req.note) t.note = req.note;
  state.tasks.push(t);
  note(state, now, 'gap_added', `指导组增加查缺补缺事项「${t.sched.title}」，限 ${cnDate(ctx, dueAt)} 前完成`);
  advance(ctx, state, now);
  return taskId;
}

/** The survey task a recordSurvey applies to now: the plan's, or the latest 补课 round's re-survey. */
export function openSurveyTask(ctx: Ctx, state: CampaignState): TaskState | undefined {
  const step = ctx.plan.satisfaction?.step;
  if (!step) return undefined;
  const ids = [step, ...Array.from({ length: state.remedialRound }, (_, i) => `remedial_${i + 1}_resurvey`)];
  return state.tasks.find((t) => ids.includes(t.sched.taskId) && ACTIVE.includes(t.status));
}

export function recordSurvey(ctx: Ctx, state: CampaignState, req: RecordSurveyRequest, now: number): void {
  const rule = ctx.plan.satisfaction!;
  const t = openSurveyTask(ctx, state)!;
  if (ms(t.sched.dueAt) < now) t.late = true;
  t.status = 'done';
  t.completedAt = iso(now);
  t.submissions += 1;
  const share = req.dissatisfied / req.respondents;
  const remedialNeeded = share > rule.dissatisfiedShareAbove;
  const round = state.surveys.length + 1;
  state.surveys.push({
    round,
    satisfied: req.satisfied,
    basicallySatisfied: req.basicallySatisfied,
    dissatisfied: req.dissatisfied,
    respondents: req.respondents,
    method: req.method,
    dissatisfiedShare: share,
    remedialNeeded,
    recordedAt: iso(now),
  });
  const exhausted = remedialNeeded && state.remedialRound >= rule.maxRemedialRounds;
  let verdict: string;
  if (!remedialNeeded) {
    verdict = state.remedialRound > 0 ? `经${state.remedialRound}轮补课，群众基本满意` : '群众基本满意';
    state.surveyOutcome = state.remedialRound > 0 ? 'remedied' : 'satisfied';
  } else if (!exhausted) verdict = '多数群众不满意，须补课后重新测评';
  else if (rule.afterMaxRounds === 'escalate_office') {
    verdict = `经${state.remedialRound}轮补课仍多数不满意，报活动办处理`;
    state.surveyOutcome = 'failed_escalated';
    state.escalationsSent += 1;
  } else {
    verdict = `经${state.remedialRound}轮补课仍多数不满意，记录在案`;
    state.surveyOutcome = 'failed_closed';
  }
  queue(ctx, state, {
    id: `${base(ctx)}/survey/${round}/result`,
    event: 'survey_result',
    facts: {
      ...common(ctx),
      respondents: req.respondents,
      satisfiedRate: `${(((req.satisfied + req.basicallySatisfied) / req.respondents) * 100).toFixed(1)}%`,
      verdict,
      remedial: remedialNeeded && !exhausted,
    },
    ...(exhausted && rule.afterMaxRounds === 'escalate_office' ? { alsoTo: ['office'] as Role[] } : {}),
  });
  note(state, now, 'survey', `第 ${round} 次满意度测评（${req.method}，${req.respondents} 人）：满意 ${req.satisfied}、基本满意 ${req.basicallySatisfied}、不满意 ${req.dissatisfied}；${verdict}`);
  if (remedialNeeded && !exhausted) openRemedialRound(ctx, state, t, now);
  advance(ctx, state, now);
}

function openRemedialRound(ctx: Ctx, state: CampaignState, survey: TaskState, now: number): void {
  const rule = ctx.plan.satisfaction!;
  state.remedialRound += 1;
  const r = state.remedialRound;
  const dueAt = deadlineAfter(ctx, iso(now), rule.remedialDuration);
  for (const s of REMEDIAL_STEPS) {
    const t = newTask(syntheticTask(ctx, { taskId: `remedial_${r}_${s.key}`, stageId: survey.sched.stageId, title: `补课（第${r}轮）：${s.title}`, kind: 'task', opensAt: iso(now), dueAt }), 'remedial');
    state.tasks.push(t);
  }
  state.tasks.push(
    newTask(syntheticTask(ctx, { taskId: `remedial_${r}_resurvey`, stageId: survey.sched.stageId, title: `补课（第${r}轮）：重新测评`, kind: 'satisfaction_survey', opensAt: iso(now), dueAt }), 'remedial'),
  );
  queue(ctx, state, {
    id: `${base(ctx)}/remedial/${r}/opened`,
    event: 'remedial_opened',
    facts: { ...common(ctx), reason: `满意度测评中多数群众不满意（第${r}轮补课）`, deadline: cnDate(ctx, dueAt) },
  });
  note(state, now, 'remedial', `开始第 ${r} 轮补课，限 ${cnDate(ctx, dueAt)} 前完成并重新测评`);
}

export function pause(state: CampaignState, reason: string | undefined, now: number): void {
  state.phase = 'paused';
  state.pausedAt = iso(now);
  note(state, now, 'paused', `活动办暂停本单位活动${reason ? `：${reason}` : ''}`);
}

/** The default shift after a pause: whole days for office calendars, exact time for continuous ones. */
export function pauseShift(ctx: Ctx, pausedMs: number): string {
  if (ctx.cal.kind === 'continuous') {
    const secs = Math.max(1, Math.round(pausedMs / 1000 / (ctx.timeScale?.factor ?? 1)));
    return `${secs}s`;
  }
  return `${Math.max(1, Math.ceil(planMillis(runScale(ctx), pausedMs) / 86_400_000))}d`;
}

export function resume(ctx: Ctx, state: CampaignState, shiftBy: string | undefined, now: number): void {
  const pausedMs = now - ms(state.pausedAt ?? iso(now));
  const by = shiftBy ?? pauseShift(ctx, pausedMs);
  state.phase = 'running';
  delete state.pausedAt;
  shiftRemaining(ctx, state, by, now);
  note(state, now, 'resumed', `恢复活动，剩余日期顺延 ${by}`);
  advance(ctx, state, now);
}

export function shiftDates(ctx: Ctx, state: CampaignState, by: string, now: number): void {
  shiftRemaining(ctx, state, by, now);
  note(state, now, 'shifted', `活动办将剩余日期整体顺延 ${by}`);
  advance(ctx, state, now);
}

function shiftRemaining(ctx: Ctx, state: CampaignState, by: string, now: number): void {
  const rctx = { calendar: ctx.cal, timeScale: ctx.timeScale };
  for (const t of state.tasks) {
    if (FINISHED.includes(t.status)) continue;
    const [moved] = shiftTasks(ctx.plan, [t.sched], by, rctx);
    if (!moved) continue;
    t.sched = moved;
    rearm(t, now);
  }
  for (const s of state.stages) {
    if (s.status !== 'pending') continue;
    const probe = syntheticTask(ctx, { taskId: s.stageId, stageId: s.stageId, title: s.title, kind: 'task', opensAt: s.opensAt, dueAt: s.dueAt });
    const [moved] = shiftTasks(ctx.plan, [probe], by, rctx);
    if (moved) {
      s.opensAt = moved.opensAt;
      s.dueAt = moved.dueAt;
    }
  }
}

export function waive(ctx: Ctx, state: CampaignState, taskId: string, reason: string, now: number): void {
  const t = findTask(state, taskId)!;
  t.status = 'waived';
  t.completedAt = iso(now);
  delete t.repeatAt;
  note(state, now, 'waived', `活动办免除「${t.sched.title}」：${reason}`);
  advance(ctx, state, now);
}

export function addAdHocItem(ctx: Ctx, state: CampaignState, req: AddAdHocItemRequest, now: number): string {
  state.adHocAdded += 1;
  const taskId = `adhoc_${state.adHocAdded}`;
  const dueAt = parseDue(ctx, req.due);
  const t = newTask(syntheticTask(ctx, { taskId, stageId: currentStageId(state), title: `督办：${req.title.trim()}`, kind: 'task', opensAt: iso(now), dueAt }), 'adhoc');
  if (req.note) t.note = req.note;
  state.tasks.push(t);
  note(state, now, 'adhoc', `活动办增加督办事项「${req.title.trim()}」，限 ${cnDate(ctx, dueAt)} 前完成`);
  advance(ctx, state, now);
  return taskId;
}

export function cancel(state: CampaignState, reason: string, now: number): void {
  if (state.phase === 'completed' || state.phase === 'cancelled') return;
  state.phase = 'cancelled';
  state.cancelReason = reason;
  state.finishedAt = iso(now);
  state.outbox = [];
  note(state, now, 'cancelled', `活动办撤销本单位活动：${reason}`);
}

// ───────────────────────────── views ─────────────────────────────

export function overdueCount(state: CampaignState, now: number): number {
  return state.tasks.filter((t) => isOverdue(t, now)).length;
}

export function stageLabel(state: CampaignState): string {
  if (state.phase === 'completed') return 'done';
  if (state.phase === 'cancelled') return 'cancelled';
  return currentStageId(state);
}

export function taskView(t: TaskState, now: number): TaskView {
  return {
    taskId: t.sched.taskId,
    stageId: t.sched.stageId,
    title: t.sched.title,
    kind: t.sched.kind,
    origin: t.origin,
    status: t.status,
    opensAt: t.sched.opensAt,
    dueAt: t.sched.dueAt,
    needsReview: t.sched.needsReview,
    gap: t.gap,
    overdue: isOverdue(t, now),
    late: t.late,
    submissions: t.submissions,
    returns: t.returns,
    escalationLevel: t.fired.at(-1)?.level ?? 0,
    ...(t.completedAt ? { completedAt: t.completedAt } : {}),
    ...(t.lastReturn ? { lastReturn: t.lastReturn } : {}),
  };
}

export function statusOf(ctx: Ctx, state: CampaignState, now: number): UnitCampaignStatus {
  const openEscalations: EscalationView[] = [];
  for (const t of state.tasks) {
    if (!ACTIVE.includes(t.status)) continue;
    t.fired.forEach((f, i) => {
      openEscalations.push({
        taskId: t.sched.taskId,
        level: f.level,
        label: f.label,
        firedAt: f.at,
        repeats: f.repeats,
        acknowledged: f.acknowledged,
        ...(i === t.fired.length - 1 && t.repeatAt ? { nextRepeatAt: t.repeatAt } : {}),
      });
    });
  }
  return {
    campaignId: ctx.campaignId,
    unitId: ctx.unit.id,
    unitName: ctx.unitName,
    planId: ctx.plan.id,
    phase: state.phase,
    stage: stageLabel(state),
    stages: state.stages.map((s) => ({ stageId: s.stageId, title: s.title, status: s.status, opensAt: s.opensAt, dueAt: s.dueAt })),
    tasks: state.tasks.map((t) => taskView(t, now)),
    overdueCount: overdueCount(state, now),
    openEscalations,
    surveys: state.surveys.map((s) => ({ ...s })),
    remedialRound: state.remedialRound,
    lookBackDone: state.lookBackDone,
    ...(state.pausedAt ? { pausedAt: state.pausedAt } : {}),
    timeline: state.timeline.map((e) => ({ ...e })),
    timelineDropped: state.timelineDropped,
    run: state.run,
  };
}

/** The compact answer to an Update: the task it concerned, if any, and what happened. */
export function ackOf(state: CampaignState, taskId: string | undefined): UpdateAck {
  const t = taskId === undefined ? undefined : findTask(state, taskId);
  return {
    ...(t ? { taskId: t.sched.taskId, status: t.status, dueAt: t.sched.dueAt } : {}),
    phase: state.phase,
    message: state.timeline.at(-1)?.text ?? '',
  };
}

export function resultOf(ctx: Ctx, state: CampaignState, now: number): UnitCampaignResult {
  return {
    campaignId: ctx.campaignId,
    unitId: ctx.unit.id,
    outcome: state.phase === 'cancelled' ? 'cancelled' : 'completed',
    startedAt: state.startedAt,
    finishedAt: state.finishedAt ?? iso(now),
    ...(state.cancelReason ? { cancelReason: state.cancelReason } : {}),
    lateTasks: state.tasks.filter((t) => t.late).map((t) => t.sched.taskId),
    waivedTasks: state.tasks.filter((t) => t.status === 'waived').map((t) => t.sched.taskId),
    escalationsSent: state.escalationsSent,
    highestEscalationLevel: state.highestLevel,
    surveyRounds: state.surveys.length,
    surveyOutcome: state.surveyOutcome,
    notificationsSent: state.sent,
  };
}
