/**
 * The readable Chinese table `campaign plan preview` prints: per stage, every task with its
 * opening, deadline (with weekday), reminders and escalation levels. 调休 working weekend days
 * and holiday names are marked so an office can check the dates against the State Council notice.
 */
import {
  isMakeUpWorkday,
  localDateOf,
  localTimeOf,
  weekdayCn,
  type WorkCalendar,
} from '../calendar/index.js';
import { HOLIDAY_RULES, ROLES, type Plan } from '../plan/schema.js';
import { UNIT_FLAGS, UNIT_TYPES } from '../unit-types.js';
import type { Schedule } from './types.js';

const GAP = '\u3000'; // ideographic space between header fields
const CIRCLED = ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨'];

/** Display width: CJK and full-width characters take two columns. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x2460 && c <= 0x24ff)
        ? 2
        : 1;
  }
  return w;
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

export function renderTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(c))));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatPreview(
  plan: Plan,
  schedule: Schedule,
  cal: WorkCalendar,
  unitFlags: readonly string[],
): string {
  const mark = (date: string): string => {
    if (cal.kind === 'continuous') return '';
    if (isMakeUpWorkday(cal, date)) return '*';
    return cal.isWorkingDay(date) ? '' : '!';
  };
  const day = (at: string, withTime = true): string => {
    const d = localDateOf(cal, at);
    const t = localTimeOf(cal, at);
    const time = t.endsWith(':00') ? t.slice(0, 5) : t;
    return `${d}（${weekdayCn(d)}）${mark(d)}${withTime ? ` ${time}` : ''}`;
  };
  const short = (at: string): string => {
    const d = localDateOf(cal, at);
    const t = localTimeOf(cal, at);
    const isStart = t.slice(0, 5) === cal.officeHours.start;
    return `${d.slice(5)}${weekdayCn(d)}${mark(d)}${isStart ? '' : ` ${t.endsWith(':00') ? t.slice(0, 5) : t}`}`;
  };
  const out: string[] = [];
  const flags = unitFlags.length
    ? unitFlags.map((f) => UNIT_FLAGS[f as keyof typeof UNIT_FLAGS] ?? f).join('、')
    : '无';
  out.push(`计划：${plan.title}（${plan.id}）`);
  out.push(
    `单位类型：${UNIT_TYPES[schedule.unitType]}${GAP}标记：${flags}${GAP}开始：${day(schedule.start)}`,
  );
  const calName = { cn: '中国法定工作日（含调休）', weekdays: '周一至周五', continuous: '连续计时（演示）' }[
    cal.kind
  ];
  out.push(
    `时区：${schedule.timeZone}${GAP}日历：${calName}${GAP}办公时间：${cal.officeHours.start}–${cal.officeHours.end}${GAP}截止逢节假日：${HOLIDAY_RULES[plan.deadlineOnHoliday]}`,
  );
  if (schedule.timeScale)
    out.push(`演示压缩：计划中的一天 = ${plan.timeScale?.dayLasts ?? ''}（下表为压缩后的实际时间）`);
  const esc = plan.escalation.levels
    .map(
      (l, i) =>
        `${CIRCLED[i] ?? l.level}${l.label ?? ''}→${l.to.map((r) => ROLES[r]).join('、')}${l.cc.length ? `（抄送${l.cc.map((r) => ROLES[r]).join('、')}）` : ''}`,
    )
    .join(GAP);
  out.push(
    `逾期催办：${esc}${plan.escalation.repeatEvery ? `${GAP}此后每 ${plan.escalation.repeatEvery} 重复` : ''}`,
  );
  for (const stage of schedule.stages) {
    out.push('');
    const how = stage.opens === 'after_previous' ? '（上一阶段完成后开启）' : '';
    out.push(`【${stage.title}】${how}${day(stage.opensAt)} 至 ${day(stage.dueAt)}`);
    const rows: string[][] = [['序号', '步骤', '开始', '截止', '审查', '提醒', '逾期催办']];
    for (const id of stage.taskIds) {
      const t = schedule.tasks.find((x) => x.taskId === id);
      if (!t) continue;
      // A step in order opens when its predecessors are finished; the date is when they are due.
      const after = (t.after ?? [])
        .map((p) => schedule.tasks.find((x) => x.taskId === p))
        .map((p) => (p?.no !== undefined ? String(p.no) : `「${p?.title ?? ''}」`));
      rows.push([
        t.no !== undefined ? String(t.no) : '',
        t.title,
        after.length > 0 ? `${after.join('、')}完成后（计划 ${day(t.opensAt)}）` : day(t.opensAt),
        day(t.dueAt),
        t.needsReview
          ? `${ROLES[t.reviewer ?? 'supervisor_group']}审查${t.checklist ? `（${t.checklist.title}）` : ''}`
          : '—',
        t.reminders.map((r) => short(r.at)).join('、') || '—',
        t.escalations.map((e, i) => `${CIRCLED[i] ?? e.level}${short(e.at)}`).join(' ') || '—',
      ]);
    }
    out.push(renderTable(rows));
  }
  out.push('');
  if (cal.kind !== 'continuous')
    out.push(
      '注：* 调休上班日（周末上班）；! 非工作日。提醒时间未注明的为上班时间 ' + cal.officeHours.start + '。',
    );
  for (const w of schedule.warnings) out.push(`警告：${w}`);
  return out.join('\n');
}
