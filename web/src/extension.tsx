/**
 * 延期申请 in the console. A unit asks for a later date with a reason, one form per open task
 * (before its deadline); the 指导组 and the office see the requests that wait, with 同意 /
 * 不同意; the office may select several and decide them at once. Data from the read model
 * (GET …/extension-requests and the unit's status), decisions through the API.
 */
import { useState } from 'preact/hooks';
import {
  api,
  ApiFailure,
  type Me,
  type PendingExtensionRow,
  type TaskView,
  type UnitCampaignStatus,
} from './api.js';
import { relative, when } from './format.js';
import { useLive } from './live.js';
import { Card, Notice } from './ui.js';

type Result = { ok: boolean; text: string; problems?: string[] };

const failure = (err: unknown): Result => {
  const f = err instanceof ApiFailure ? err : new ApiFailure(0, String(err));
  return { ok: false, text: f.message, problems: f.problems };
};

function ResultNotice({ result }: { result: Result | undefined }) {
  if (!result) return null;
  return (
    <Notice kind={result.ok ? 'ok' : 'error'}>
      {result.text}
      {result.problems && result.problems.some((p) => p !== result.text) && (
        <ul>
          {result.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </Notice>
  );
}

const DECIDER = { supervisor_group: '指导组审批', office: '报活动办审批' } as const;

/** 2009-12-20: the day after `iso` in Beijing time, as a date input wants it. */
function dayAfter(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 86_400_000);
  return d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

const askable = (t: TaskView, now: number) =>
  (t.status === 'open' || t.status === 'returned' || t.status === 'pending') &&
  new Date(t.dueAt).getTime() > now;

/** The unit's 申请延期 card: one row per task it may still ask for, its open request shown instead of the form. */
export function ExtensionRequestForms({
  me,
  status,
  onDone,
}: {
  me: Me;
  status: UnitCampaignStatus;
  onDone: () => void;
}) {
  const now = Date.now();
  const tasks = status.tasks
    .filter((t) => askable(t, now) && t.status !== 'pending')
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
    .slice(0, 8);
  return (
    <Card title="申请延期" id="extension-request">
      <p class="muted">
        确有困难不能按期完成的，请在截止前写明理由申请延期；指导组在权限内审批，超过权限的报活动办审批。
      </p>
      {tasks.length === 0 ? (
        <p class="muted">目前没有可以申请延期的事项。</p>
      ) : (
        <ul class="extension-list">
          {tasks.map((t) => (
            <ExtensionRow key={t.taskId} me={me} unitId={status.unitId} task={t} onDone={onDone} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function ExtensionRow({
  me,
  unitId,
  task,
  onDone,
}: {
  me: Me;
  unitId: string;
  task: TaskView;
  onDone: () => void;
}) {
  const [newDue, setNewDue] = useState(dayAfter(task.dueAt));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | undefined>();
  const x = task.extensionRequest;
  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setResult(undefined);
    try {
      await api.requestExtension(me.campaignId, unitId, {
        taskId: task.taskId,
        newDue,
        reason: reason.trim(),
      });
      setResult({ ok: true, text: `已申请将「${task.title}」延至 ${newDue}，等待审批。` });
      setReason('');
      onDone();
    } catch (err) {
      setResult(failure(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li data-task={task.taskId}>
      <b>{task.title}</b>{' '}
      <span class="muted">
        截止 {when(task.dueAt)}（{relative(task.dueAt)}）
      </span>
      {x ? (
        <p class="extension-pending" data-decider={x.decider}>
          已申请延至 {when(x.newDueAt)}（{x.workingDays} 个工作日），{DECIDER[x.decider]}中
          {x.decideBy && <span class="muted"> · 审批时限 {when(x.decideBy)}</span>}
        </p>
      ) : (
        <form class="form form-inline" onSubmit={(e) => void send(e)}>
          <label>
            延至
            <input
              type="date"
              name="newDue"
              required
              min={dayAfter(task.dueAt)}
              value={newDue}
              onInput={(e) => setNewDue((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            理由
            <input
              name="reason"
              required
              maxLength={500}
              value={reason}
              placeholder="例如：党委换届，班子调整后需重新征求意见"
              onInput={(e) => setReason((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" disabled={busy || reason.trim() === ''}>
            {busy ? '正在申请……' : '申请延期'}
          </button>
        </form>
      )}
      <ResultNotice result={result} />
    </li>
  );
}

/**
 * The requests that wait, for the 指导组 (its units; those above its limit shown as 报活动办审批)
 * or the office (all, with batch selection).
 */
export function PendingExtensions({ me }: { me: Me }) {
  const live = useLive(() => api.extensionRequests(me.campaignId), 4000, [me.campaignId]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | undefined>();
  const office = me.role === 'office';
  const rows = live.data ?? [];
  const key = (r: PendingExtensionRow) => `${r.unitId}/${r.taskId}`;
  const mayDecide = (r: PendingExtensionRow) => office || r.decider === 'supervisor_group';

  const decideOne = async (r: PendingExtensionRow, decision: 'approve' | 'refuse') => {
    setBusy(true);
    setResult(undefined);
    try {
      await api.decideExtension(me.campaignId, r.unitId, {
        taskId: r.taskId,
        decision,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      setResult({
        ok: true,
        text: `已${decision === 'approve' ? '同意' : '不同意'}${r.unitName}「${r.title}」的延期申请。`,
      });
      live.refresh();
    } catch (err) {
      setResult(failure(err));
    } finally {
      setBusy(false);
    }
  };

  const decideSelected = async (decision: 'approve' | 'refuse') => {
    const items = rows
      .filter((r) => selected.has(key(r)))
      .map((r) => ({ unitId: r.unitId, taskId: r.taskId }));
    setBusy(true);
    setResult(undefined);
    try {
      const r = await api.decideExtensions(me.campaignId, {
        items,
        decision,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      setResult({
        ok: r.failed === 0,
        text: `批量${decision === 'approve' ? '同意' : '不同意'}：成功 ${r.succeeded} 项，失败 ${r.failed} 项`,
        problems: r.outcomes.filter((o) => !o.ok).map((o) => `${o.unitId}/${o.taskId}：${o.error ?? ''}`),
      });
      setSelected(new Set());
      live.refresh();
    } catch (err) {
      setResult(failure(err));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (k: string) => {
    const next = new Set(selected);
    if (next.has(k)) next.delete(k);
    else next.add(k);
    setSelected(next);
  };

  return (
    <Card title={office ? '延期申请审批' : '等待本组审批的延期申请'} id="extension-requests">
      {live.error && <Notice kind="error">{live.error.message}</Notice>}
      {rows.length === 0 ? (
        <p class="muted">没有等待审批的延期申请。</p>
      ) : (
        <>
          <div class="table-scroll">
            <table class="extension-table">
              <thead>
                <tr>
                  {office && <th>选择</th>}
                  <th>单位</th>
                  <th>事项</th>
                  <th>原截止</th>
                  <th>申请延至</th>
                  <th>理由</th>
                  <th>审批</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr
                    key={key(r)}
                    data-unit={r.unitId}
                    data-task={r.taskId}
                    class={r.escalationLevel > 0 ? 'overdue' : ''}
                  >
                    {office && (
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`选择${r.unitName}「${r.title}」`}
                          checked={selected.has(key(r))}
                          onChange={() => toggle(key(r))}
                        />
                      </td>
                    )}
                    <td>{r.unitName}</td>
                    <td>{r.title}</td>
                    <td>{when(r.dueAt)}</td>
                    <td>
                      {when(r.newDueAt)}（{r.workingDays} 个工作日）
                    </td>
                    <td>{r.reason}</td>
                    <td>
                      {DECIDER[r.decider]}
                      {r.decideBy && <span class="muted"> · 时限 {when(r.decideBy)}</span>}
                      {r.escalationLevel > 0 && <span class="danger"> · 已超期</span>}
                    </td>
                    <td>
                      {mayDecide(r) ? (
                        <>
                          <button disabled={busy} onClick={() => void decideOne(r, 'approve')}>
                            同意
                          </button>{' '}
                          <button
                            class="secondary"
                            disabled={busy}
                            onClick={() => void decideOne(r, 'refuse')}
                          >
                            不同意
                          </button>
                        </>
                      ) : (
                        <span class="muted">待活动办审批</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <label class="form">
            审批意见（不同意时必填）
            <input
              name="comment"
              maxLength={500}
              value={comment}
              onInput={(e) => setComment((e.target as HTMLInputElement).value)}
            />
          </label>
          {office && (
            <p>
              <button disabled={busy || selected.size === 0} onClick={() => void decideSelected('approve')}>
                同意所选（{selected.size}）
              </button>{' '}
              <button
                class="secondary"
                disabled={busy || selected.size === 0}
                onClick={() => void decideSelected('refuse')}
              >
                不同意所选
              </button>
            </p>
          )}
        </>
      )}
      <ResultNotice result={result} />
    </Card>
  );
}
