/**
 * The office's and a 指导组's 督办 and 满意度测评 panels, each one paged request to the server's
 * aggregates (GET …/board/escalations, …/board/surveys): every open escalation and the whole survey
 * summary are there at any number of units, a page at a time.
 */
import { useState } from 'preact/hooks';
import { api, type BoardSurveySummary, type Me } from './api.js';
import { Pager } from './board.js';
import { when } from './format.js';
import { useLive } from './live.js';
import { Notice, StackedBars } from './ui.js';

const ESCALATION_PAGE = 50;
const SURVEY_PAGE = 20;
const COLORS = { satisfied: '#16a34a', basic: '#facc15', dissatisfied: '#dc2626' };

export function EscalationPanel({ me, everyMs = 6000 }: { me: Me; everyMs?: number }) {
  const [offset, setOffset] = useState(0);
  const live = useLive(
    () => api.boardEscalations(me.campaignId, { limit: ESCALATION_PAGE, offset }),
    everyMs,
    [me.campaignId, offset],
  );
  if (live.error) return <Notice kind="error">{live.error.message}</Notice>;
  const list = live.data;
  if (!list) return <p class="muted">正在读取……</p>;
  if (list.total === 0) return <p class="muted">目前没有督办。</p>;
  return (
    <>
      <p id="escalation-counts">
        未结束的督办 <strong>{list.total}</strong> 条，其中未确认 <strong>{list.unacknowledged}</strong> 条。
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>单位</th>
              <th>事项</th>
              <th>级别</th>
              <th>时间</th>
              <th>确认</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((e) => (
              <tr
                key={`${e.unitId}-${e.taskId}-${e.level}`}
                data-unit={e.unitId}
                data-task={e.taskId}
                data-level={e.level}
                class={e.level >= 3 ? 'row-red' : ''}
              >
                <td>
                  <a href={`#/unit/${encodeURIComponent(e.unitId)}`}>{e.unitName}</a>
                </td>
                <td>{e.taskTitle}</td>
                <td>
                  {e.level} 级 · {e.label}
                </td>
                <td>{when(e.firedAt)}</td>
                <td>{e.acknowledged ? '已确认' : '未确认'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        id="escalation-pager"
        total={list.total}
        offset={offset}
        limit={ESCALATION_PAGE}
        onOffset={setOffset}
      />
    </>
  );
}

function RoundTable({ s }: { s: BoardSurveySummary }) {
  return (
    <div class="table-wrap">
      <table id="survey-rounds">
        <thead>
          <tr>
            <th>轮次</th>
            <th>单位数</th>
            <th>满意</th>
            <th>基本满意</th>
            <th>不满意</th>
            <th>参评人数</th>
            <th>需补课</th>
          </tr>
        </thead>
        <tbody>
          {s.byRound.map((r) => (
            <tr key={r.round} data-round={r.round}>
              <td>第 {r.round} 次</td>
              <td>{r.units}</td>
              <td>{r.satisfied}</td>
              <td>{r.basicallySatisfied}</td>
              <td>{r.dissatisfied}</td>
              <td>{r.respondents}</td>
              <td class={r.remedialNeeded > 0 ? 'danger' : ''}>{r.remedialNeeded}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SurveyPanel({ me, everyMs = 6000 }: { me: Me; everyMs?: number }) {
  const [offset, setOffset] = useState(0);
  const live = useLive(() => api.boardSurveys(me.campaignId, { limit: SURVEY_PAGE, offset }), everyMs, [
    me.campaignId,
    offset,
  ]);
  if (live.error) return <Notice kind="error">{live.error.message}</Notice>;
  const s = live.data;
  if (!s) return <p class="muted">正在读取……</p>;
  if (s.surveyedUnits === 0) return <p class="muted">还没有单位录入测评结果。</p>;
  const parts = (x: { satisfied: number; basicallySatisfied: number; dissatisfied: number }) => [
    { label: '满意', value: x.satisfied, color: COLORS.satisfied },
    { label: '基本满意', value: x.basicallySatisfied, color: COLORS.basic },
    { label: '不满意', value: x.dissatisfied, color: COLORS.dissatisfied },
  ];
  return (
    <>
      <p id="survey-summary">
        已录入测评 <strong>{s.surveyedUnits}</strong> 个单位，按最近一次结果需补课{' '}
        <strong class={s.latestRemedialNeeded > 0 ? 'danger' : ''}>{s.latestRemedialNeeded}</strong> 个。
      </p>
      <RoundTable s={s} />
      <StackedBars
        rows={s.byRound.map((r) => ({
          label: `第 ${r.round} 次（${r.units} 个单位）`,
          note: `不满意 ${Math.round((100 * r.dissatisfied) / Math.max(1, r.respondents))}%`,
          parts: parts(r),
        }))}
      />
      <h3>各单位最近一次结果（不满意比例高的在前）</h3>
      <div id="survey-units">
        <StackedBars
          rows={s.units.map((u) => ({
            label: `${u.unitName} 第 ${u.round} 次`,
            note: u.remedialNeeded ? '多数不满意 → 补课' : `不满意 ${Math.round(u.dissatisfiedShare * 100)}%`,
            parts: parts(u),
          }))}
        />
      </div>
      <Pager
        id="survey-pager"
        total={s.surveyedUnits}
        offset={offset}
        limit={SURVEY_PAGE}
        onOffset={setOffset}
      />
    </>
  );
}
