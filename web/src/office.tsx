/**
 * The campaign office's page: counts, the board with filters, progress over time, escalations,
 * survey results and the Excel report. Every panel is one request to the server's aggregates over
 * the status read model (GET …/board…), a page at a time: nothing here loops over units.
 */
import { useEffect, useState } from 'preact/hooks';
import { BriefingButton, CampaignArchivePanel } from './archive.js';
import { HolidayCalendarPanel } from './calendar.js';
import { UNIT_TYPES } from '../../domain/unit-types.js';
import { api, ApiFailure, type BoardOverview, type BoardUnitsQuery, type Me } from './api.js';
import { Board, BOARD_PAGE, Pager, useStuckUnits } from './board.js';
import { EscalationPanel, SurveyPanel } from './board-panels.js';
import { useLive } from './live.js';
import { PendingExtensions } from './extension.js';
import { NotificationProblems } from './notification-problems.js';
import { Bars, Card, LineChart, Notice, Stat } from './ui.js';

const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#4b5563', '#db2777'];

interface Point {
  t: number;
  byStage: Record<string, number>;
}

/** Stage counts with the launched units that have not published yet as 启动中. */
export function stageCounts(o: BoardOverview): { value: string; count: number }[] {
  const rows = o.byStage.map((b) => ({ ...b }));
  if (o.starting > 0) rows.push({ value: 'starting', count: o.starting });
  return rows;
}

/**
 * The server's history (kept across restarts, one sample a minute or so) loaded on open, then the
 * counts this page polls appended live, so the curve moves while the office watches.
 */
