/**
 * The campaign office's page: counts, the board with filters, progress over time, escalations,
 * survey results and the Excel report. Counts and the unit list come from visibility every few
 * seconds; escalations and surveys from the statuses the board already reads.
 */
import { useEffect, useState } from 'preact/hooks';
import { BriefingButton, CampaignArchivePanel } from './archive.js';
import { HolidayCalendarPanel } from './calendar.js';
import { UNIT_TYPES } from '../../domain/unit-types.js';
import {
  api,
  ApiFailure,
  RESOLUTION_LABELS,
  type DeliveryProblem,
  type DeliveryProblemList,
  type Me,
  type CampaignOverview as Overview,
  type ResolutionKind,
  type UnitCampaignStatus,
  type UnitListQuery as UnitFilter,
  type UnitRow,
} from './api.js';
import { Board, stageColumns, StuckTag, useStatuses, useStuckUnits } from './board.js';
import { when } from './format.js';
import { useLive } from './live.js';
import { Bars, Card, LineChart, Notice, StackedBars, Stat } from './ui.js';

const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#4b5563', '#db2777'];

interface Point {
  t: number;
  byStage: Record<string, number>;
}

/**
 * The server's history (kept across restarts, one sample a minute or so) loaded on open, then the
 * overviews this page polls appended live, so the curve moves while the office watches.
 */
function useHistory(campaignId: string, overview: Overview | undefined): Point[] {
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
        { t: Date.now(), byStage: Object.fromEntries(overview.byStage.map((b) => [b.value, b.count])) },
      ].slice(-720),
    );
  }, [overview]);
  const lastStored = stored.at(-1)?.t ?? -Infinity;
  return [...stored, ...live.filter((p) => p.t > lastStored)];
}

