/**
 * What each unit operation checks and what it does, one entry per operation (its schema, Update
 * and who may act are in messages.ts). `check` is the state-dependent rule the validators run after
 * the schema and the acting person; `apply` is the state machine's transition, returning the id of
 * the task it created or acted on when the request names none. The workflow registers every entry.
 */
import { ms } from '../../domain/calendar/index.js';
import type { Operation, OperationRequests, UnitCampaignInput } from './messages.js';
import * as S from './state.js';
import { checkDueAhead, checkTaskLimit, taskNamed, validate, type Rule } from './validators.js';

/** 「A」、「B」: the titles of a waiting step's predecessors. */
function predecessorTitles(rule: Rule, ids: readonly string[]): string {
  return ids.map((id) => `「${S.findTask(rule.state, id)?.sched.title ?? id}」`).join('、');
}

interface OperationRule<Op extends Operation> {
  check(rule: Rule): void;
  apply(ctx: S.Ctx, state: S.CampaignState, req: OperationRequests[Op], now: number): string | void;
}

export const OPERATION_RULES: { [Op in Operation]: OperationRule<Op> } = {
  submit: {
    check(rule) {
      const t = taskNamed(rule);
      if (!t) return;
      if (t.sched.kind === 'satisfaction_survey')
        rule.p.add('taskId', `「${t.sched.title}」是满意度测评，请用 recordSurvey 录入测评结果`);
      else if (t.status === 'pending' && t.sched.after?.length && rule.ctx.stepOrder)
        rule.p.add(
          'taskId',
          `任务「${t.sched.title}」须在前序步骤${predecessorTitles(rule, t.sched.after)}完成后才能报送`,
        );
      else if (t.status === 'pending')
        rule.p.add('taskId', `任务「${t.sched.title}」尚未开始，${t.sched.opensAt} 开始后才能报送`);
      else if (t.status === 'submitted')
        rule.p.add('taskId', `任务「${t.sched.title}」已报送，正在等待指导组审查`);
      else if (t.status === 'done' || t.status === 'waived')
        rule.p.add(
          'taskId',
          `任务「${t.sched.title}」已${t.status === 'done' ? '完成' : '免除'}，不能重复报送`,
        );
    },
    apply: (c, s, r, now) => S.submit(c, s, r.taskId, r.summary, now),
  },
  review: {
    check(rule) {
      const { p, r } = rule;
      const t = taskNamed(rule);
      if (t && !t.sched.needsReview) p.add('taskId', `任务「${t.sched.title}」不需要指导组审查`);
      else if (t && t.status !== 'submitted')
        p.add('taskId', `任务「${t.sched.title}」没有待审查的报送（当前状态：${t.status}）`);
      if (t && Array.isArray(r.failedItems)) {
        const items = t.sched.checklist?.items.map((i) => i.id) ?? [];
        r.failedItems.forEach((id, i) => {
          if (typeof id !== 'string' || items.includes(id)) return;
          p.add(
            `failedItems[${i}]`,
            items.length === 0
              ? `任务「${t.sched.title}」没有审查清单`
              : `「${id}」不是「${t.sched.checklist?.title ?? ''}」的清单项（可选：${items.join('、')}）`,
          );
        });
      }
      if (r.decision === 'return') {
        const n =
          (Array.isArray(r.reasons) ? r.reasons.length : 0) +
          (Array.isArray(r.failedItems) ? r.failedItems.length : 0);
        if (n === 0) p.add('reasons', '退回时请写明理由或勾选未通过的清单项');
      }
    },
    apply: (c, s, r, now) => S.review(c, s, r, now),
  },
  acknowledge: {
    check(rule) {
      const t = taskNamed(rule);
      const level = rule.r.level;
      if (!t || typeof level !== 'number') return;
      const f = t.fired.find((x) => x.level === level);
      if (!f) rule.p.add('level', `任务「${t.sched.title}」当前没有第 ${level} 级催办`);
      else if (f.acknowledged) rule.p.add('level', `任务「${t.sched.title}」第 ${level} 级催办已签收过`);
    },
    apply: (_c, s, r, now) => S.acknowledge(s, r.taskId, r.level, now),
  },
  extend: {
    check(rule) {
      const t = taskNamed(rule);
      if (t && (t.status === 'done' || t.status === 'waived'))
        rule.p.add('taskId', `任务「${t.sched.title}」已${t.status === 'done' ? '完成' : '免除'}，无需延期`);
      checkDueAhead(rule, 'newDue', rule.r.newDue, t?.sched.dueAt);
    },
    apply: (c, s, r, now) => S.extend(c, s, r, now),
  },
  requestExtension: {
    check(rule) {
      const { p, ctx, now } = rule;
      if (!ctx.features?.extensionRequests) {
        p.add('状态', '本单位活动启动于延期申请功能上线之前，请联系指导组或活动办办理延期');
        return;
      }
      const t = taskNamed(rule);
      if (!t) return;
      const title = `任务「${t.sched.title}」`;
      if (t.status === 'done' || t.status === 'waived')
        p.add('taskId', `${title}已${t.status === 'done' ? '完成' : '免除'}，无需延期`);
      else if (t.status === 'submitted') p.add('taskId', `${title}已报送，正在等待审查，无需延期`);
      else if (t.extension)
        p.add(
          'taskId',
          `${title}已有一项延期申请（申请延至 ${S.cnDate(ctx, t.extension.newDueAt)}）正在等待审批，请等待审批结果`,
        );
      else if (ms(t.sched.dueAt) <= now)
        p.add(
          'taskId',
          `${title}已过截止时间（${S.cnDate(ctx, t.sched.dueAt)}），延期须在截止前申请，请联系指导组`,
        );
      else checkDueAhead(rule, 'newDue', rule.r.newDue, t.sched.dueAt);
    },
    apply: (c, s, r, now) => S.requestExtension(c, s, r, now),
  },
  decideExtension: {
    check(rule) {
      const { p, ctx, input, now, r } = rule;
      const t = taskNamed(rule);
      if (!t) return;
      const x = t.extension;
      if (!x) {
        p.add('taskId', `任务「${t.sched.title}」没有待审批的延期申请`);
        return;
      }
      const byOffice = input.office.members.some((m) => m.id === r.decidedBy);
      const inGroup = input.unit.group.members.some((m) => m.id === r.decidedBy);
      if (!byOffice && inGroup && x.decider === 'office')
        p.add(
          'decidedBy',
          `延期 ${x.workingDays} 个工作日，${
            ctx.plan.extension
              ? `超过指导组审批权限（${ctx.plan.extension.groupMaxWorkingDays} 个工作日）`
              : '本计划未授权指导组审批延期'
          }，须由活动办审批`,
        );
      if (r.decision === 'refuse' && (typeof r.comment !== 'string' || r.comment.trim() === ''))
        p.add('comment', '不同意延期时请写明审批意见');
      if (r.decision === 'approve' && ms(x.newDueAt) <= now)
        p.add(
          'decision',
          `申请的新期限 ${S.cnDate(ctx, x.newDueAt)} 已经过去，不能同意；请选择不同意，由单位重新申请`,
        );
    },
    apply: (c, s, r, now) => S.decideExtension(c, s, r, c.officeIds?.includes(r.decidedBy) === true, now),
  },
  addGap: {
    check(rule) {
      if (!rule.ctx.plan.lookBack) rule.p.add('计划', '本计划没有回头看环节');
      if (rule.r.due !== undefined) checkDueAhead(rule, 'due', rule.r.due);
      checkTaskLimit(rule);
    },
    apply: (c, s, r, now) => S.addGapItem(c, s, r, now),
  },
  survey: {
    check(rule) {
      const { p, ctx, state, r } = rule;
      if (!ctx.plan.satisfaction) p.add('计划', '本计划没有满意度测评环节');
      else {
        const t = S.openSurveyTask(ctx, state);
        if (!t) p.add('状态', '当前没有待录入的满意度测评（测评尚未开始或已录入）');
        else if (t.origin === 'remedial') {
          const prefix = t.sched.taskId.replace(/_resurvey$/, '_');
          const pending = state.tasks.filter(
            (x) =>
              x.sched.taskId.startsWith(prefix) && x !== t && x.status !== 'done' && x.status !== 'waived',
          );
          if (pending.length > 0)
            p.add(
              '状态',
              `补课事项尚未完成（${pending.map((x) => x.sched.title).join('、')}），完成后才能重新测评`,
            );
        }
      }
      const [satisfied, basically, dissatisfied, respondents] = [
        r.satisfied,
        r.basicallySatisfied,
        r.dissatisfied,
        r.respondents,
      ];
      if (
        typeof satisfied === 'number' &&
        typeof basically === 'number' &&
        typeof dissatisfied === 'number' &&
        typeof respondents === 'number'
      ) {
        const sum = satisfied + basically + dissatisfied;
        if (respondents === 0) p.add('respondents', '参评人数不能为 0');
        else if (sum !== respondents)
          p.add('respondents', `参评人数 ${respondents} 与满意、基本满意、不满意之和 ${sum} 不一致`);
      }
    },
    apply(c, s, r, now) {
      // The answer names the survey task the result was recorded for.
      const survey = S.openSurveyTask(c, s)?.sched.taskId;
      S.recordSurvey(c, s, r, now);
      return survey;
    },
  },
  supervise: {
    check() {},
    apply: (c, s, r, now) => S.recordSupervision(c, s, r, now),
  },
  pause: {
    check(rule) {
      if (rule.state.phase === 'paused') rule.p.add('状态', '本单位活动已处于暂停状态');
    },
    apply: (_c, s, r, now) => S.pause(s, r.reason, now),
  },
  resume: {
    check(rule) {
      if (rule.state.phase === 'running') rule.p.add('状态', '本单位活动没有暂停，无需恢复');
    },
    apply: (c, s, r, now) => S.resume(c, s, r.shiftBy, now),
  },
  shift: {
    check() {},
    apply: (c, s, r, now) => S.shiftDates(c, s, r.shift, now),
  },
  waive: {
    check(rule) {
      const t = taskNamed(rule);
      if (t && (t.status === 'done' || t.status === 'waived'))
        rule.p.add('taskId', `任务「${t.sched.title}」已${t.status === 'done' ? '完成' : '免除'}`);
    },
    apply: (c, s, r, now) => S.waive(c, s, r.taskId, r.reason, now),
  },
  adhoc: {
    check(rule) {
      checkDueAhead(rule, 'due', rule.r.due);
      checkTaskLimit(rule);
    },
    apply: (c, s, r, now) => S.addAdHocItem(c, s, r, now),
  },
  cancel: {
    check() {},
    apply: (_c, s, r, now) => S.cancel(s, r.reason, now),
  },
};

/** Every problem with `req` as operation `op` on this unit now (validators.ts says how). */
export function validateOperation(
  op: Operation,
  ctx: S.Ctx,
  input: UnitCampaignInput,
  state: S.CampaignState,
  req: unknown,
  now: number,
): string[] {
  return validate(op, (rule) => OPERATION_RULES[op].check(rule), ctx, input, state, req, now);
}
