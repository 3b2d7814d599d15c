/**
 * Every template as a 办公室 would read it, with titles that carry quotes of their own: quotes
 * nest the Chinese way (“组织‘回头看’”), no reminder says 「还有0天」, the 补课 notice says
 * what the survey found, stage names are not doubled (「学习调研阶段阶段」). Once with sample
 * facts for every template (digests too), once with the facts the state machine itself queues
 * over a whole 镇机关 campaign (every reminder, escalation, return, 回头看, 补课, completion).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDigestTemplate, DEFAULT_DIGEST_TEMPLATES } from '../../../activities/digest/templates.js';
import { loadTemplates } from '../../../activities/notify/templates.js';
import { EVENT_KINDS, type EventKind, type Facts } from '../../../activities/notify/types.js';
import { loadPlanFile } from '../../../domain/plan/load-file.js';
import { buildSchedule, calendarForPlan } from '../../../domain/schedule/index.js';
import * as S from '../../../workflows/unit-campaign/state.js';
import { TEMPLATES_DIR } from './support/notify-fixture.js';
import { SAMPLE_FACTS } from './support/sample-facts.js';

const templates = loadTemplates(TEMPLATES_DIR);
const ctx = { recipient: { name: '张明', role: 'liaison' }, office: '区学习实践活动办公室' };

/** Problems a reader would see in one rendered text. */
function readingProblems(text: string): string[] {
  const problems: string[] = [];
  for (const line of text.split('\n')) {
    // Walk the quotes: a double quote opened inside a double quote is the mistake.
    let depth = 0;
    for (const ch of line) {
      if (ch === '“' || ch === '‘') {
        depth += 1;
        if ((depth % 2 === 1) !== (ch === '“')) problems.push(`引号嵌套不对：${line}`);
      } else if (ch === '”' || ch === '’') {
        if ((depth % 2 === 1) !== (ch === '”')) problems.push(`引号嵌套不对：${line}`);
        depth -= 1;
      }
    }
    if (depth !== 0) problems.push(`引号不成对：${line}`);
  }
  if (/"/.test(text)) problems.push(`半角引号：${text}`);
  if (/还有 ?0 ?(天|秒)/.test(text)) problems.push(`「还有0天」：${text}`);
  if (/阶段阶段|阶段」阶段/.test(text)) problems.push(`「阶段」重复：${text}`);
  if (/结果为满意度测评/.test(text)) problems.push(`补课原因重复：${text}`);
  if (/undefined|null|NaN|\{\{|\}\}/.test(text)) problems.push(`未填好的占位：${text}`);
  return [...new Set(problems)];
}

function renderAll(event: EventKind, facts: Facts): string[] {
  const email = templates.email(event, facts, ctx);
  const sms = templates.sms(event, facts, ctx);
  const robot = templates.robot(event, facts, ctx);
  return [
    email.subject,
    email.text,
    sms.text,
    ...Object.values(sms.aliyun.params),
    ...sms.tencent.params,
    robot.title,
    robot.markdown,
  ];
}

const QUOTED = {
  campaign: '第三批“深入学习实践科学发展观”活动',
  unit: '城关镇“两新”组织联合党支部',
  task: '组织“回头看”',
  stage: '“回头看”阶段',
  group: '第二指导检查组',
};

describe('every template with titles that contain quotes', () => {
  for (const event of EVENT_KINDS) {
    it(`${event}: quotes nest, nothing reads wrong`, () => {
      const facts: Record<string, unknown> = {
        ...SAMPLE_FACTS[event],
        campaign: QUOTED.campaign,
        unit: QUOTED.unit,
      };
      for (const k of ['task', 'stage', 'firstStage', 'group'] as const)
        if (k in facts || k === 'task')
          facts[k] = k === 'firstStage' ? QUOTED.stage : QUOTED[k === 'task' ? 'task' : k];
      if (event === 'stage_opened') facts.tasks = ['开展“回头看”', '做到"三个摸清"'];
      if (event === 'lookback_gaps') facts.gaps = [{ item: '组织“回头看”', note: '缺少“四不通过”对照' }];
      if (event === 'returned') facts.reasons = ['“四不通过”第二项未达到'];
      const texts = renderAll(event, facts as Facts);
      expect(texts.flatMap(readingProblems)).toEqual([]);
    });
  }

  it('a task title in quotes nests its own quotes as single quotes', () => {
    const t = templates.email(
      'reminder',
      { ...SAMPLE_FACTS.reminder, task: '组织“回头看”', timeLeft: '距截止还有3天' },
      ctx,
    ).text;
    expect(t).toContain('的“组织‘回头看’”将于');
    // Straight quotes typed in a roster become curly ones, and nest too.
    const u = templates.email('urge', { ...SAMPLE_FACTS.urge, task: '组织"回头看"' }, ctx).text;
    expect(u).toContain('“组织‘回头看’”应于');
  });

  it('the digests too', () => {
    const daily = loadDigestTemplate(DEFAULT_DIGEST_TEMPLATES, 'group_daily').render(
      {
        campaign: QUOTED.campaign,
        group: '第二指导检查组',
        date: '2009年12月9日',
        count: 1,
        units: 1,
        items: [
          {
            unit: QUOTED.unit,
            task: '组织“回头看”',
            deadline: '2009年12月8日',
            late: '1天',
            level: 3,
            label: '指导组督办',
          },
        ],
      },
      '区学习实践活动办公室',
    );
    expect([daily.subject, daily.text].flatMap(readingProblems)).toEqual([]);
    expect(daily.text).toContain('“组织‘回头看’”');
  });
});

describe('what the state machine queues over a whole campaign, rendered', () => {
  const rendered = new Map<EventKind, string[]>();

  beforeAll(async () => {
    const r = await loadPlanFile(path.resolve(import.meta.dirname, '../../../plans/town_office.yaml'));
    if (!r.ok) throw new Error('plan');
    const plan = r.plan;
    const unit = { id: 'u1', type: 'town_office' as const, flags: [] };
    const cal = calendarForPlan(plan);
    const schedule = buildSchedule(plan, unit, '2009-09-01', cal);
    const c: S.Ctx = {
      plan,
      cal,
      timeScale: null,
      unit,
      start: '2009-09-01',
      campaignId: 'c1',
      campaignTitle: QUOTED.campaign,
      unitName: '大圩镇机关',
      groupName: '第三指导组',
    };
    const s = S.initialState(c, schedule, Date.parse('2009-08-31T10:00:00+08:00'));
    const collect = () => {
      for (const o of s.outbox.splice(0))
        rendered.set(o.event, [...(rendered.get(o.event) ?? []), ...renderAll(o.event, o.facts)]);
    };
    const open = Date.parse(schedule.stages[0]!.opensAt);
    S.advance(c, s, open);
    S.submit(c, s, 'implementation_plan', '方案', open + 1000);
    S.review(
      c,
      s,
      {
        taskId: 'implementation_plan',
        reviewedBy: 'g',
        decision: 'return',
        reasons: ['征求意见范围不广'],
        failedItems: [],
      },
      open + 2000,
    );
    S.submit(c, s, 'implementation_plan', '方案（修改稿）', open + 3000);
    S.review(c, s, { taskId: 'implementation_plan', reviewedBy: 'g', decision: 'approve' }, open + 4000);
    collect();
    // Nobody does anything else: every reminder, every rung, the repeats, the 回头看.
    const survey = schedule.tasks.find((t) => t.taskId === 'satisfaction_survey')!;
    const lookBack = schedule.tasks.find((t) => t.taskId === 'look_back')!;
    const until = Math.max(Date.parse(survey.opensAt), Date.parse(lookBack.dueAt)) + 3_600_000;
    let now = open;
    for (let i = 0; i < 5000 && s.phase === 'running'; i++) {
      const next = S.nextDueAt(c, s);
      if (next === undefined || next > until) break;
      now = Math.max(now, next);
      S.advance(c, s, now);
      collect();
    }
    // The survey comes back mostly 不满意 (补课), then everything is done (completion).
    now = Math.max(now, until);
    S.advance(c, s, now);
    S.recordSurvey(
      c,
      s,
      {
        by: 'office',
        satisfied: 8,
        basicallySatisfied: 12,
        dissatisfied: 40,
        respondents: 60,
        method: '无记名投票',
      },
      now,
    );
    collect();
    for (const t of s.tasks) {
      if (t.status === 'pending') t.status = 'open';
      if (t.status !== 'open' && t.status !== 'returned') continue;
      if (S.openSurveyTask(c, s)?.sched.taskId === t.sched.taskId) {
        S.recordSurvey(
          c,
          s,
          {
            by: 'office',
            satisfied: 40,
            basicallySatisfied: 15,
            dissatisfied: 5,
            respondents: 60,
            method: '无记名投票',
          },
          (now += 1000),
        );
        continue;
      }
      S.submit(c, s, t.sched.taskId, '已完成', (now += 1000));
      if ((t.status as string) === 'submitted')
        S.review(c, s, { taskId: t.sched.taskId, reviewedBy: 'g', decision: 'approve' }, (now += 1000));
    }
    for (const t of s.tasks)
      if (t.status !== 'done' && t.status !== 'waived') S.waive(c, s, t.sched.taskId, '演示', (now += 1000));
    collect();

    // The review loop: a submission the 指导组 leaves past its 审查时限 (reminder, 组长, 活动办).
    const rplan = { ...plan, review: { within: '5wd' } };
    const rc: S.Ctx = { ...c, plan: rplan, features: { reviewLoop: true } };
    const rs = S.initialState(
      rc,
      buildSchedule(rplan, unit, '2009-09-01', cal),
      Date.parse('2009-08-31T10:00:00+08:00'),
    );
    S.advance(rc, rs, open);
    S.submit(rc, rs, 'implementation_plan', '组织“回头看”方案', open + 1000);
    rs.outbox
      .splice(0)
      .forEach((o) =>
        rendered.set(o.event, [...(rendered.get(o.event) ?? []), ...renderAll(o.event, o.facts)]),
      );
    let at = open + 1000;
    for (let i = 0; i < 200 && !rendered.has('review_overdue'); i++) {
      at = Math.max(at, S.nextDueAt(rc, rs) ?? at + 3_600_000);
      S.advance(rc, rs, at);
      for (const o of rs.outbox.splice(0))
        if (o.event.startsWith('review_'))
          rendered.set(o.event, [...(rendered.get(o.event) ?? []), ...renderAll(o.event, o.facts)]);
    }
    // 延期申请: one within the group's limit left past its 审批时限, one referred to the office and refused, one approved.
    const xplan = { ...plan, extension: { groupMaxWorkingDays: 5, within: '3wd' } };
    const xc: S.Ctx = { ...c, plan: xplan, features: { extensionRequests: true }, officeIds: ['office'] };
    const xs = S.initialState(
      xc,
      buildSchedule(xplan, unit, '2009-09-01', cal),
      Date.parse('2009-08-31T10:00:00+08:00'),
    );
    const keep = (o: { event: EventKind; facts: Facts }) => {
      if (o.event.startsWith('extension_'))
        rendered.set(o.event, [...(rendered.get(o.event) ?? []), ...renderAll(o.event, o.facts)]);
    };
    S.advance(xc, xs, open);
    xs.outbox.splice(0);
    const [first, second] = xs.tasks.filter((t) => t.status === 'open');
    const later = (t: typeof first, days: number) =>
      new Date(Date.parse(t!.sched.dueAt) + days * 86_400_000).toISOString().slice(0, 10);
    S.requestExtension(
      xc,
      xs,
      {
        taskId: first!.sched.taskId,
        requestedBy: 'l',
        newDue: later(first, 3),
        reason: '组织“回头看”后补充材料',
      },
      open + 1000,
    );
    S.requestExtension(
      xc,
      xs,
      { taskId: second!.sched.taskId, requestedBy: 'l', newDue: later(second, 20), reason: '党委换届' },
      open + 2000,
    );
    S.decideExtension(
      xc,
      xs,
      { taskId: second!.sched.taskId, decidedBy: 'office', decision: 'refuse', comment: '时间过长' },
      true,
      open + 3000,
    );
    xs.outbox.splice(0).forEach(keep);
    let xat = open + 3000;
    for (let i = 0; i < 200 && !rendered.has('extension_overdue'); i++) {
      xat = Math.max(xat, S.nextDueAt(xc, xs) ?? xat + 3_600_000);
      S.advance(xc, xs, xat);
      xs.outbox.splice(0).forEach(keep);
    }
    S.decideExtension(
      xc,
      xs,
      { taskId: first!.sched.taskId, decidedBy: 'g', decision: 'approve' },
      false,
      xat + 1000,
    );
    xs.outbox.splice(0).forEach(keep);

    // A holiday year loaded while the unit runs: a deadline ahead falls on a new holiday and moves.
    const ahead = rs.tasks.find((t) => t.status === 'pending' && Date.parse(t.sched.dueAt) > at)!;
    S.applyCalendarYear(
      rc,
      rs,
      {
        year: Number(ahead.sched.dueDate.slice(0, 4)),
        version: 1,
        hash: 'h1',
        source: '国务院办公厅关于部分节假日安排的通知',
        days: [{ date: ahead.sched.dueDate, working: false, note: '国庆节' }],
      },
      at,
    );
    for (const o of rs.outbox.splice(0))
      if (o.event === 'dates_moved')
        rendered.set(o.event, [...(rendered.get(o.event) ?? []), ...renderAll(o.event, o.facts)]);
  });

  it('queues every kind of notification at least once', () => {
    expect([...rendered.keys()].sort()).toEqual([...EVENT_KINDS].sort());
  });

  it('none of them reads wrong', () => {
    expect([...rendered.values()].flat().flatMap(readingProblems)).toEqual([]);
  });

  it('the 补课 notice says what the survey found and which round', () => {
    const remedial = rendered.get('remedial_opened')!.join('\n');
    expect(remedial).toContain(
      '大圩镇机关群众满意度测评结果为多数群众不满意（60人中40人不满意），须进行第1轮补课',
    );
  });

  it('the 回头看 reminder nests its quotes', () => {
    expect(rendered.get('reminder')!.join('\n')).toContain('“组织‘回头看’”');
  });
});
