/** Dates and labels as people in the office read them: Beijing time, Chinese words. */
import type { TaskStatus, TaskView, UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';
import { reviewWaitText } from '../../domain/review-wait.js';
import { UNIT_TYPES } from '../../domain/unit-types.js';

const TZ = 'Asia/Shanghai';

export function when(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('zh-CN', {
    timeZone: TZ,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}

/** "还有 3 分钟" / "已逾期 2 小时": deadlines in the demo are seconds away, in a real campaign days. */
export function relative(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  const unit =
    abs < 60_000
      ? `${Math.max(1, Math.round(abs / 1000))} 秒`
      : abs < 3_600_000
        ? `${Math.round(abs / 60_000)} 分钟`
        : abs < 172_800_000
          ? `${Math.round(abs / 3_600_000)} 小时`
          : `${Math.round(abs / 86_400_000)} 天`;
  return ms >= 0 ? `还有 ${unit}` : `已逾期 ${unit}`;
}

export const TASK_STATUS: Record<TaskStatus, string> = {
  pending: '未开始',
  open: '进行中',
  returned: '被退回',
  submitted: '待审查',
  done: '已完成',
  waived: '已免除',
};

/** A task's state as the unit page says it: 等待审查（第 N 个工作日）, 等待前序步骤：…, or its status. */
export function taskStateText(t: TaskView): string {
  if (t.review) return reviewWaitText(t.review);
  if (t.waitingFor?.length) return `等待前序步骤：${t.waitingFor.join('、')}`;
  return TASK_STATUS[t.status];
}

export const unitTypeLabel = (id: string): string => (UNIT_TYPES as Record<string, string>)[id] ?? id;

export type Rag = 'red' | 'amber' | 'green' | 'grey';
export const RAG_LABEL: Record<Rag, string> = { red: '红', amber: '黄', green: '绿', grey: '未开始' };

/** Same rule as the Excel report (app/report/collect.ts), applied to one stage's tasks. */
export function ragOfTasks(
  tasks: TaskView[],
  unit: Pick<UnitCampaignStatus, 'phase' | 'remedialRound'>,
  stageOpen: boolean,
): Rag {
  if (!stageOpen) return 'grey';
  const overdue = tasks.filter((t) => t.overdue);
  if (overdue.some((t) => t.escalationLevel >= 3)) return 'red';
  if (
    overdue.length > 0 ||
    tasks.some((t) => t.status === 'returned') ||
    unit.phase === 'paused' ||
    (unit.remedialRound > 0 && tasks.some((t) => t.origin === 'remedial' && t.status !== 'done'))
  )
    return 'amber';
  return 'green';
}

export function ragOfUnit(s: UnitCampaignStatus): Rag {
  const order: Rag[] = ['red', 'amber', 'green'];
  const per = s.stages.map((st) =>
    ragOfTasks(
      s.tasks.filter((t) => t.stageId === st.stageId),
      s,
      st.status !== 'pending',
    ),
  );
  return order.find((r) => per.includes(r)) ?? 'green';
}

export const PHASE: Record<UnitCampaignStatus['phase'], string> = {
  running: '进行中',
  paused: '已暂停',
  completed: '已完成',
  cancelled: '已撤销',
};
