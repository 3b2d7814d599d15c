/** The satisfaction survey (满意度测评) and the 补课 rounds a majority-dissatisfied result opens. */
import { ms } from '../../../domain/calendar/index.js';
import type { Role } from '../../../domain/plan/schema.js';
import { notificationIds } from '../../ids.js';
import type { RecordSurveyRequest } from '../messages.js';
import { advance } from './advance.js';
import { cnDate, deadlineAfter, iso, syntheticTask } from './clock.js';
import { common, queue, unitRef } from './outbox.js';
import { newTask } from './tasks.js';
import { note } from './timeline.js';
import { ACTIVE, type CampaignState, type Ctx, type TaskState } from './types.js';

const REMEDIAL_STEPS = [
  { key: 'analyse', title: '分析群众不满意的原因' },
  { key: 'rectify', title: '重新整改' },
  { key: 'explain', title: '向群众说明暂时解决不了的问题' },
] as const;

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
    id: notificationIds.surveyResult(unitRef(ctx), round),
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
  note(
    state,
    now,
    'survey',
    `第 ${round} 次满意度测评（${req.method}，${req.respondents} 人）：满意 ${req.satisfied}、基本满意 ${req.basicallySatisfied}、不满意 ${req.dissatisfied}；${verdict}`,
  );
  if (remedialNeeded && !exhausted) openRemedialRound(ctx, state, t, now);
  advance(ctx, state, now);
}

function openRemedialRound(ctx: Ctx, state: CampaignState, survey: TaskState, now: number): void {
  const rule = ctx.plan.satisfaction!;
  state.remedialRound += 1;
  const r = state.remedialRound;
  const dueAt = deadlineAfter(ctx, iso(now), rule.remedialDuration);
  for (const s of REMEDIAL_STEPS) {
    const t = newTask(
      syntheticTask(ctx, {
        taskId: `remedial_${r}_${s.key}`,
        stageId: survey.sched.stageId,
        title: `补课（第${r}轮）：${s.title}`,
        kind: 'task',
        opensAt: iso(now),
        dueAt,
      }),
      'remedial',
    );
    state.tasks.push(t);
  }
  state.tasks.push(
    newTask(
      syntheticTask(ctx, {
        taskId: `remedial_${r}_resurvey`,
        stageId: survey.sched.stageId,
        title: `补课（第${r}轮）：重新测评`,
        kind: 'satisfaction_survey',
        opensAt: iso(now),
        dueAt,
      }),
      'remedial',
    ),
  );
  queue(ctx, state, {
    id: notificationIds.remedialOpened(unitRef(ctx), r),
    event: 'remedial_opened',
    facts: { ...common(ctx), reason: surveyFinding(state), round: r, deadline: cnDate(ctx, dueAt) },
  });
  note(state, now, 'remedial', `开始第 ${r} 轮补课，限 ${cnDate(ctx, dueAt)} 前完成并重新测评`);
}

/** What the last survey found, as the 补课 notice states it: 多数群众不满意（60人中40人不满意）. */
function surveyFinding(state: CampaignState): string {
  const last = state.surveys.at(-1);
  return last ? `多数群众不满意（${last.respondents}人中${last.dissatisfied}人不满意）` : '多数群众不满意';
}
