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
import { ms } from '../../domain/calendar/index.js';
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
