/**
 * One unit's page: its calendar, what is due next, submitting a deliverable with files, and the
 * 指导组's review results. Units see only this page (for their own unit); the 指导组 and the office
 * open it for any unit they may reach and get the review and supervision actions below it.
 */
import { useState } from 'preact/hooks';
import { UnitArchiveButton } from './archive.js';
import { api, ApiFailure, type Me, type TaskView, type UnitCampaignStatus } from './api.js';
import { ReviewWaitNote } from './review-wait.js';
import { PHASE, TASK_STATUS, ragOfTasks, taskStateText, ragOfUnit, relative, when } from './format.js';
import { useLive } from './live.js';
import { SupervisionActions } from './supervise.js';
import { ExtensionRequestForms } from './extension.js';
import { Card, Notice, RagChip, ResultNotice } from './ui.js';

const active = (t: TaskView) => t.status === 'open' || t.status === 'returned';

export function UnitPage({ me, unitId }: { me: Me; unitId: string }) {
  const live = useLive(() => api.unit(me.campaignId, unitId), 3000, [me.campaignId, unitId]);
  if (live.error && !live.data) {
    return (
      <Notice kind="error">
        {live.error.status === 403 ? `无权查看该单位：${live.error.message}` : live.error.message}
      </Notice>
    );
  }
  const s = live.data;
  if (!s) return <p class="muted">正在读取单位进度……</p>;
  const due = s.tasks.filter(active).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const reviewed = s.tasks.filter(
    (t) => t.returns > 0 || (t.needsReview && (t.status === 'done' || t.status === 'submitted')),
  );
  return (
    <div class="unit-page" data-unit={s.unitId}>
      <header class="unit-head">
        <h1>
          {s.unitName} <RagChip rag={ragOfUnit(s)} />
        </h1>
        <p class="muted">
          {PHASE[s.phase]} · 当前阶段：
          {s.stages.find((x) => x.stageId === s.stage)?.title ?? (s.stage === 'done' ? '全部完成' : s.stage)}
          {s.remedialRound > 0 && ` · 补课第 ${s.remedialRound} 轮`}
          {s.overdueCount > 0 && <strong class="danger"> · 逾期 {s.overdueCount} 项</strong>}
        </p>
      </header>
      {live.error && <Notice kind="error">刷新失败：{live.error.message}</Notice>}
      {s.health && (
        <Notice kind="error">
          <span id="unit-stuck">
            {s.health.label}：本单位的工作流任务已失败 {s.health.failures} 次（自 {when(s.health.since)}
            ），流程停止不前，报送、审查等操作暂时无法处理，也不会发出通知。请联系技术人员。错误：
            <code>{s.health.error}</code>
          </span>
        </Notice>
      )}

      <Card title="接下来要完成" id="due-next">
        {due.length === 0 ? (
          <p class="muted">目前没有待办事项。</p>
        ) : (
          <ul class="due-list">
            {due.slice(0, 5).map((t) => (
              <li key={t.taskId} class={t.overdue ? 'overdue' : ''} data-task={t.taskId}>
                <b>{t.title}</b>
                {t.status === 'returned' && <span class="tag tag-amber">被退回，请修改后重新报送</span>}
                {t.gap && <span class="tag">查缺补缺</span>}
                {t.origin === 'remedial' && <span class="tag tag-amber">补课</span>}
                <span class="muted">
                  截止 {when(t.dueAt)}（{relative(t.dueAt)}）
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      {me.role === 'unit' && <SubmitForm me={me} status={s} onDone={live.refresh} />}
      {me.role === 'unit' && <ExtensionRequestForms me={me} status={s} onDone={live.refresh} />}
      <Card title="资料归档" id="unit-archive">
        <UnitArchiveButton me={me} unitId={s.unitId} unitName={s.unitName} />
      </Card>
      {me.role !== 'unit' && <SupervisionActions me={me} status={s} onDone={live.refresh} />}

      <Card title="审查结果" id="review-results">
        {reviewed.length === 0 ? (
          <p class="muted">还没有需要指导组审查的材料被审查过。</p>
        ) : (
          <ul class="review-list">
            {reviewed.map((t) => (
              <li key={t.taskId} data-task={t.taskId} data-status={t.status}>
                <b>{t.title}</b> <span class={`tag tag-${t.status}`}>{TASK_STATUS[t.status]}</span>
                {t.review && <ReviewWaitNote review={t.review} />}
                {t.returns > 0 && <span class="muted"> 已退回 {t.returns} 次</span>}
                {t.status === 'returned' && t.lastReturn && (
                  <div class="return-reasons">
                    退回理由：
                    <ul>
                      {t.lastReturn.reasons.map((r) => (
                        <li key={r}>{r}</li>
                      ))}
                    </ul>
                    {t.lastReturn.failedItems.length > 0 && (
                      <p>未通过的检查项：{t.lastReturn.failedItems.join('、')}</p>
                    )}
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title="活动日程" id="calendar">
        {s.stages.map((st) => {
          const tasks = s.tasks.filter((t) => t.stageId === st.stageId);
          return (
            <details key={st.stageId} open={st.stageId === s.stage} class="stage">
              <summary>
                <RagChip rag={ragOfTasks(tasks, s, st.status !== 'pending')} /> <b>{st.title}</b>
                <span class="muted">
                  {' '}
                  {when(st.opensAt)} — {when(st.dueAt)} ·{' '}
                  {st.status === 'complete' ? '已完成' : st.status === 'open' ? '进行中' : '未开始'}
                </span>
              </summary>
              <table class="tasks">
                <thead>
                  <tr>
                    <th>事项</th>
                    <th>开始</th>
                    <th>截止</th>
                    <th>状态</th>
                  </tr>
                </thead>
                <tbody>
                  {tasks.map((t) => (
                    <tr key={t.taskId} class={t.overdue ? 'overdue' : ''}>
                      <td>
                        {t.title}
                        {t.needsReview && <span class="tag">指导组审查</span>}
                      </td>
                      <td>{when(t.opensAt)}</td>
                      <td>{when(t.dueAt)}</td>
                      <td>
                        {taskStateText(t)}
                        {t.overdue && <span class="danger"> 逾期</span>}
                        {t.escalationLevel > 0 && <span class="muted"> 督办 {t.escalationLevel} 级</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          );
        })}
      </Card>

      <Card title="最近动态" id="timeline">
        <ol class="timeline">
          {[...s.timeline]
            .reverse()
            .slice(0, 12)
            .map((e, i) => (
              <li key={`${e.at}-${i}`}>
                <span class="muted">{when(e.at)}</span> {e.text}
              </li>
            ))}
        </ol>
      </Card>
    </div>
  );
}

function SubmitForm({ me, status, onDone }: { me: Me; status: UnitCampaignStatus; onDone: () => void }) {
  const open = status.tasks.filter(active).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const [taskId, setTaskId] = useState('');
  const [summary, setSummary] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string; problems?: string[] } | undefined>();
  const chosen = open.find((t) => t.taskId === taskId) ?? open[0];

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!chosen) return;
    setBusy(true);
    setResult(undefined);
    try {
      const refs: string[] = [];
      for (const f of files) refs.push((await api.upload(me.campaignId, status.unitId, f)).ref);
      await api.submit(me.campaignId, status.unitId, {
        taskId: chosen.taskId,
        summary: summary.trim(),
        fileRefs: refs,
      });
      setResult({
        ok: true,
        text: `「${chosen.title}」已报送${refs.length > 0 ? `（附 ${refs.length} 个文件）` : ''}${chosen.needsReview ? '，等待指导组审查' : ''}。`,
      });
      setSummary('');
      setFiles([]);
      (e.target as HTMLFormElement).reset();
      onDone();
    } catch (err) {
      const f = err instanceof ApiFailure ? err : new ApiFailure(0, String(err));
      setResult({ ok: false, text: f.message, problems: f.problems });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="报送材料" id="submit">
      {open.length === 0 ? (
        <p class="muted">现在没有可以报送的事项。</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} class="form">
          <label>
            事项
            <select
              name="taskId"
              value={chosen?.taskId}
              onChange={(e) => setTaskId((e.target as HTMLSelectElement).value)}
            >
              {open.map((t) => (
                <option key={t.taskId} value={t.taskId}>
                  {t.title}（{relative(t.dueAt)}）
                </option>
              ))}
            </select>
          </label>
          <label>
            简要说明
            <textarea
              name="summary"
              required
              maxLength={2000}
              rows={3}
              value={summary}
              onInput={(e) => setSummary((e.target as HTMLTextAreaElement).value)}
              placeholder="例如：实施方案已经党委会讨论通过"
            />
          </label>
          <label>
            附件（PDF、Word、Excel、PPT、图片，每个不超过 20 MB）
            <input
              name="files"
              type="file"
              multiple
              accept=".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.jpg,.jpeg,.png"
              onChange={(e) => setFiles([...((e.target as HTMLInputElement).files ?? [])])}
            />
          </label>
          <button type="submit" disabled={busy || summary.trim() === ''}>
            {busy ? '正在报送……' : '报送'}
          </button>
        </form>
      )}
      {result && <ResultNotice ok={result.ok} text={result.text} problems={result.problems} listFrom={1} />}
    </Card>
  );
}
