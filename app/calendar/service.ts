/**
 * Next year's holidays without code: the office loads a year's 国务院办公厅 arrangement (YAML or
 * ICS); it is stored as a new version and sent to every running unit of every campaign (Update
 * updateCalendar, bounded concurrency), which moves its own future deadlines off the new holidays
 * and tells the unit. Units launched later get the stored years in their input (launch.ts).
 */
import type { Client } from '@temporalio/client';
import { parseHolidayFile, type HolidayFileFormat } from '../../domain/calendar/holiday-file.js';
import { InvalidRequest } from '../../domain/failures.js';
import { parseNotificationId } from '../../workflows/ids.js';
import { UNIT_CAMPAIGN_WORKFLOW_TYPE, updateCalendarUpdate } from '../../workflows/unit-campaign/messages.js';
import { mapLimit } from '../concurrency.js';
import { calendarYearData, type CalendarStore, type StoredCalendarYear } from './store.js';

export interface CalendarAddResult {
  year: number;
  version: number;
  /** False when the latest stored version already had this content (no new version). */
  added: boolean;
  source: string;
  /** Running units the year was sent to. */
  units: number;
  /** Units that took it (the rest already had this version). */
  applied: number;
  /** Units with at least one deadline moved (each was notified). */
  unitsMoved: number;
  /** Deadlines moved, over all units. */
  datesMoved: number;
  failures: { campaignId: string; unitId: string; error: string }[];
}

export interface CalendarServices {
  client: Client;
  calendar: CalendarStore;
}

/** Every running unit workflow, of every campaign. */
async function runningUnits(
  client: Client,
): Promise<{ workflowId: string; campaignId: string; unitId: string }[]> {
  const out: { workflowId: string; campaignId: string; unitId: string }[] = [];
  const query = `WorkflowType = '${UNIT_CAMPAIGN_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
  for await (const w of client.workflow.list({ query })) {
    // Unit workflow ids read campaign/<c>/unit/<u>, like the notification ids under them.
    const { campaignId, unitId } = parseNotificationId(w.workflowId);
    if (campaignId && unitId) out.push({ workflowId: w.workflowId, campaignId, unitId });
  }
  return out;
}

export async function addHolidayYear(
  svc: CalendarServices,
  file: { text: string; format: HolidayFileFormat },
  addedBy: string,
  o: { now?: () => Date; concurrency?: number; onUnitDone?: () => void } = {},
): Promise<CalendarAddResult> {
  const parsed = parseHolidayFile(file.text, file.format);
  if (!parsed.ok) throw new InvalidRequest(parsed.problems.join('；'), parsed.problems);
  const at = (o.now ?? (() => new Date()))().toISOString();
  const { added, stored } = await svc.calendar.add(parsed.year, addedBy, at);
  // Sent even when nothing new was stored: a unit that missed it (worker down) gets it now, the
  // others answer that they have it already.
  const data = calendarYearData(stored);
  const units = await runningUnits(svc.client);
  const results = await mapLimit(units, o.concurrency ?? 16, async (u) => {
    try {
      const ack = await svc.client.workflow
        .getHandle(u.workflowId)
        .executeUpdate(updateCalendarUpdate, { args: [data] });
      return { u, ack };
    } catch (e) {
      return { u, error: (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message };
    } finally {
      o.onUnitDone?.();
    }
  });
  const acks = results.flatMap((r) => (r.ack ? [r.ack] : []));
  return {
    year: stored.year,
    version: stored.version,
    added,
    source: stored.source,
    units: units.length,
    applied: acks.filter((a) => a.applied).length,
    unitsMoved: acks.filter((a) => a.moved > 0).length,
    datesMoved: acks.reduce((n, a) => n + a.moved, 0),
    failures: results.flatMap((r) =>
      r.error === undefined ? [] : [{ campaignId: r.u.campaignId, unitId: r.u.unitId, error: r.error }],
    ),
  };
}

/** What `campaign calendar add` and the console say, in Chinese. */
export function calendarAddLines(r: CalendarAddResult): string[] {
  const lines = [
    r.added
      ? `已载入 ${r.year} 年节假日安排（第 ${r.version} 版）：${r.source}`
      : `${r.year} 年节假日安排与已存的第 ${r.version} 版相同，未新增版本：${r.source}`,
    `已发送给正在进行的 ${r.units} 个单位：${r.applied} 个已更新日历，${r.units - r.applied - r.failures.length} 个此前已有该版本；` +
      `${r.unitsMoved} 个单位共 ${r.datesMoved} 项期限落在放假日，已调整并通知单位`,
  ];
  if (r.failures.length > 0) {
    lines.push(`${r.failures.length} 个单位未能更新（稍后重新执行本命令即可补发）：`);
    for (const f of r.failures) lines.push(`  活动 ${f.campaignId} 单位 ${f.unitId}：${f.error}`);
  }
  return lines;
}

/** The stored versions as a table's lines, newest version of each year first. */
export function calendarListLines(history: readonly StoredCalendarYear[]): string[] {
  if (history.length === 0) return ['尚未载入任何年份的节假日安排（内置数据之外的年份按周一至周五计算）'];
  return history.map((y) => {
    const days = y.content.holidays.reduce((n, h) => n + h.days.length, 0);
    return `${y.year} 年 第 ${y.version} 版  放假 ${days} 天，调休上班 ${y.content.workdays.length} 天  ${y.source}  （${y.addedBy}，${y.addedAt}）`;
  });
}
