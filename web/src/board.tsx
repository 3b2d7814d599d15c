/**
 * The campaign board: one page of units, one 红黄绿 cell per stage, as the server aggregated them
 * over the status read model (GET …/board/units). The browser asks for one page at a time and
 * never for each unit: the cost of a refresh is the same for 30 units as for 30,000.
 */
import { api, type BoardUnitPage, type Me, type WorkflowProblem } from './api.js';
import { RAG_LABEL, unitTypeLabel } from './format.js';
import { useLive } from './live.js';
import { RagChip } from './ui.js';

/** Rows per page of the board. */
export const BOARD_PAGE = 100;

/** Units whose workflow is stuck: one small request to the health cache, not one per unit. */
export function useStuckUnits(me: Me, everyMs = 10_000): Map<string, WorkflowProblem> {
  const live = useLive(() => api.unitHealth(me.campaignId), everyMs, [me.campaignId]);
  return new Map((live.data?.stuck ?? []).map((w) => [w.unitId, w]));
}

export function StuckTag({
  problem,
}: {
  problem: { statusLabel?: string; label?: string; error: string; failures: number };
}) {
  return (
    <span class="tag tag-red stuck" title={`工作流任务已失败 ${problem.failures} 次：${problem.error}`}>
      {problem.statusLabel ?? problem.label}
    </span>
  );
}

/** 第 1–100 条，共 N 条 with 上一页 / 下一页; nothing when everything fits on one page. */
export function Pager({
  total,
  offset,
  limit,
  onOffset,
  id,
}: {
  total: number;
  offset: number;
  limit: number;
  onOffset: (offset: number) => void;
  id?: string;
}) {
  if (total <= limit && offset === 0) return null;
  const last = Math.min(total, offset + limit);
  return (
    <div class="pager" id={id}>
      <button class="secondary" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        上一页
      </button>
      <span class="muted">
        第 {total === 0 ? 0 : offset + 1}–{last} 条，共 {total} 条
      </span>
      <button class="secondary" disabled={last >= total} onClick={() => onOffset(offset + limit)}>
        下一页
      </button>
    </div>
  );
}

export function Board({ page, stuck }: { page: BoardUnitPage; stuck?: Map<string, WorkflowProblem> }) {
  if (page.units.length === 0) return <p class="muted">没有符合条件的单位。</p>;
  return (
    <div class="table-wrap">
      <table class="board" id="board">
        <thead>
          <tr>
            <th>单位</th>
            <th>类型</th>
            <th>指导组</th>
            {page.columns.map((c) => (
              <th key={c.stageId}>{c.title.replace(/阶段$/, '')}</th>
            ))}
            <th>逾期</th>
            <th>补课</th>
          </tr>
        </thead>
        <tbody>
          {page.units.map((r) => {
            const problem = stuck?.get(r.unitId);
            const cells = new Map(r.stages.map((s) => [s.stageId, s]));
            return (
              <tr
                key={r.unitId}
                data-unit={r.unitId}
                data-rag={r.rag}
                class={problem ? 'row-red' : ''}
                data-stuck={problem ? 'true' : undefined}
              >
                <td>
                  <a href={`#/unit/${encodeURIComponent(r.unitId)}`}>{r.unitName || r.unitId}</a>
                  {problem && <StuckTag problem={problem} />}
                </td>
                <td>{unitTypeLabel(r.unitType)}</td>
                <td title={r.group}>{r.groupName ?? r.group}</td>
                {page.columns.map((c) => {
                  const st = cells.get(c.stageId);
                  if (!st)
                    return (
                      <td key={c.stageId} class="muted">
                        —
                      </td>
                    );
                  return (
                    <td key={c.stageId}>
                      <RagChip
                        rag={st.rag}
                        title={`${c.title}：${RAG_LABEL[st.rag]}${st.complete ? '（已完成）' : ''}`}
                      />
                    </td>
                  );
                })}
                <td class={r.overdueCount > 0 ? 'danger' : ''}>{r.overdueCount || ''}</td>
                <td>{r.remedialRound > 0 ? `第 ${r.remedialRound} 轮` : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
