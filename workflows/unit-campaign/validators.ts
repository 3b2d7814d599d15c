/**
 * Update validators: every problem with a request, named by field, in Chinese, all at once. They
 * read the state and never change it; a rejected Update leaves no trace in history.
 */
import { ms } from '../../domain/calendar/index.js';
import { parseDuration } from '../../domain/plan/expr.js';
import { findTask, openSurveyTask, parseDue, type CampaignState, type Ctx } from './state.js';
import {
  SURVEY_METHODS,
  type AcknowledgeEscalationRequest,
  type AddAdHocItemRequest,
  type AddGapItemRequest,
  type CancelRequest,
  type ExtendDeadlineRequest,
  type OfficeRequest,
  type RecordSurveyRequest,
  type ResumeRequest,
  type ReviewDeliverableRequest,
  type ShiftDatesRequest,
  type SubmitDeliverableRequest,
  type UnitCampaignInput,
  type WaiveTaskRequest,
} from './messages.js';

export type Actor = 'liaison' | 'unit_head' | 'supervisor_group' | 'office';

const FILE_REF = /^sha256:[0-9a-f]{64}$/;
const ROLE_CN: Record<Actor, string> = { liaison: '联络员', unit_head: '第一责任人', supervisor_group: '指导组成员', office: '活动办' };

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

class Problems {
  readonly list: string[] = [];
  add(field: string, message: string): void {
    this.list.push(`${field}：${message}`);
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkActor(p: Problems, input: UnitCampaignInput, field: string, id: unknown, allowed: Actor[]): void {
  if (typeof id !== 'string' || id.trim() === '') {
    p.add(field, '请填写操作人编号');
    return;
  }
  const roles = rolesOf(input, id);
  if (!roles.some((r) => allowed.includes(r))) {
    p.add(field, `「${id}」不是${input.unit.name}的${allowed.map((a) => ROLE_CN[a]).join('或')}，无权进行此操作`);
  }
}

function checkText(p: Problems, field: string, value: unknown, max: number, required: boolean, what: string): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || value.trim() === '') p.add(field, `请填写${what}`);
  else if (value.length > max) p.add(field, `${what}不能超过 ${max} 字（现为 ${value.length} 字）`);
}

function checkRunning(p: Problems, state: CampaignState): void {
  if (state.phase === 'completed') p.add('状态', '本单位活动已完成，不能再修改');
  if (state.phase === 'cancelled') p.add('状态', '本单位活动已撤销，不能再修改');
}

function checkDue(p: Problems, ctx: Ctx, field: string, value: unknown, now: number, after?: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    p.add(field, '请填写日期（如 2009-12-20）或时刻（如 2009-12-20T17:30:00+08:00）');
    return;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    p.add(field, `「${value}」不是日期（2009-12-20）或带时区的时刻（2009-12-20T17:30:00+08:00）`);
    return;
  }
  let at: number;
  try {
    at = ms(parseDue(ctx, value));
  } catch {
    p.add(field, `「${value}」不是有效日期`);
    return;
  }
  if (Number.isNaN(at)) p.add(field, `「${value}」不是有效日期`);
  else if (at <= now) p.add(field, `「${value}」已经过去，请给出将来的期限`);
  else if (after !== undefined && at <= ms(after)) p.add(field, `「${value}」不晚于现在的截止时间，延期须晚于原期限`);
}

function checkDuration(p: Problems, field: string, value: unknown): void {
  if (typeof value !== 'string' || !parseDuration(value).ok) p.add(field, `「${String(value)}」不是时长，应写作 5wd（工作日）、7d、1mo、2h 等`);
}

function done(p: Problems): string[] {
  return p.list;
}

