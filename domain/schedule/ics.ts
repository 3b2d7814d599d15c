/**
 * A unit's schedule as an iCalendar file (RFC 5545) a liaison can import: one event per task at
 * its deadline, one VALARM per reminder. Written by hand: CRLF line ends, lines folded at 75
 * octets without splitting a UTF-8 character, TEXT values escaped. Deterministic (DTSTAMP is the
 * schedule's start), so the same schedule always yields the same file.
 */
import { ROLES } from '../plan/schema.js';
import type { Schedule, ScheduledTask } from './types.js';

function utcStamp(instant: string): string {
  return new Date(Date.parse(instant))
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds one content line into chunks of at most 75 octets, continuation lines starting with a space. */
export function foldLine(line: string): string {
  const enc = new TextEncoder();
  const out: string[] = [];
  let cur = '';
  let curBytes = 0;
  for (const ch of line) {
    const b = enc.encode(ch).length;
    const limit = out.length === 0 ? 75 : 74; // continuation lines carry the leading space
    if (curBytes + b > limit) {
      out.push(cur);
      cur = '';
      curBytes = 0;
    }
    cur += ch;
    curBytes += b;
  }
  out.push(cur);
  return out.join('\r\n ');
}

function uidPart(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function describe(task: ScheduledTask, stageTitle: string): string {
  const lines = [`阶段：${stageTitle}`, `开始：${task.opensAt}`, `截止：${task.dueAt}`];
  if (task.needsReview) {
    lines.push(
      `需${ROLES[task.reviewer ?? 'supervisor_group']}审查把关${task.checklist ? `（${task.checklist.title}）` : ''}`,
    );
  }
  if (task.deliverables.length > 0) lines.push(`材料：${task.deliverables.map((d) => d.title).join('、')}`);
  for (const e of task.escalations) {
    lines.push(`逾期${e.label}（${e.level}级）：${e.at} → ${e.recipients.map((r) => ROLES[r]).join('、')}`);
  }
  return lines.join('\n');
}

export function scheduleToIcs(schedule: Schedule, calendarName: string): string {
  const stamp = utcStamp(schedule.start);
  const stageTitle = new Map(schedule.stages.map((s) => [s.stageId, s.title]));
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//campaign-orchestrator//plan preview//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(calendarName)}`,
    `X-WR-TIMEZONE:${schedule.timeZone}`,
  ];
  for (const t of schedule.tasks) {
    const due = Date.parse(t.dueAt);
    const startMs = Math.max(Date.parse(t.opensAt), due - 30 * 60_000);
    lines.push(
      'BEGIN:VEVENT',
      `UID:${uidPart(schedule.planId)}-${uidPart(schedule.unitId)}-${uidPart(t.taskId)}@campaign-orchestrator`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${utcStamp(new Date(startMs).toISOString())}`,
      `DTEND:${utcStamp(t.dueAt)}`,
      `SUMMARY:${escapeText(`截止：${t.no !== undefined ? `${t.no}、` : ''}${t.title}`)}`,
      `DESCRIPTION:${escapeText(describe(t, stageTitle.get(t.stageId) ?? t.stageId))}`,
      `CATEGORIES:${escapeText(stageTitle.get(t.stageId) ?? t.stageId)}`,
      'TRANSP:TRANSPARENT',
    );
    for (const r of t.reminders) {
      lines.push(
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        `DESCRIPTION:${escapeText(`${t.title}：${r.label}`)}`,
        `TRIGGER;VALUE=DATE-TIME:${utcStamp(r.at)}`,
        'END:VALARM',
      );
    }
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
