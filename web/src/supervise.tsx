/**
 * What a 指导组 member (or the office) does on a unit's page: review submitted deliverables
 * (approve, or return with reasons and failed checklist items), acknowledge escalations, extend a
 * deadline, add a 查缺补缺 item. Each action names the API's error in full when refused.
 */
import { useState } from 'preact/hooks';
import { api, ApiFailure, type Me, type TaskView, type UnitCampaignStatus } from './api.js';
import { relative, when } from './format.js';
import { Card, ResultNotice } from './ui.js';

type Outcome = { ok: boolean; text: string; problems?: string[] } | undefined;

function useAction(onDone: () => void, onSuccess?: (outcome: Outcome) => void) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const run = async (what: () => Promise<unknown>, success: string) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      await what();
      setOutcome({ ok: true, text: success });
      onSuccess?.({ ok: true, text: success });
      onDone();
    } catch (e) {
      const f = e instanceof ApiFailure ? e : new ApiFailure(0, String(e));
      setOutcome({ ok: false, text: f.message, problems: f.problems });
    } finally {
      setBusy(false);
    }
  };
  return { busy, outcome, run };
}

function OutcomeNotice({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  return <ResultNotice ok={outcome.ok} text={outcome.text} problems={outcome.problems} />;
}

export function SupervisionActions({
  me,
  status,
  onDone,
}: {
  me: Me;
  status: UnitCampaignStatus;
  onDone: () => void;
}) {
  const waiting = status.tasks.filter((t) => t.status === 'submitted' && t.needsReview);
  const escalations = status.openEscalations.filter((e) => !e.acknowledged);
  const titles = new Map(status.tasks.map((t) => [t.taskId, t.title]));
  const ack = useAction(onDone);
  // A decided review leaves the list (and its form with it) as soon as the status refreshes, so
  // the confirmation is shown by the list, not by the form.
  const [reviewed, setReviewed] = useState<Outcome>();
  return (
    <>
      <Card title={`待审查材料（${waiting.length}）`} id="reviews">
        {waiting.length === 0 ? (
          <p class="muted">没有等待审查的材料。</p>
        ) : (
          waiting.map((t) => (
            <ReviewForm
              key={`${t.taskId}-${t.submissions}`}
              me={me}
              unitId={status.unitId}
              task={t}
              onDone={onDone}
              onReviewed={setReviewed}
            />
          ))
        )}
        <OutcomeNotice outcome={reviewed} />
      </Card>
      <Card title={`督办待确认（${escalations.length}）`} id="escalations">
        {escalations.length === 0 ? (
          <p class="muted">没有待确认的督办。</p>
        ) : (
          <ul class="esc-list">
            {escalations.map((e) => (
              <li key={`${e.taskId}-${e.level}`}>
                <b>{titles.get(e.taskId) ?? e.taskId}</b> · 第 {e.level} 级「{e.label}」 · {when(e.firedAt)}
                {e.repeats > 0 && ` · 已重复 ${e.repeats} 次`}{' '}
                <button
                  disabled={ack.busy}
                  onClick={() =>
                    void ack.run(
                      () =>
                        api.acknowledge(me.campaignId, status.unitId, { taskId: e.taskId, level: e.level }),
                      `已确认「${titles.get(e.taskId) ?? e.taskId}」的第 ${e.level} 级督办，不再重复提醒。`,
                    )
                  }
                >
                  确认督办
                </button>
              </li>
            ))}
          </ul>
        )}
        <OutcomeNotice outcome={ack.outcome} />
      </Card>
      <ExtendForm me={me} status={status} onDone={onDone} />
      <GapForm me={me} status={status} onDone={onDone} />
    </>
  );
}

function ReviewForm({
  me,
  unitId,
  task,
  onDone,
  onReviewed,
}: {
  me: Me;
  unitId: string;
  task: TaskView;
  onDone: () => void;
  onReviewed: (outcome: Outcome) => void;
}) {
  const [returning, setReturning] = useState(false);
  const [reasons, setReasons] = useState('');
  const [failed, setFailed] = useState('');
  const action = useAction(onDone, onReviewed);
  // A reason is a sentence and may hold commas: one per line. Checklist ids are short: commas too.
  const split = (s: string, on: RegExp) =>
    s
      .split(on)
      .map((x) => x.trim())
      .filter(Boolean);
  const lines = (s: string) => split(s, /\n/);
  const ids = (s: string) => split(s, /[\n，,、；;\s]/);
  return (
    <div class="review" data-task={task.taskId}>
      <p>
        <b>{task.title}</b> · 第 {task.submissions} 次报送 · 截止 {when(task.dueAt)}
      </p>
      {!returning ? (
        <div class="buttons">
          <button
            class="primary"
            disabled={action.busy}
            onClick={() =>
              void action.run(
                () => api.review(me.campaignId, unitId, { taskId: task.taskId, decision: 'approve' }),
                `已通过「${task.title}」。`,
              )
            }
          >
            审查通过
          </button>
          <button class="secondary" onClick={() => setReturning(true)}>
            退回修改……
          </button>
        </div>
      ) : (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            const failedItems = ids(failed);
            void action.run(
              () =>
                api.review(me.campaignId, unitId, {
                  taskId: task.taskId,
                  decision: 'return',
                  reasons: lines(reasons),
                  ...(failedItems.length > 0 ? { failedItems } : {}),
                }),
              `已退回「${task.title}」，单位会收到退回理由。`,
            );
          }}
        >
          <label>
            退回理由（每行一条，单位据此修改）
            <textarea
              name="reasons"
              required
              rows={3}
              value={reasons}
              onInput={(e) => setReasons((e.target as HTMLTextAreaElement).value)}
              placeholder="例如：征求意见范围不广，只征求了机关干部的意见"
            />
          </label>
          <label>
            未通过的检查项编号（可选，如四不通过的项，用逗号分隔）
            <input
              name="failedItems"
              value={failed}
              onInput={(e) => setFailed((e.target as HTMLInputElement).value)}
            />
          </label>
          <div class="buttons">
            <button type="submit" class="danger-button" disabled={action.busy || lines(reasons).length === 0}>
              退回
            </button>
            <button type="button" class="secondary" onClick={() => setReturning(false)}>
              取消
            </button>
          </div>
        </form>
      )}
      {action.outcome && !action.outcome.ok && <OutcomeNotice outcome={action.outcome} />}
    </div>
  );
}