export function validateSubmit(ctx: Ctx, input: UnitCampaignInput, state: CampaignState, req: unknown): string[] {
  const p = new Problems();
  if (!isObject(req)) return ['请求：必须是一个对象'];
  const r = req as Partial<SubmitDeliverableRequest>;
  checkRunning(p, state);
  const t = typeof r.taskId === 'string' ? findTask(state, r.taskId) : undefined;
  if (!t) p.add('taskId', `本单位没有任务「${String(r.taskId)}」`);
  else if (t.sched.kind === 'satisfaction_survey') p.add('taskId', `「${t.sched.title}」是满意度测评，请用 recordSurvey 录入测评结果`);
  else if (t.status === 'pending') p.add('taskId', `任务「${t.sched.title}」尚未开始，${t.sched.opensAt} 开始后才能报送`);
  else if (t.status === 'submitted') p.add('taskId', `任务「${t.sched.title}」已报送，正在等待指导组审查`);
  else if (t.status === 'done' || t.status === 'waived') p.add('taskId', `任务「${t.sched.title}」已${t.status === 'done' ? '完成' : '免除'}，不能重复报送`);
  checkActor(p, input, 'submittedBy', r.submittedBy, ['liaison', 'unit_head']);
  checkText(p, 'summary', r.summary, 2000, true, '简要说明');
  if (!Array.isArray(r.fileRefs)) p.add('fileRefs', '必须是文件引用列表（可以为空）');
  else {
    if (r.fileRefs.length > 50) p.add('fileRefs', `文件引用不能超过 50 个（现为 ${r.fileRefs.length} 个）`);
    r.fileRefs.forEach((ref, i) => {
      if (typeof ref !== 'string' || !FILE_REF.test(ref)) p.add(`fileRefs[${i}]`, `「${String(ref)}」不是文件引用（sha256:后跟 64 位十六进制）`);
    });
  }
  return done(p);
}

export function validateReview(ctx: Ctx, input: UnitCampaignInput, state: CampaignState, req: unknown): string[] {
  const p = new Problems();
  if (!isObject(req)) return ['请求：必须是一个对象'];
  const r = req as Partial<ReviewDeliverableRequest>;
  checkRunning(p, state);
  const t = typeof r.taskId === 'string' ? findTask(state, r.taskId) : undefined;
  if (!t) p.add('taskId', `本单位没有任务「${String(r.taskId)}」`);
  else if (!t.sched.needsReview) p.add('taskId', `任务「${t.sched.title}」不需要指导组审查`);
  else if (t.status !== 'submitted') p.add('taskId', `任务「${t.sched.title}」没有待审查的报送（当前状态：${t.status}）`);
  checkActor(p, input, 'reviewedBy', r.reviewedBy, ['supervisor_group', 'office']);
  if (r.decision !== 'approve' && r.decision !== 'return') p.add('decision', `「${String(r.decision)}」无效，应为 approve（通过）或 return（退回）`);
  if (r.reasons !== undefined && (!Array.isArray(r.reasons) || r.reasons.some((x) => typeof x !== 'string' || x.trim() === '' || x.length > 500))) {
    p.add('reasons', '应为退回理由列表，每条为非空文字，不超过 500 字');
  }
  if (r.failedItems !== undefined) {
    if (!Array.isArray(r.failedItems)) p.add('failedItems', '应为清单项编号列表');
    else if (t) {
      const items = t.sched.checklist?.items.map((i) => i.id) ?? [];
      r.failedItems.forEach((id, i) => {
        if (!items.includes(String(id)))
          p.add(`failedItems[${i}]`, items.length === 0 ? `任务「${t.sched.title}」没有审查清单` : `「${String(id)}」不是「${t.sched.checklist?.title ?? ''}」的清单项（可选：${items.join('、')}）`);
      });
    }
  }
  if (r.decision === 'return') {
    const n = (Array.isArray(r.reasons) ? r.reasons.length : 0) + (Array.isArray(r.failedItems) ? r.failedItems.length : 0);
    if (n === 0) p.add('reasons', '退回时请写明理由或勾选未通过的清单项');
  }
  return done(p);
}

