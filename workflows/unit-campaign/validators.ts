/**
 * Update validators: every problem with a request, named by field, in Chinese, all at once. The
 * structural half is the operation's schema (messages.ts, the same one the API checks bodies
 * with); the other half reads the unit's state: is the task there and open, may this person act,
 * is the date ahead. They read the state and never change it; a rejected Update leaves no trace.
 *
 * The workflow runs them in the Update's validator and once more in its handler, because another
 * Update accepted in the same activation may have moved the state in between.
 */
import { ms } from '../../domain/calendar/index.js';
import { checkInput, problemLine, type Problem } from '../../domain/input/problems.js';
import { findTask, openSurveyTask, parseDue, type CampaignState, type Ctx } from './state.js';
import { UNIT_OPERATIONS, type Actor, type Operation, type UnitCampaignInput } from './messages.js';

export type { Actor };

const ROLE_CN: Record<Actor, string> = { liaison: '联络员', unit_head: '第一责任人', supervisor_group: '指导组成员', office: '活动办' };
/** A unit may hold at most this many tasks, added items included. */
const TASK_LIMIT = 400;

/** What a person may do for this unit, from the ids the input carries. */
export function rolesOf(input: UnitCampaignInput, personId: unknown): Actor[] {
  if (typeof personId !== 'string' || personId === '') return [];
  const roles: Actor[] = [];
  if (input.unit.liaison.id === personId) roles.push('liaison');
  if (input.unit.head.id === personId) roles.push('unit_head');
  if (input.unit.group.members.some((m) => m.id === personId)) roles.push('supervisor_group');
  if (input.office.members.some((m) => m.id === personId)) roles.push('office');
  return roles;
}

/** The request's fields as sent: each rule checks the type of what it reads (the schema reports wrong types). */
type Fields = Record<string, unknown>;

class Problems {
  readonly list: Problem[] = [];
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
}

interface Rule {
  /** Absent for the operations whose rules need neither the plan nor the calendar. */
  ctx: Ctx | undefined;
  input: UnitCampaignInput;
  state: CampaignState;
  now: number;
  p: Problems;
  r: Fields;
}