/** datetime-local gives wall time without a zone; campaigns run on Beijing time. */
const beijing = (local: string) => (local.length === 16 ? `${local}:00+08:00` : local);

function ExtendForm({ me, status, onDone }: { me: Me; status: UnitCampaignStatus; onDone: () => void }) {
  const candidates = status.tasks
    .filter((t) => t.status === 'open' || t.status === 'returned')
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueAt.localeCompare(b.dueAt));
  const [taskId, setTaskId] = useState('');
  const [newDue, setNewDue] = useState('');
  const [reason, setReason] = useState('');
  const action = useAction(onDone);
  const chosen = candidates.find((t) => t.taskId === taskId) ?? candidates[0];
  if (candidates.length === 0) return null;
  return (
    <Card title="延期" id="extend">
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen)
            void action.run(
              () =>
                api.extend(me.campaignId, status.unitId, {
                  taskId: chosen.taskId,
                  newDue: beijing(newDue),
                  reason,
                }),
              `「${chosen.title}」已延期到 ${newDue.replace('T', ' ')}。`,
            );
        }}
      >
        <label>
          事项
          <select value={chosen?.taskId} onChange={(e) => setTaskId((e.target as HTMLSelectElement).value)}>
            {candidates.map((t) => (
              <option key={t.taskId} value={t.taskId}>
                {t.title}（{relative(t.dueAt)}）
              </option>
            ))}
          </select>
        </label>
        <label>
          新的截止时间（北京时间）
          <input
            type="datetime-local"
            required
            value={newDue}
            onInput={(e) => setNewDue((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          延期理由
          <input
            required
            value={reason}
            onInput={(e) => setReason((e.target as HTMLInputElement).value)}
            placeholder="例如：秋收农忙"
          />
        </label>
        <button type="submit" disabled={action.busy}>
          延期
        </button>
      </form>
      <OutcomeNotice outcome={action.outcome} />
    </Card>
  );
}

function GapForm({ me, status, onDone }: { me: Me; status: UnitCampaignStatus; onDone: () => void }) {
  const [title, setTitle] = useState('');
  const [note, setNote] = useState('');
  const action = useAction(onDone);
  return (
    <Card title="增加查缺补缺事项" id="gap">
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void action
            .run(
              () =>
                api.addGap(me.campaignId, status.unitId, {
                  title: title.trim(),
                  ...(note.trim() ? { note: note.trim() } : {}),
                }),
              `已增加查缺补缺事项「${title.trim()}」。`,
            )
            .then(() => {
              setTitle('');
              setNote('');
            });
        }}
      >
        <label>
          事项名称
          <input
            required
            maxLength={100}
            value={title}
            onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
            placeholder="例如：补充群众评议记录"
          />
        </label>
        <label>
          说明（可选）
          <input
            maxLength={500}
            value={note}
            onInput={(e) => setNote((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" disabled={action.busy || title.trim() === ''}>
          增加
        </button>
      </form>
      <OutcomeNotice outcome={action.outcome} />
    </Card>
  );
}
