/**
 * The campaign board: one row per unit, one 红黄绿 cell per stage. Which units, their names and
 * stage come from visibility (cheap, every few seconds); the per-stage colours need each unit's status, so
 * those are read for the first rows shown only, a few at a time.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Me, type UnitCampaignStatus, type UnitRow, type WorkflowProblem } from './api.js';
import { RAG_LABEL, ragOfTasks, unitTypeLabel, type Rag } from './format.js';
import { useLive } from './live.js';
import { RagChip } from './ui.js';

/** Rows whose full status is read for the board; beyond this the board shows visibility only. */
export const DETAIL_LIMIT = 60;

export function useStatuses(
  me: Me,
  rows: UnitRow[] | undefined,
  everyMs = 6000,
): Map<string, UnitCampaignStatus> {
  const [statuses, setStatuses] = useState(new Map<string, UnitCampaignStatus>());
  const ids = (rows ?? []).slice(0, DETAIL_LIMIT).map((r) => r.unitId);
  const key = ids.join(',');
  const idsRef = useRef(ids);
  idsRef.current = ids;
  useEffect(() => {
    let stopped = false;
    let busy = false;
    const load = async () => {
      if (busy) return;
      busy = true;
      const queue = [...idsRef.current];
      // Each status lands as soon as it is read: a finished unit's first query can take seconds.
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          try {
            const s = await api.unit(me.campaignId, id);
            if (!stopped) setStatuses((prev) => new Map(prev).set(id, s));
          } catch {
            // a unit that cannot be read shows visibility data only
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      busy = false;
    };
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') void load();
    }, everyMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [me.campaignId, key, everyMs]);
  return statuses;
}

/**
 * Units whose workflow is stuck, for every row of the board (not only the first DETAIL_LIMIT whose
 * status is read): one small request to the health cache, not one per unit.
 */
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

export function stageColumns(
  statuses: Map<string, UnitCampaignStatus>,
): { stageId: string; title: string }[] {
  const seen = new Map<string, string>();
  for (const s of statuses.values())
    for (const st of s.stages) if (!seen.has(st.stageId)) seen.set(st.stageId, st.title);
  return [...seen].map(([stageId, title]) => ({ stageId, title }));
}

export function Board({
  rows,
  statuses,
  groupNames,
  stuck,
}: {
  rows: UnitRow[];
  statuses: Map<string, UnitCampaignStatus>;
  groupNames?: Map<string, string>;
  stuck?: Map<string, WorkflowProblem>;
}) {
  const columns = stageColumns(statuses);
  if (rows.length === 0) return <p class="muted">没有符合条件的单位。</p>;
  return (
    <div class="table-wrap">
      <table class="board" id="board">
        <thead>
          <tr>
            <th>单位</th>
            <th>类型</th>
            <th>指导组</th>
            {columns.map((c) => (
              <th key={c.stageId}>{c.title.replace(/阶段$/, '')}</th>
            ))}
            <th>逾期</th>
            <th>补课</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const s = statuses.get(r.unitId);
            const problem = stuck?.get(r.unitId) ?? s?.health;
            return (
              <tr
                key={r.unitId}
                data-unit={r.unitId}
                class={problem ? 'row-red' : ''}
                data-stuck={problem ? 'true' : undefined}
              >
                <td>
                  <a href={`#/unit/${encodeURIComponent(r.unitId)}`}>
                    {r.unitName ?? s?.unitName ?? r.unitId}
                  </a>
                  {problem && <StuckTag problem={problem} />}
                </td>
                <td>{unitTypeLabel(r.unitType)}</td>
                <td title={r.group}>{groupNames?.get(r.group) ?? r.groupName ?? r.group}</td>
                {columns.map((c) => {
                  const st = s?.stages.find((x) => x.stageId === c.stageId);
                  if (!s || !st)
                    return (
                      <td key={c.stageId} class="muted">
                        —
                      </td>
                    );
                  const rag: Rag = ragOfTasks(
                    s.tasks.filter((t) => t.stageId === c.stageId),
                    s,
                    st.status !== 'pending',
                  );
                  return (
                    <td key={c.stageId}>
                      <RagChip
                        rag={rag}
                        title={`${c.title}：${RAG_LABEL[rag]}${st.status === 'complete' ? '（已完成）' : ''}`}
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