export function OfficePage({ me }: { me: Me }) {
  const [filter, setFilter] = useState<UnitFilter>({});
  const overview = useLive(() => api.overview(me.campaignId), 4000, [me.campaignId]);
  const units = useLive(() => api.units(me.campaignId, filter), 4000, [
    me.campaignId,
    JSON.stringify(filter),
  ]);
  const statuses = useStatuses(me, units.data);
  const stuck = useStuckUnits(me);
  const history = useHistory(me.campaignId, overview.data);
  const stageTitles = new Map(stageColumns(statuses).map((c) => [c.stageId, c.title]));
  stageTitles.set('starting', '启动中');
  stageTitles.set('done', '已完成');
  const o = overview.data;
  const remedial = o?.byRemedialRound.reduce((s, b) => s + b.count, 0) ?? 0;
  const set = (patch: Partial<UnitFilter>) => setFilter((f) => ({ ...f, ...patch }));

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
        <Stat label="参学单位" value={o?.total ?? '…'} />
        <Stat label="进行中" value={o?.running ?? '…'} tone="green" />
        <Stat
          label="有逾期事项"
          value={o?.overdueUnits ?? '…'}
          tone={o && o.overdueUnits > 0 ? 'amber' : undefined}
        />
        <Stat label="有补课的单位" value={o ? remedial : '…'} tone={remedial > 0 ? 'red' : undefined} />
        {stuck.size > 0 && <Stat label="流程异常" value={stuck.size} tone="red" />}
      </div>

      <div class="grid2">
        <Card title="各阶段单位数" id="by-stage">
          {o && (
            <Bars
              rows={o.byStage.map((b) => ({ label: stageTitles.get(b.value) ?? b.value, value: b.count }))}
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
          <span class="muted">共 {units.data?.length ?? '…'} 个单位</span>
        </form>
        {units.error && <Notice kind="error">{units.error.message}</Notice>}
        {stuck.size > 0 && (
          <Notice kind="error">
            {stuck.size}{' '}
            个单位流程异常，需要技术处理：工作流任务反复失败，这些单位停止不前，修复前不会发出任何通知。请联系技术人员。
          </Notice>
        )}
        {units.data && <Board rows={units.data} statuses={statuses} stuck={stuck} />}
      </Card>

      <div class="grid2">
        <Card title="督办与通报" id="escalation-list">
          <EscalationList statuses={statuses} />
        </Card>
        <Card title="满意度测评结果" id="surveys">
          <SurveyChart statuses={statuses} />
        </Card>
      </div>

      <Card title="通知异常" id="notification-problems">
        <NotificationProblems me={me} units={units.data} />
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

export function EscalationList({ statuses }: { statuses: Map<string, UnitCampaignStatus> }) {
  const rows = [...statuses.values()]
    .flatMap((s) =>
      s.openEscalations.map((e) => ({
        ...e,
        unitId: s.unitId,
        unitName: s.unitName,
        title: s.tasks.find((t) => t.taskId === e.taskId)?.title ?? e.taskId,
      })),
    )
    .sort((a, b) => b.level - a.level || b.firedAt.localeCompare(a.firedAt));
  if (rows.length === 0) return <p class="muted">目前没有督办。</p>;
  return (
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
          {rows.slice(0, 30).map((e) => (
            <tr key={`${e.unitId}-${e.taskId}-${e.level}`} class={e.level >= 3 ? 'row-red' : ''}>
              <td>
                <a href={`#/unit/${encodeURIComponent(e.unitId)}`}>{e.unitName}</a>
              </td>
              <td>{e.title}</td>
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
  );
}

function SurveyChart({ statuses }: { statuses: Map<string, UnitCampaignStatus> }) {
  const rows = [...statuses.values()].flatMap((s) =>
    s.surveys.map((r) => ({
      label: `${s.unitName} 第 ${r.round} 次`,
      note: r.remedialNeeded ? '多数不满意 → 补课' : `不满意 ${Math.round(r.dissatisfiedShare * 100)}%`,
      parts: [
        { label: '满意', value: r.satisfied, color: '#16a34a' },
        { label: '基本满意', value: r.basicallySatisfied, color: '#facc15' },
        { label: '不满意', value: r.dissatisfied, color: '#dc2626' },
      ],
    })),
  );
  if (rows.length === 0) return <p class="muted">还没有单位录入测评结果。</p>;
  return <StackedBars rows={rows} />;
}

/** Stuck units head the 通知异常 panel: none of their notifications go out until they are repaired. */
function WorkflowProblems({ list, names }: { list: DeliveryProblemList; names: Map<string, string> }) {
  if (list.workflowProblems.length === 0) return null;
  return (
    <div id="workflow-problems">
      <p>
        <strong class="danger">流程异常 {list.workflowProblems.length} 个单位</strong>
        ：工作流任务反复失败，这些单位的通知在修复前不会发出。请联系技术人员处理（campaign repair）。
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>单位</th>
              <th>状态</th>
              <th>发现时间</th>
              <th>失败次数</th>
              <th>错误</th>
            </tr>
          </thead>
          <tbody>
            {list.workflowProblems.map((w) => (
              <tr key={w.unitId} data-workflow-problem={w.unitId} class="row-red">
                <td>
                  <a href={`#/unit/${encodeURIComponent(w.unitId)}`}>
                    {w.unitName ?? names.get(w.unitId) ?? w.unitId}
                  </a>
                </td>
                <td>
                  <StuckTag problem={w} />
                </td>
                <td>{when(w.since)}</td>
                <td>{w.failures}</td>
                <td class="wrap">
                  <code>{w.error}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/**
 * Notifications that reached nobody (bad address, provider rejection) or whose send was cut off:
 * neither is retried by the system, so the office fixes the roster or checks with the person, then
 * marks the row 已处理 so the list shows only what is still open (the send's status stays as it was).
 */
export function NotificationProblems({ me, units }: { me: Me; units: UnitRow[] | undefined }) {
  const [showResolved, setShowResolved] = useState(false);
  const [editing, setEditing] = useState<string>();
  const [done, setDone] = useState<string>();
  // Failures change slowly; no need to poll as often as the counts.
  const live = useLive(
    () => api.notificationProblems(me.campaignId, { includeResolved: showResolved }),
    15_000,
    [me.campaignId, showResolved],
  );
  if (live.error)
    return live.error.status === 503 ? (
      <p class="muted">{live.error.message}</p>
    ) : (
      <Notice kind="error">{live.error.message}</Notice>
    );
  const list: DeliveryProblemList | undefined = live.data;
  const toggle = (
    <label class="check" id="show-resolved">
      <input
        type="checkbox"
        checked={showResolved}
        onChange={(e) => setShowResolved((e.target as HTMLInputElement).checked)}
      />
      显示已处理
    </label>
  );
  if (!list) return <p class="muted">正在读取……</p>;
  const doneNotice = done && <Notice kind="ok">{done}</Notice>;
  const names = new Map((units ?? []).map((u) => [u.unitId, u.unitName ?? u.unitId]));
  const stuck = <WorkflowProblems list={list} names={names} />;
  if (list.problems.length === 0) {
    return (
      <>
        {stuck}
        {doneNotice}
        <p class="muted">
          {showResolved ? '没有发送失败或结果未知的通知。' : '没有待处理的发送失败或结果未知的通知。'}
        </p>
        {toggle}
      </>
    );
  }
  const columns = 8;
  return (
    <>
      {stuck}
      {doneNotice}
      <p id="notification-problem-counts">
        待处理：发送失败 <strong>{list.failed}</strong> 条，结果未知 <strong>{list.uncertain}</strong> 条
        {list.includeResolved ? `；已处理 ${list.resolved} 条` : ''}
        {list.truncated ? `（只列出最近 ${list.problems.length} 条）` : ''}。
        {list.failed > 0 && ' 发送失败的请核对名单中的邮箱、手机号或群机器人地址。'}
        {list.uncertain > 0 && ' 结果未知的系统不会自动重发，请与收件人核实，未收到的请人工补发。'}
        {list.failed + list.uncertain > 0 && ' 处理完后点「标记已处理」，这一条就不再列出。'}
      </p>
      {toggle}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>编号</th>
              <th>时间</th>
              <th>状态</th>
              <th>渠道</th>
              <th>收件人</th>
              <th>单位/通知</th>
              <th>原因</th>
              <th>处理情况</th>
            </tr>
          </thead>
          <tbody>
            {list.problems.flatMap((p) => {
              const row = (
                <tr
                  key={p.id}
                  data-problem={p.id}
                  class={p.resolution ? 'row-muted' : p.status === 'failed' ? 'row-red' : ''}
                >
                  <td>
                    <code>{p.id}</code>
                  </td>
                  <td>{when(p.at)}</td>
                  <td>{p.statusLabel}</td>
                  <td>{p.channelLabel}</td>
                  <td>{p.recipient}</td>
                  <td>
                    {p.unitId ? (
                      <a href={`#/unit/${encodeURIComponent(p.unitId)}`}>{names.get(p.unitId) ?? p.unitId}</a>
                    ) : (
                      p.notificationId
                    )}{' '}
                    · {p.eventLabel}
                  </td>
                  <td class="wrap">{p.reason}</td>
                  <td class="wrap">
                    {p.resolution && (
                      <span class="resolution" title={p.resolution.note}>
                        {p.resolution.kindLabel}（{p.resolution.by} {when(p.resolution.at)}
                        {p.resolution.note ? `：${p.resolution.note}` : ''}）{' '}
                      </span>
                    )}
                    {editing !== p.id && (
                      <button
                        class="secondary"
                        onClick={() => {
                          setEditing(p.id);
                          setDone(undefined);
                        }}
                      >
                        {p.resolution ? '修改' : '标记已处理'}
                      </button>
                    )}
                  </td>
                </tr>
              );
              if (editing !== p.id) return [row];
              return [
                row,
                <tr key={`${p.id}-form`} class="resolve-row">
                  <td colSpan={columns}>
                    <ResolveForm
                      me={me}
                      problem={p}
                      onCancel={() => setEditing(undefined)}
                      onDone={(text) => {
                        setEditing(undefined);
                        setDone(text);
                        live.refresh();
                      }}
                    />
                  </td>
                </tr>,
              ];
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

function ResolveForm({
  me,
  problem,
  onCancel,
  onDone,
}: {
  me: Me;
  problem: DeliveryProblem;
  onCancel: () => void;
  onDone: (text: string) => void;
}) {
  const [kind, setKind] = useState<ResolutionKind>(
    problem.resolution?.kind ?? (problem.status === 'uncertain' ? 'received' : 'address_fixed'),
  );
  const [note, setNote] = useState(problem.resolution?.note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure>();
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.resolveNotificationProblem(me.campaignId, problem.id, {
        kind,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      onDone(
        `已将「${problem.recipient} · ${problem.eventLabel}（${problem.channelLabel}）」标记为${RESOLUTION_LABELS[kind]}。`,
      );
    } catch (e) {
      setError(e instanceof ApiFailure ? e : new ApiFailure(0, String(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="form resolve-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        处理方式
        <select
          value={kind}
          onChange={(e) => setKind((e.target as HTMLSelectElement).value as ResolutionKind)}
        >
          {(Object.keys(RESOLUTION_LABELS) as ResolutionKind[]).map((k) => (
            <option key={k} value={k}>
              {RESOLUTION_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      <label>
        说明（可不填，至多 200 字）
        <input
          value={note}
          maxLength={200}
          onInput={(e) => setNote((e.target as HTMLInputElement).value)}
          placeholder="例如：已电话联系张明，确认收到"
        />
      </label>
      <div class="buttons">
        <button type="submit" disabled={busy}>
          {busy ? '正在保存……' : '确定'}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          取消
        </button>
      </div>
      {error && (
        <Notice kind="error">
          {error.message}
          {error.problems.length > 1 && (
            <ul>
              {error.problems.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}
    </form>
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
