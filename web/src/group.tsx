/**
 * A 指导组 member's page: the group's units, what waits for its review and which escalations wait
 * for acknowledgement across all of them, each one request to the server's aggregates (the token
 * narrows them to the group). Actions happen on each unit's page, one click away.
 */
import { useState } from 'preact/hooks';
import { api, type Me } from './api.js';
import { Board, BOARD_PAGE, Pager, useStuckUnits } from './board.js';
import { EscalationPanel } from './board-panels.js';
import { when } from './format.js';
import { useLive } from './live.js';
import { ReviewWaitNote } from './review-wait.js';
import { PendingExtensions } from './extension.js';
import { Card, Notice, Stat } from './ui.js';

const REVIEW_PAGE = 50;

export function GroupPage({ me }: { me: Me }) {
  const [offset, setOffset] = useState(0);
  const [reviewOffset, setReviewOffset] = useState(0);
  const overview = useLive(() => api.board(me.campaignId), 4000, [me.campaignId]);
  const units = useLive(() => api.boardUnits(me.campaignId, { limit: BOARD_PAGE, offset }), 4000, [
    me.campaignId,
    offset,
  ]);
  const reviews = useLive(
    () => api.boardReviews(me.campaignId, { limit: REVIEW_PAGE, offset: reviewOffset }),
    4000,
    [me.campaignId, reviewOffset],
  );
  const stuck = useStuckUnits(me);
  const o = overview.data;
  const waiting = reviews.data;
  const unacked = o?.escalations.unacknowledged ?? 0;
  const overdue = o?.overdueUnits ?? 0;
  return (
    <div class="group">
      <h1>
        {me.name} · 指导组 {me.groupId}
      </h1>
      {overview.error && <Notice kind="error">{overview.error.message}</Notice>}
      <div class="stats">
        <Stat label="联系单位" value={o?.launched ?? '…'} />
        <Stat
          label="待审查"
          value={waiting?.total ?? '…'}
          tone={waiting && waiting.pastLimit > 0 ? 'red' : waiting && waiting.total > 0 ? 'amber' : undefined}
        />
        <Stat label="督办待确认" value={o ? unacked : '…'} tone={unacked > 0 ? 'red' : undefined} />
        <Stat label="有逾期事项的单位" value={o ? overdue : '…'} tone={overdue > 0 ? 'amber' : undefined} />
      </div>
      <Card title="等待本组审查" id="waiting">
        {!waiting ? (
          <p class="muted">正在读取……</p>
        ) : waiting.total === 0 ? (
          <p class="muted">没有等待审查的材料。</p>
        ) : (
          <>
            <ul class="due-list">
              {waiting.items.map((w) => (
                <li key={`${w.unitId}-${w.taskId}`} data-unit={w.unitId} data-task={w.taskId}>
                  <b>{w.unitName}</b> · {w.title} · 第 {w.submissions} 次报送 · 截止 {when(w.dueAt)}
                  {w.review && <ReviewWaitNote review={w.review} />}{' '}
                  <a class="button" href={`#/unit/${encodeURIComponent(w.unitId)}`}>
                    去审查
                  </a>
                </li>
              ))}
            </ul>
            <Pager
              total={waiting.total}
              offset={reviewOffset}
              limit={REVIEW_PAGE}
              onOffset={setReviewOffset}
            />
          </>
        )}
      </Card>
      <PendingExtensions me={me} />
      <Card title="本组单位" id="units">
        {units.error && <Notice kind="error">{units.error.message}</Notice>}
        {units.data && <Board page={units.data} stuck={stuck} />}
        {units.data && (
          <Pager total={units.data.total} offset={offset} limit={BOARD_PAGE} onOffset={setOffset} />
        )}
      </Card>
      <Card title="督办" id="escalation-list">
        <EscalationPanel me={me} everyMs={4000} />
      </Card>
    </div>
  );
}
