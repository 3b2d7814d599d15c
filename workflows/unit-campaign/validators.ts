/**
 * Update validators: every problem with a request, named by field, in Chinese, all at once. The
 * structural half is the operation's schema (messages.ts, the same one the API checks bodies
 * with); the other half reads the unit's state: is the task there and open, may this person act,
 * is the date ahead. They read the state and never change it; a rejected Update leaves no trace.
 *
 * The workflow runs them in the Update's validator and once more in its handler, because another
 * Update accepted in the same activation may have moved the state in between. Each operation's own
 * rule is in operations.ts, beside what the operation does.
 */
import { isIsoDate, ms } from '../../domain/calendar/index.js';
import { checkInput, problemLine, type Problem } from '../../domain/input/problems.js';
import { findTask, parseDue, type CampaignState, type Ctx } from './state.js';
import { UNIT_OPERATIONS, type Actor, type Operation, type UnitCampaignInput } from './messages.js';

export type { Actor };

const ROLE_CN: Record<Actor, string> = {
  liaison: '联络员',
  unit_head: '第一责任人',
  supervisor_group: '指导组成员',
  office: '活动办',
};
/** A unit may hold at most this many tasks, added items included. */
const TASK_LIMIT = 400;

/** What a person may do for this unit, from the ids the input carries. */
function rolesOf(input: UnitCampaignInput, personId: unknown): Actor[] {
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

export class Problems {
  readonly list: Problem[] = [];
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
}

export interface Rule {
  ctx: Ctx;
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
    p.add(
      field,
      `「${id}」不是${input.unit.name}的${allowed.map((a) => ROLE_CN[a]).join('或')}，无权进行此操作`,
    );
  }
}

/** Whether a date the schema accepted lies ahead (and after `after`, for an extension). */
export function checkDueAhead({ p, ctx, now }: Rule, field: string, value: unknown, after?: string): void {
  if (typeof value !== 'string') return;
  let at: number;
  try {
    at = ms(parseDue(ctx, value));
  } catch {
    at = Number.NaN;
  }
  if (Number.isNaN(at)) p.add(field, `「${value}」不是有效日期`);
  else if (at <= now) p.add(field, `「${value}」已经过去，请给出将来的期限`);
  else if (after !== undefined && at <= ms(after))
    p.add(field, `「${value}」不晚于现在的截止时间，延期须晚于原期限`);
}

export function taskNamed({ p, state, r }: Rule) {
  const taskId = str(r.taskId);
  const t = taskId === undefined ? undefined : findTask(state, taskId);
  if (!t && taskId !== undefined) p.add('taskId', `本单位没有任务「${taskId}」`);
  return t;
}

export function checkTaskLimit({ p, state }: Rule): void {
  if (state.tasks.length >= TASK_LIMIT) p.add('title', `本单位事项已达 ${TASK_LIMIT} 项上限`);
}

/**
 * Every problem with `req` as operation `op` on this unit now: the schema's, then the unit's
 * (`check`, the operation's own rule in operations.ts). A rule about a field the schema already
 * refused says nothing more about it.
 */
export function validate(
  op: Operation,
  check: (rule: Rule) => void,
  ctx: Ctx,
  input: UnitCampaignInput,
  state: CampaignState,
  req: unknown,
  now: number,
): string[] {
  const structural = checkInput(UNIT_OPERATIONS[op].request, req);
  const refused = structural.ok ? [] : structural.problems;
  const rule: Rule = { ctx, input, state, now, p: new Problems(), r: isObject(req) ? req : {} };
  checkRunning(rule);
  if (isObject(req)) {
    checkActor(rule, op);
    check(rule);
  }
  const refusedFields = new Set(refused.map((x) => topField(x.field)));
  const stateful = rule.p.list.filter((x) => !refusedFields.has(topField(x.field)));
  return [...refused, ...stateful].map((x) => problemLine(x));
}

const CALENDAR_DAYS_LIMIT = 120;

/** The updateCalendar payload: a year's dates only, small, each inside the year. */
export function validateCalendarYear(req: unknown): string[] {
  if (!isObject(req)) return ['日历更新应为一年的节假日安排（year、version、hash、source、days）'];
  const out: string[] = [];
  const year = req.year;
  const okYear = typeof year === 'number' && Number.isInteger(year) && year >= 2000 && year <= 2100;
  if (!okYear) out.push('year：应为 2000 至 2100 之间的年份');
  if (typeof req.version !== 'number' || !Number.isInteger(req.version) || req.version < 1)
    out.push('version：应为正整数（日历存储中的版本号）');
  if (typeof req.hash !== 'string' || req.hash.length === 0 || req.hash.length > 128)
    out.push('hash：应为日历内容的摘要');
  if (typeof req.source !== 'string' || req.source.trim() === '' || req.source.length > 200)
    out.push('source：应写明所依据的通知（不超过 200 字）');
  const days = req.days;
  if (!Array.isArray(days) || days.length === 0 || days.length > CALENDAR_DAYS_LIMIT) {
    out.push(`days：应列出 1 至 ${CALENDAR_DAYS_LIMIT} 个放假日或调休上班日`);
    return out;
  }
  days.forEach((d: unknown, i) => {
    const f = `days[${i}]`;
    if (!isObject(d)) return out.push(`${f}：应为 { date, working, note }`);
    const date = str(d.date);
    if (!date || !isIsoDate(date)) out.push(`${f}.date：应为有效日期，如 2027-01-01`);
    else if (okYear && !date.startsWith(`${year}-`)) out.push(`${f}.date：${date} 不在 ${year} 年内`);
    if (typeof d.working !== 'boolean') out.push(`${f}.working：应为 true（调休上班）或 false（放假）`);
    if (d.note !== undefined && (typeof d.note !== 'string' || d.note.length > 40))
      out.push(`${f}.note：应为不超过 40 字的名称`);
  });
  return out;
}