export function validateAcknowledge(input: UnitCampaignInput, state: CampaignState, req: unknown): string[] {
  const p = new Problems();
  if (!isObject(req)) return ['请求：必须是一个对象'];
  const r = req as Partial<AcknowledgeEscalationRequest>;
  checkRunning(p, state);
  const t = typeof r.taskId === 'string' ? findTask(state, r.taskId) : undefined;
  if (!t) p.add('taskId', `本单位没有任务「${String(r.taskId)}」`);
  else if (typeof r.level !== 'number' || !Number.isInteger(r.level)) p.add('level', '应为催办级别（整数）');
  else {
    const f = t.fired.find((x) => x.level === r.level);
    if (!f) p.add('level', `任务「${t.sched.title}」当前没有第 ${r.level} 级催办`);
    else if (f.acknowledged) p.add('level', `任务「${t.sched.title}」第 ${r.level} 级催办已签收过`);
  }
  checkActor(p, input, 'by', r.by, ['supervisor_group', 'office']);
  checkText(p, 'note', r.note, 500, false, '说明');
  return done(p);
}

export function validateExtend(ctx: Ctx, input: UnitCampaignInput, state: CampaignState, req: unknown, now: number): string[] {
  const p = new Problems();
  if (!isObject(req)) return ['请求：必须是一个对象'];
  const r = req as Partial<ExtendDeadlineRequest>;
  checkRunning(p, state);
  const t = typeof r.taskId === 'string' ? findTask(state, r.taskId) : undefined;
  if (!t) p.add('taskId', `本单位没有任务「${String(r.taskId)}」`);
  else if (t.status === 'done' || t.status === 'waived') p.add('taskId', `任务「${t.sched.title}」已${t.status === 'done' ? '完成' : '免除'}，无需延期`);
  checkDue(p, ctx, 'newDue', r.newDue, now, t?.sched.dueAt);
  checkActor(p, input, 'by', r.by, ['supervisor_group', 'office']);
  checkText(p, 'reason', r.reason, 500, true, '延期理由');
  return done(p);
}

export function validateAddGap(ctx: Ctx, input: UnitCampaignInput, state: CampaignState, req: unknown, now: number): string[] {
  const p = new Problems();
  if (!isObject(req)) return ['请求：必须是一个对象'];
  const r = req as Partial<AddGapItemRequest>;
  checkRunning(p, state);
  if (!ctx.plan.lookBack) p.add('计划', '本计划没有回头看环节');
  checkActor(p, input, 'by', r.by, ['supervisor_group', 'office']);
  checkText(p, 'title', r.title, 100, true, '事项名称');
  checkText(p, 'note', r.note, 500, false, '说明');
  if (r.due !== undefined) checkDue(p, ctx, 'due', r.due, now);
  if (state.tasks.length >= 400) p.add('title', '本单位事项已达 400 项上限');
  return done(p);
}

export function validateSurvey(ctx: Ctx, input: UnitCampaignInput, state: CampaignState, req: unknown): string[] {
  const p = new Problems();
  if (!isObject(req)) return ['请求：必须是一个对象'];
  const r = req as Partial<RecordSurveyRequest>;
  checkRunning(p, state);
  checkActor(p, input, 'by', r.by, ['supervisor_group', 'office']);
  if (!ctx.plan.satisfaction) p.add('计划', '本计划没有满意度测评环节');
  else {
    const t = openSurveyTask(ctx, state);
    if (!t) p.add('状态', '当前没有待录入的满意度测评（测评尚未开始或已录入）');
    else if (t.origin === 'remedial') {
      const prefix = t.sched.taskId.replace(/_resurvey$/, '_');
      const pending = state.tasks.filter((x) => x.sched.taskId.startsWith(prefix) && x !== t && x.status !== 'done' && x.status !== 'waived');
      if (pending.length > 0) p.add('状态', `补课事项尚未完成（${pending.map((x) => x.sched.title).join('、')}），完成后才能重新测评`);
    }
  }
  const counts = ['satisfied', 'basicallySatisfied', 'dissatisfied', 'respondents'] as const;
  for (const k of counts) {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) p.add(k, `应为不小于 0 的整数（现为「${String(v)}」）`);
  }
  if (counts.every((k) => typeof r[k] === 'number')) {
    const sum = r.satisfied! + r.basicallySatisfied! + r.dissatisfied!;
    if (r.respondents === 0) p.add('respondents', '参评人数不能为 0');
    else if (sum !== r.respondents) p.add('respondents', `参评人数 ${r.respondents} 与满意、基本满意、不满意之和 ${sum} 不一致`);
  }
  if (!SURVEY_METHODS.includes(r.method as never)) p.add('method', `「${String(r.method)}」无效，可选：${SURVEY_METHODS.join('、')}`);
  return done(p);
}

