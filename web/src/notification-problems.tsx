/**
 * The office's 通知异常 panel: stuck units first, then the notifications that reached nobody or
 * whose send was cut off, each marked 已处理 by the office once handled.
 */
import { useState } from 'preact/hooks';
import {
  api,
  ApiFailure,
  RESOLUTION_LABELS,
  type DeliveryProblem,
  type DeliveryProblemList,
  type Me,
  type ResolutionKind,
} from './api.js';
import { StuckTag } from './board.js';
import { when } from './format.js';
import { useLive } from './live.js';
import { Notice, ResultNotice } from './ui.js';

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
export function NotificationProblems({ me, names }: { me: Me; names: Map<string, string> }) {
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
      {error && <ResultNotice ok={false} text={error.message} problems={error.problems} />}
    </form>
  );
}
