/**
 * A 指导组 member's page: the group's units, what waits for its review and which escalations wait
 * for acknowledgement across all of them. Actions happen on each unit's page, one click away.
 */
import { api, type Me } from './api.js';
import { Board, useStatuses, useStuckUnits } from './board.js';
import { when } from './format.js';
import { useLive } from './live.js';
import { EscalationList } from './office.js';
import { ReviewWaitNote } from './review-wait.js';
import { PendingExtensions } from './extension.js';
import { Card, Notice, Stat } from './ui.js';

export function GroupPage({ me }: { me: Me }) {
  const units = useLive(() => api.units(me.campaignId), 4000, [me.campaignId]);
  const statuses = useStatuses(me, units.data, 4000);
  const stuck = useStuckUnits(me);
  const all = [...statuses.values()];
  // Longest waiting first: the ones past their 审查时限 are at the top.
  const waiting = all
    .flatMap((s) => s.tasks.filter((t) => t.status === 'submitted' && t.needsReview).map((t) => ({ s, t })))
    .sort(
      (a, b) =>
        (b.t.review?.workingDay ?? 0) - (a.t.review?.workingDay ?? 0) || a.s.unitId.localeCompare(b.s.unitId),
    );
  const pastLimit = waiting.filter(({ t }) => t.review?.overdue).length;
  const unacked = all.reduce((n, s) => n + s.openEscalations.filter((e) => !e.acknowledged).length, 0);
  const overdue = all.reduce((n, s) => n + s.overdueCount, 0);
  return (
    <div class="group">
      <h1>
        {me.name} · 指导组 {me.groupId}
      </h1>
      {units.error && <Notice kind="error">{units.error.message}</Notice>}
      <div class="stats">
        <Stat label="联系单位" value={units.data?.length ?? '…'} />
        <Stat
          label="待审查"
          value={waiting.length}
          tone={pastLimit > 0 ? 'red' : waiting.length > 0 ? 'amber' : undefined}
        />
        <Stat label="督办待确认" value={unacked} tone={unacked > 0 ? 'red' : undefined} />
        <Stat label="逾期事项" value={overdue} tone={overdue > 0 ? 'amber' : undefined} />
      </div>
      <Card title="等待本组审查" id="waiting">
        {waiting.length === 0 ? (
          <p class="muted">没有等待审查的材料。</p>
        ) : (
          <ul class="due-list">
            {waiting.map(({ s, t }) => (
              <li key={`${s.unitId}-${t.taskId}`} data-unit={s.unitId} data-task={t.taskId}>
                <b>{s.unitName}</b> · {t.title} · 第 {t.submissions} 次报送 · 截止 {when(t.dueAt)}
                {t.review && <ReviewWaitNote review={t.review} />}{' '}
                <a class="button" href={`#/unit/${encodeURIComponent(s.unitId)}`}>
                  去审查
                </a>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <PendingExtensions me={me} />
      <Card title="本组单位" id="units">
        {units.data && <Board rows={units.data} statuses={statuses} stuck={stuck} />}
      </Card>
      <Card title="督办" id="escalation-list">
        <EscalationList statuses={statuses} />
      </Card>
    </div>
  );
}