const isObject = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** `fileRefs[0]` → `fileRefs`: the request field a problem is about. */
const topField = (field: string): string => field.split(/[.[]/)[0] ?? field;

function checkRunning({ p, state }: Rule): void {
  if (state.phase === 'completed') p.add('状态', '本单位活动已完成，不能再修改');
  if (state.phase === 'cancelled') p.add('状态', '本单位活动已撤销，不能再修改');
}

function checkActor({ p, input, r }: Rule, op: Operation): void {
  const { actor: field, actors: allowed } = UNIT_OPERATIONS[op];
  const id = str(r[field]);
  if (id === undefined || id.trim() === '') return; // the schema names a missing or blank person
  if (!rolesOf(input, id).some((role) => allowed.includes(role))) {
    p.add(field, `「${id}」不是${input.unit.name}的${allowed.map((a) => ROLE_CN[a]).join('或')}，无权进行此操作`);
  }
}

/** Whether a date the schema accepted lies ahead (and after `after`, for an extension). */
function checkDueAhead({ p, ctx, now }: Rule, field: string, value: unknown, after?: string): void {
  if (typeof value !== 'string' || !ctx) return;
  let at: number;
  try {
    at = ms(parseDue(ctx, value));
  } catch {
    at = Number.NaN;
  }
  if (Number.isNaN(at)) p.add(field, `「${value}」不是有效日期`);
  else if (at <= now) p.add(field, `「${value}」已经过去，请给出将来的期限`);
  else if (after !== undefined && at <= ms(after)) p.add(field, `「${value}」不晚于现在的截止时间，延期须晚于原期限`);
}

function taskNamed({ p, state, r }: Rule) {
  const taskId = str(r.taskId);
  const t = taskId === undefined ? undefined : findTask(state, taskId);
  if (!t && taskId !== undefined) p.add('taskId', `本单位没有任务「${taskId}」`);
  return t;
}

function checkTaskLimit({ p, state }: Rule): void {
  if (state.tasks.length >= TASK_LIMIT) p.add('title', `本单位事项已达 ${TASK_LIMIT} 项上限`);
}

/** The state-dependent rules of each operation (beyond the unit running and the acting person). */
const RULES: { [Op in Operation]: (rule: Rule) => void } = {
  submit(rule) {
    const t = taskNamed(rule);
    if (!t) return;
    if (t.sched.kind === 'satisfaction_survey') rule.p.add('taskId', `「${t.sched.title}」是满意度测评，请用 recordSurvey 录入测评结果`);
    else if (t.status === 'pending') rule.p.add('taskId', `任务「${t.sched.title}」尚未开始，${t.sched.opensAt} 开始后才能报送`);
    else if (t.status === 'submitted') rule.p.add('taskId', `任务「${t.sched.title}」已报送，正在等待指导组审查`);
    else if (t.status === 'done' || t.status === 'waived') rule.p.add('taskId', `任务「${t.sched.title}」已${t.status === 'done' ? '完成' : '免除'}，不能重复报送`);
  },
  review(rule) {
    const { p, r } = rule;
    const t = taskNamed(rule);
    if (t && !t.sched.needsReview) p.add('taskId', `任务「${t.sched.title}」不需要指导组审查`);
    else if (t && t.status !== 'submitted') p.add('taskId', `任务「${t.sched.title}」没有待审查的报送（当前状态：${t.status}）`);
    if (t && Array.isArray(r.failedItems)) {
      const items = t.sched.checklist?.items.map((i) => i.id) ?? [];
      r.failedItems.forEach((id, i) => {
        if (typeof id !== 'string' || items.includes(id)) return;
        p.add(`failedItems[${i}]`, items.length === 0 ? `任务「${t.sched.title}」没有审查清单` : `「${id}」不是「${t.sched.checklist?.title ?? ''}」的清单项（可选：${items.join('、')}）`);
      });
    }
    if (r.decision === 'return') {
      const n = (Array.isArray(r.reasons) ? r.reasons.length : 0) + (Array.isArray(r.failedItems) ? r.failedItems.length : 0);
      if (n === 0) p.add('reasons', '退回时请写明理由或勾选未通过的清单项');
    }
  },
  acknowledge(rule) {
    const t = taskNamed(rule);
    const level = rule.r.level;
    if (!t || typeof level !== 'number') return;
    const f = t.fired.find((x) => x.level === level);
    if (!f) rule.p.add('level', `任务「${t.sched.title}」当前没有第 ${level} 级催办`);
    else if (f.acknowledged) rule.p.add('level', `任务「${t.sched.title}」第 ${level} 级催办已签收过`);
  },
  extend(rule) {
    const t = taskNamed(rule);
    if (t && (t.status === 'done' || t.status === 'waived')) rule.p.add('taskId', `任务「${t.sched.title}」已${t.status === 'done' ? '完成' : '免除'}，无需延期`);
    checkDueAhead(rule, 'newDue', rule.r.newDue, t?.sched.dueAt);
  },
  addGap(rule) {
    if (!rule.ctx?.plan.lookBack) rule.p.add('计划', '本计划没有回头看环节');
    if (rule.r.due !== undefined) checkDueAhead(rule, 'due', rule.r.due);
    checkTaskLimit(rule);
  },
  survey(rule) {
    const { p, ctx, state, r } = rule;
    if (!ctx?.plan.satisfaction) p.add('计划', '本计划没有满意度测评环节');
    else {
      const t = openSurveyTask(ctx, state);
      if (!t) p.add('状态', '当前没有待录入的满意度测评（测评尚未开始或已录入）');
      else if (t.origin === 'remedial') {
        const prefix = t.sched.taskId.replace(/_resurvey$/, '_');
        const pending = state.tasks.filter((x) => x.sched.taskId.startsWith(prefix) && x !== t && x.status !== 'done' && x.status !== 'waived');
        if (pending.length > 0) p.add('状态', `补课事项尚未完成（${pending.map((x) => x.sched.title).join('、')}），完成后才能重新测评`);
      }
    }
    const [satisfied, basically, dissatisfied, respondents] = [r.satisfied, r.basicallySatisfied, r.dissatisfied, r.respondents];
    if (typeof satisfied === 'number' && typeof basically === 'number' && typeof dissatisfied === 'number' && typeof respondents === 'number') {
      const sum = satisfied + basically + dissatisfied;
      if (respondents === 0) p.add('respondents', '参评人数不能为 0');
      else if (sum !== respondents) p.add('respondents', `参评人数 ${respondents} 与满意、基本满意、不满意之和 ${sum} 不一致`);
    }
  },
  pause(rule) {
    if (rule.state.phase === 'paused') rule.p.add('状态', '本单位活动已处于暂停状态');
  },
  resume(rule) {
    if (rule.state.phase === 'running') rule.p.add('状态', '本单位活动没有暂停，无需恢复');
  },
  shift() {},
  waive(rule) {
    const t = taskNamed(rule);
    if (t && (t.status === 'done' || t.status === 'waived')) rule.p.add('taskId', `任务「${t.sched.title}」已${t.status === 'done' ? '完成' : '免除'}`);
  },
  adhoc(rule) {
    checkDueAhead(rule, 'due', rule.r.due);
    checkTaskLimit(rule);
  },
  cancel() {},
};

/**
 * Every problem with `req` as operation `op` on this unit now: the schema's, then the unit's.
 * A rule about a field the schema already refused says nothing more about it.
 */
export function validate(op: Operation, ctx: Ctx | undefined, input: UnitCampaignInput, state: CampaignState, req: unknown, now: number): string[] {
  const structural = checkInput(UNIT_OPERATIONS[op].request, req);
  const refused = structural.ok ? [] : structural.problems;
  const rule: Rule = { ctx, input, state, now, p: new Problems(), r: isObject(req) ? req : {} };
  checkRunning(rule);
  if (isObject(req)) {
    checkActor(rule, op);
    RULES[op](rule);
  }
  const refusedFields = new Set(refused.map((x) => topField(x.field)));
  const stateful = rule.p.list.filter((x) => !refusedFields.has(topField(x.field)));
  return [...refused, ...stateful].map((x) => problemLine(x));
}

// One per Update, as the workflow registers them.
export const validateSubmit = (c: Ctx, i: UnitCampaignInput, s: CampaignState, req: unknown, now = 0) => validate('submit', c, i, s, req, now);
export const validateReview = (c: Ctx, i: UnitCampaignInput, s: CampaignState, req: unknown, now = 0) => validate('review', c, i, s, req, now);
export const validateExtend = (c: Ctx, i: UnitCampaignInput, s: CampaignState, req: unknown, now: number) => validate('extend', c, i, s, req, now);
export const validateAddGap = (c: Ctx, i: UnitCampaignInput, s: CampaignState, req: unknown, now: number) => validate('addGap', c, i, s, req, now);
export const validateSurvey = (c: Ctx, i: UnitCampaignInput, s: CampaignState, req: unknown, now = 0) => validate('survey', c, i, s, req, now);
export const validateAdHoc = (c: Ctx, i: UnitCampaignInput, s: CampaignState, req: unknown, now: number) => validate('adhoc', c, i, s, req, now);
export const validateAcknowledge = (i: UnitCampaignInput, s: CampaignState, req: unknown) => validate('acknowledge', undefined, i, s, req, 0);
export const validatePause = (i: UnitCampaignInput, s: CampaignState, req: unknown) => validate('pause', undefined, i, s, req, 0);
export const validateResume = (i: UnitCampaignInput, s: CampaignState, req: unknown) => validate('resume', undefined, i, s, req, 0);
export const validateShift = (i: UnitCampaignInput, s: CampaignState, req: unknown) => validate('shift', undefined, i, s, req, 0);
export const validateWaive = (i: UnitCampaignInput, s: CampaignState, req: unknown) => validate('waive', undefined, i, s, req, 0);
export const validateCancel = (i: UnitCampaignInput, s: CampaignState, req: unknown) => validate('cancel', undefined, i, s, req, 0);