function useHistory(campaignId: string, overview: BoardOverview | undefined): Point[] {
  const [stored, setStored] = useState<Point[]>([]);
  const [live, setLive] = useState<Point[]>([]);
  useEffect(() => {
    let current = true;
    setStored([]);
    setLive([]);
    api.progress(campaignId).then(
      (r) => {
        if (current) setStored(r.samples.map((s) => ({ t: Date.parse(s.at), byStage: s.byStage })));
      },
      // Without the history the chart still draws from what this page sees.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [campaignId]);
  useEffect(() => {
    if (!overview) return;
    setLive((prev) =>
      [
        ...prev,
        { t: Date.now(), byStage: Object.fromEntries(stageCounts(overview).map((b) => [b.value, b.count])) },
      ].slice(-720),
    );
  }, [overview]);
  const lastStored = stored.at(-1)?.t ?? -Infinity;
  return [...stored, ...live.filter((p) => p.t > lastStored)];
}

export function OfficePage({ me }: { me: Me }) {
  const [filter, setFilter] = useState<BoardUnitsQuery>({});
  const [offset, setOffset] = useState(0);
  const overview = useLive(() => api.board(me.campaignId), 4000, [me.campaignId]);
  const units = useLive(() => api.boardUnits(me.campaignId, { ...filter, limit: BOARD_PAGE, offset }), 4000, [
    me.campaignId,
    JSON.stringify(filter),
    offset,
  ]);
  const stuck = useStuckUnits(me);
  const history = useHistory(me.campaignId, overview.data);
  const stageTitles = new Map((units.data?.columns ?? []).map((c) => [c.stageId, c.title]));
  stageTitles.set('starting', '启动中');
  stageTitles.set('done', '已完成');
  const o = overview.data;
  const remedial = o?.byRemedialRound.reduce((s, b) => s + b.count, 0) ?? 0;
  const running = o?.byPhase.find((b) => b.value === 'running')?.count ?? 0;
  const set = (patch: Partial<BoardUnitsQuery>) => {
    setOffset(0);
    setFilter((f) => ({ ...f, ...patch }));
  };
  const names = new Map((units.data?.units ?? []).map((u) => [u.unitId, u.unitName]));

  return (
    <div class="office">
      <div class="page-head">
        <h1>活动总览 · {me.campaignId}</h1>
        <a class="button" id="go-launch" href="#/launch">
          发起活动
        </a>
      </div>
      {overview.error && <Notice kind="error">{overview.error.message}</Notice>}
      <div class="stats" id="counts">
        <Stat label="参学单位" value={o?.launched ?? '…'} />
        <Stat label="进行中" value={o ? running : '…'} tone="green" />
        <Stat
          label="有逾期事项"
          value={o?.overdueUnits ?? '…'}
          tone={o && o.overdueUnits > 0 ? 'amber' : undefined}
        />
        <Stat label="有补课的单位" value={o ? remedial : '…'} tone={remedial > 0 ? 'red' : undefined} />
        {stuck.size > 0 && <Stat label="流程异常" value={stuck.size} tone="red" />}
      </div>
      {o && (
        <div class="stats" id="rag-counts">
          <Stat label="红" value={o.rag.red} tone={o.rag.red > 0 ? 'red' : undefined} />
          <Stat label="黄" value={o.rag.amber} tone={o.rag.amber > 0 ? 'amber' : undefined} />
          <Stat label="绿" value={o.rag.green} tone="green" />
          {o.starting > 0 && <Stat label="启动中" value={o.starting} />}
        </div>
      )}

      <div class="grid2">
        <Card title="各阶段单位数" id="by-stage">
          {o && (
            <Bars
              rows={stageCounts(o).map((b) => ({
                label: stageTitles.get(b.value) ?? b.value,
                value: b.count,
              }))}
            />
          )}
        </Card>
        <Card title="进度曲线（各阶段单位数随时间）" id="progress">
          <ProgressChart history={history} titles={stageTitles} />
        </Card>
      </div>

      <Card title="单位进度（红黄绿）" id="units">
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <select
            aria-label="单位类型"
            value={filter.unitType ?? ''}
            onChange={(e) => set({ unitType: (e.target as HTMLSelectElement).value || undefined })}
          >
            <option value="">全部类型</option>
            {Object.entries(UNIT_TYPES).map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
          <select
            aria-label="指导组"
            value={filter.group ?? ''}
            onChange={(e) => set({ group: (e.target as HTMLSelectElement).value || undefined })}
          >
            <option value="">全部指导组</option>
            {(o?.byGroup ?? []).map((g) => (
              <option key={g.value} value={g.value}>
                {g.value}（{g.count}）
              </option>
            ))}
          </select>
          <select
            aria-label="阶段"
            value={filter.stage ?? ''}
            onChange={(e) => set({ stage: (e.target as HTMLSelectElement).value || undefined })}
          >
            <option value="">全部阶段</option>
            {(o?.byStage ?? []).map((s) => (
              <option key={s.value} value={s.value}>
                {stageTitles.get(s.value) ?? s.value}（{s.count}）
              </option>
            ))}
          </select>
          <select
            aria-label="红黄绿"
            value={filter.rag ?? ''}
            onChange={(e) =>
              set({ rag: ((e.target as HTMLSelectElement).value || undefined) as BoardUnitsQuery['rag'] })
            }
          >
            <option value="">红黄绿：不限</option>
            <option value="red">红</option>
            <option value="amber">黄</option>
            <option value="green">绿</option>
          </select>
          <label class="check">
            <input
              type="checkbox"
              checked={filter.overdue ?? false}
              onChange={(e) => set({ overdue: (e.target as HTMLInputElement).checked || undefined })}
            />
            只看逾期
          </label>
          <select
            aria-label="补课"
            value={filter.remedialRound ?? ''}
            onChange={(e) =>
              set({
                remedialRound: (e.target as HTMLSelectElement).value
                  ? Number((e.target as HTMLSelectElement).value)
                  : undefined,
              })
            }
          >
            <option value="">补课：不限</option>
            <option value="1">补课第 1 轮</option>
            <option value="2">补课第 2 轮</option>
            <option value="3">补课第 3 轮</option>
          </select>
          <span class="muted">共 {units.data?.total ?? '…'} 个单位</span>
        </form>
        {units.error && <Notice kind="error">{units.error.message}</Notice>}
        {stuck.size > 0 && (
          <Notice kind="error">
            {stuck.size}{' '}
            个单位流程异常，需要技术处理：工作流任务反复失败，这些单位停止不前，修复前不会发出任何通知。请联系技术人员。
          </Notice>
        )}
        {units.data && <Board page={units.data} stuck={stuck} />}
        {units.data && (
          <Pager
            id="board-pager"
            total={units.data.total}
            offset={offset}
            limit={BOARD_PAGE}
            onOffset={setOffset}
          />
        )}
      </Card>

      <PendingExtensions me={me} />
      <div class="grid2">
        <Card title="督办与通报" id="escalation-list">
          <EscalationPanel me={me} />
        </Card>
        <Card title="满意度测评结果" id="surveys">
          <SurveyPanel me={me} />
        </Card>
      </div>

      <Card title="通知异常" id="notification-problems">
        <NotificationProblems me={me} names={names} />
      </Card>

      <Card title="报表" id="report">
        <ReportButton me={me} />
        <BriefingButton me={me} />
      </Card>

      <Card title="资料归档" id="archive">
        <CampaignArchivePanel me={me} />
      </Card>

      <Card title="节假日安排" id="calendar">
        <HolidayCalendarPanel />
      </Card>
    </div>
  );
}

function ProgressChart({ history, titles }: { history: Point[]; titles: Map<string, string> }) {
  if (history.length < 2) return <p class="muted">正在记录进度，稍等几秒就会出现曲线。</p>;
  const stages = [...new Set(history.flatMap((p) => Object.keys(p.byStage)))];
  return (
    <LineChart
      times={history.map((p) => p.t)}
      series={stages.map((s, i) => ({
        label: titles.get(s) ?? s,
        color: PALETTE[i % PALETTE.length]!,
        values: history.map((p) => p.byStage[s] ?? 0),
      }))}
    />
  );
}

function ReportButton({ me }: { me: Me }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const blob = await api.report(me.campaignId);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `${me.campaignId}-进度报表.xlsx`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (e) {
      setError(e instanceof ApiFailure ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p>Excel 报表：各单位进度（红黄绿）、逾期事项、督办记录、测评结果，各占一页。</p>
      <button id="download-report" disabled={busy} onClick={() => void download()}>
        {busy ? '正在生成……' : '下载 Excel 报表'}
      </button>
      {error && <Notice kind="error">{error}</Notice>}
    </>
  );
}