function checkOffice(p: Problems, input: UnitCampaignInput, r: Partial<OfficeRequest>): void {
  checkActor(p, input, 'by', r.by, ['office']);
}

export function validatePause(input: UnitCampaignInput, state: CampaignState, req: unknown): string[] {
  const p = new Problems();
  if (!isObject(req)) return ['请求：必须是一个对象'];
  checkRunning(p, state);
  if (state.phase === 'paused') p.add('状态', '本单位活动已处于暂停状态');
  checkOffice(p, input, req);
  checkText(p, 'reason', req.reason, 500, false, '暂停理由');
  return done(p);
}

export function validateResume(input: UnitCampaignInput, state: CampaignState, req: unknown): string[] {
  const p = new Problems();
  if (!isObject(req)) return ['请求：必须是一个对象'];
  const r = req as Partial<ResumeRequest>;
  checkRunning(p, state);
  if (state.phase === 'running') p.add('状态', '本单位活动没有暂停，无需恢复');
  checkOffice(p, input, r);
  if (r.shiftBy !== undefined) checkDuration(p, 'shiftBy', r.shiftBy);
  return done(p);
}

export function validateShift(input: UnitCampaignInput, state: CampaignState, req: unknown): string[] {
  const p = new Problems();
  if (!isObject(req)) return ['请求：必须是一个对象'];
  const r = req as Partial<ShiftDatesRequest>;
  checkRunning(p, state);
  checkOffice(p, input, r);
  checkDuration(p, 'shift', r.shift);
  return done(p);
}

export function validateWaive(input: UnitCampaignInput, state: CampaignState, req: unknown): string[] {
  const p = new Problems();
  if (!isObject(req)) return ['请求：必须是一个对象'];
  const r = req as Partial<WaiveTaskRequest>;
  checkRunning(p, state);
  const t = typeof r.taskId === 'string' ? findTask(state, r.taskId) : undefined;
  if (!t) p.add('taskId', `本单位没有任务「${String(r.taskId)}」`);
  else if (t.status === 'done' || t.status === 'waived') p.add('taskId', `任务「${t.sched.title}」已${t.status === 'done' ? '完成' : '免除'}`);
  checkOffice(p, input, r);
  checkText(p, 'reason', r.reason, 500, true, '免除理由');
  return done(p);
}

export function validateAdHoc(ctx: Ctx, input: UnitCampaignInput, state: CampaignState, req: unknown, now: number): string[] {
  const p = new Problems();
  if (!isObject(req)) return ['请求：必须是一个对象'];
  const r = req as Partial<AddAdHocItemRequest>;
  checkRunning(p, state);
  checkOffice(p, input, r);
  checkText(p, 'title', r.title, 100, true, '督办事项名称');
  checkText(p, 'note', r.note, 500, false, '说明');
  checkDue(p, ctx, 'due', r.due, now);
  if (state.tasks.length >= 400) p.add('title', '本单位事项已达 400 项上限');
  return done(p);
}

export function validateCancel(input: UnitCampaignInput, state: CampaignState, req: unknown): string[] {
  const p = new Problems();
  if (!isObject(req)) return ['请求：必须是一个对象'];
  const r = req as Partial<CancelRequest>;
  checkRunning(p, state);
  checkOffice(p, input, r);
  checkText(p, 'reason', r.reason, 500, true, '撤销理由');
  return done(p);
}
