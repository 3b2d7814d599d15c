/**
 * 发起活动 (office only): upload a plan and a roster, choose the start date, see every error and
 * each unit kind's calendar before anything starts; launch only when nothing blocks it (or the
 * office explicitly skips the bad rows), then see what started, what was already running and what
 * was refused. Starting again with the same files starts nothing twice.
 */
import { useState } from 'preact/hooks';
import {
  api,
  ApiFailure,
  type CampaignPreview,
  type LaunchFiles,
  type IssuedToken as IssuedLogin,
  type LaunchSummary,
  type Me,
  type UnitKindPreview,
} from './api.js';
import { handoutCsv } from '../../client/api/wire/handout.js';
import { when } from './format.js';
import { Card, Notice, ResultNotice } from './ui.js';

const SHEET: Record<string, string> = { units: '单位表', groups: '指导组表', file: '文件' };

function todayInBeijing(): string {
  return new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

const fileOf = (e: Event): File | undefined => (e.target as HTMLInputElement).files?.[0] ?? undefined;

export function LaunchPage({ me }: { me: Me }) {
  const [plan, setPlan] = useState<File | undefined>();
  const [roster, setRoster] = useState<File | undefined>();
  const [groups, setGroups] = useState<File | undefined>();
  const [start, setStart] = useState(todayInBeijing());
  const [skip, setSkip] = useState(false);
  const [busy, setBusy] = useState<'preview' | 'start' | undefined>();
  const [preview, setPreview] = useState<CampaignPreview | undefined>();
  const [summary, setSummary] = useState<LaunchSummary | undefined>();
  const [failure, setFailure] = useState<ApiFailure | undefined>();

  const files = (): LaunchFiles => ({
    start,
    skipBadRows: skip,
    ...(plan ? { plan } : {}),
    ...(roster ? { roster } : {}),
    ...(groups ? { groups } : {}),
  });
  // Any change of input makes the shown preview stale: it must be checked again before launch.
  const changed =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPreview(undefined);
      setSummary(undefined);
      setFailure(undefined);
    };

  const check = async () => {
    setBusy('preview');
    setFailure(undefined);
    setSummary(undefined);
    try {
      setPreview(await api.preview(me.campaignId, files()));
    } catch (e) {
      setFailure(e instanceof ApiFailure ? e : new ApiFailure(0, String(e)));
    } finally {
      setBusy(undefined);
    }
  };

  const launch = async () => {
    setBusy('start');
    setFailure(undefined);
    try {
      setSummary(await api.start(me.campaignId, files()));
    } catch (e) {
      setFailure(e instanceof ApiFailure ? e : new ApiFailure(0, String(e)));
    } finally {
      setBusy(undefined);
    }
  };

  const rowErrors = preview?.rosterErrors.length ?? 0;
  const blocking = preview
    ? preview.inputErrors.length + preview.planErrors.length + (preview.roster?.fatal ? 1 : 0)
    : 0;
  const launchable =
    preview !== undefined &&
    preview.plan !== undefined &&
    blocking === 0 &&
    (preview.roster?.usableUnits ?? 0) > 0 &&
    preview.previews.some((p) => !p.refusedReason);
  const canLaunch = launchable && (rowErrors === 0 || skip) && busy === undefined;

  return (
    <div class="launch">
      <p>
        <a href="#/">← 活动总览</a>
      </p>
      <h1>发起活动 · {me.campaignId}</h1>
      <Card title="1. 上传计划和名单" id="launch-form">
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void check();
          }}
        >
          <label>
            活动计划（YAML）
            <input
              type="file"
              name="plan"
              accept=".yaml,.yml"
              onChange={(e) => changed(setPlan)(fileOf(e))}
            />
          </label>
          <label>
            参学单位名单（Excel，或 CSV）
            <input
              type="file"
              name="roster"
              accept=".xlsx,.csv"
              onChange={(e) => changed(setRoster)(fileOf(e))}
            />
          </label>
          <label>
            指导组表（名单是 CSV 时需要）
            <input
              type="file"
              name="groups"
              accept=".xlsx,.csv"
              onChange={(e) => changed(setGroups)(fileOf(e))}
            />
          </label>
          <label>
            开始日期
            <input
              type="date"
              name="start"
              required
              value={start}
              onInput={(e) => changed(setStart)((e.target as HTMLInputElement).value)}
            />
          </label>
          <div class="buttons">
            <button type="submit" id="check" disabled={busy !== undefined}>
              {busy === 'preview' ? '正在检查……' : '检查并预览'}
            </button>
          </div>
        </form>
        <p class="muted">
          先检查：计划的每一处错误（第几行、哪个字段）、名单的每一处错误（第几行）都会列出，并按名单中的单位类型预览日程。检查不会启动任何单位。
        </p>
      </Card>

      {failure && <ResultNotice ok={false} text={failure.message} problems={failure.problems} />}

      {preview && <PreviewView preview={preview} />}

      {preview && (
        <Card title="3. 启动" id="launch-action">
          {!launchable && <Notice kind="error">计划或名单有必须改正的错误，改正后重新上传并检查。</Notice>}
          {launchable && rowErrors > 0 && (
            <Notice kind="info">
              名单有 {rowErrors} 处错误（第 {preview.roster?.rowsWithErrors.join('、')}{' '}
              行）。改正后重新上传；或勾选下面一项，只启动没有问题的 {preview.roster?.usableUnits} 个单位。
            </Notice>
          )}
          {launchable && rowErrors > 0 && (
            <label class="check">
              <input
                type="checkbox"
                name="skipBadRows"
                checked={skip}
                onChange={(e) => setSkip((e.target as HTMLInputElement).checked)}
              />
              跳过有问题的行
            </label>
          )}
          <div class="buttons" style={{ marginTop: '.6rem' }}>
            <button id="launch" disabled={!canLaunch} onClick={() => void launch()}>
              {busy === 'start' ? '正在启动……' : '启动活动'}
            </button>
          </div>
          {summary && <SummaryView summary={summary} />}
        </Card>
      )}
    </div>
  );
}

function PreviewView({ preview }: { preview: CampaignPreview }) {
  const p = preview;
  return (
    <>
      <Card title="2. 检查结果" id="launch-check">
        {p.inputErrors.length > 0 && (
          <Notice kind="error">
            <ul id="input-errors">
              {p.inputErrors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </Notice>
        )}
        {p.plan && (
          <p id="plan-summary">
            计划「{p.plan.title}」（{p.plan.id}）：{p.plan.stages} 个阶段，{p.plan.steps} 个步骤；日历：
            {p.plan.calendar}；逾期督办：{p.plan.escalation.join('；')}
          </p>
        )}
        {p.planErrors.length > 0 && (
          <div id="plan-errors">
            <h3 class="danger">计划有 {p.planErrors.length} 处错误</h3>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>文件</th>
                    <th>行</th>
                    <th>字段</th>
                    <th>说明</th>
                  </tr>
                </thead>
                <tbody>
                  {p.planErrors.map((e, i) => (
                    <tr key={i} data-line={e.line}>
                      <td>{e.file}</td>
                      <td>{e.line || '—'}</td>
                      <td>{e.path}</td>
                      <td class="wrap">{e.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
        {p.roster && (
          <p id="roster-summary">
            名单：{p.roster.units} 行单位，其中 {p.roster.usableUnits} 个没有问题
            {p.roster.rowsWithErrors.length > 0 ? `，第 ${p.roster.rowsWithErrors.join('、')} 行有错误` : ''}
            。
          </p>
        )}
        {p.rosterErrors.length > 0 && (
          <div id="roster-errors">
            <h3 class="danger">
              名单有 {p.rosterErrors.length} 处错误{p.roster?.fatal ? '（整个文件无法使用）' : ''}
            </h3>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>表</th>
                    <th>行</th>
                    <th>列</th>
                    <th>说明</th>
                  </tr>
                </thead>
                <tbody>
                  {p.rosterErrors.map((e, i) => (
                    <tr key={i} data-row={e.row ?? ''} class="row-red">
                      <td>{SHEET[e.sheet] ?? e.sheet}</td>
                      <td>{e.row ?? '—'}</td>
                      <td>{e.column ?? ''}</td>
                      <td class="wrap">{e.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
        {p.rosterWarnings.length > 0 && (
          <details id="roster-warnings">
            <summary class="muted">提示 {p.rosterWarnings.length} 条（不影响启动）</summary>
            <ul>
              {p.rosterWarnings.map((w, i) => (
                <li key={i}>{w.message}</li>
              ))}
            </ul>
          </details>
        )}
        {p.planErrors.length === 0 && p.rosterErrors.length === 0 && p.inputErrors.length === 0 && (
          <Notice kind="ok">计划和名单都没有发现错误。</Notice>
        )}
      </Card>
      {p.previews.length > 0 && (
        <Card title="日程预览（按单位类型）" id="calendar-preview">
          {p.previews.map((k) => (
            <KindCalendar key={`${k.unitType}-${k.flags.join()}`} kind={k} />
          ))}
        </Card>
      )}
    </>
  );
}

function KindCalendar({ kind }: { kind: UnitKindPreview }) {
  const label = `${kind.unitTypeLabel}${kind.flagLabels.length ? `（${kind.flagLabels.join('、')}）` : ''} · ${kind.unitCount} 个单位`;
  if (kind.refusedReason) {
    return (
      <div class="kind" data-unit-type={kind.unitType}>
        <h3>{label}</h3>
        <Notice kind="error">{kind.refusedReason}</Notice>
      </div>
    );
  }
  return (
    <details class="kind stage" data-unit-type={kind.unitType} open>
      <summary>
        <b>{label}</b>
      </summary>
      {kind.warnings.map((w) => (
        <Notice key={w} kind="info">
          {w}
        </Notice>
      ))}
      <div class="table-wrap">
        <table class="calendar-table">
          <thead>
            <tr>
              <th>步骤</th>
              <th>开始</th>
              <th>截止</th>
              <th>审查</th>
              <th>提醒</th>
              <th>逾期督办</th>
            </tr>
          </thead>
          <tbody>
            {kind.stages.map((s) => [
              <tr key={s.stageId} class="stage-row">
                <th colSpan={6}>
                  【{s.title}】{when(s.opensAt)} 至 {when(s.dueAt)}
                  {s.afterPrevious ? '（上一阶段完成后开启，日期为预计）' : ''}
                </th>
              </tr>,
              ...s.tasks.map((t) => (
                <tr key={t.taskId} data-task={t.taskId}>
                  <td>
                    {t.no !== undefined ? `${t.no}. ` : ''}
                    {t.title}
                  </td>
                  <td>
                    {t.after
                      ? `${t.after.map((a) => `「${a}」`).join('、')}完成后（预计 ${when(t.opensAt)}）`
                      : when(t.opensAt)}
                  </td>
                  <td>{when(t.dueAt)}</td>
                  <td>{t.review ?? '—'}</td>
                  <td class="wrap">
                    {t.reminders.map((r) => `${when(r.at)}（${r.label}）`).join('、') || '—'}
                  </td>
                  <td class="wrap">
                    {t.escalations.map((e) => `${e.level} 级 ${e.label} ${when(e.at)}`).join('；') || '—'}
                  </td>
                </tr>
              )),
            ])}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function SummaryView({ summary }: { summary: LaunchSummary }) {
  const refused = summary.units.filter((u) => u.outcome === 'refused');
  return (
    <div id="launch-summary">
      <Notice kind={summary.started > 0 || summary.alreadyRunning > 0 ? 'ok' : 'error'}>
        活动「{summary.planTitle}」：新启动 {summary.started} 个单位，已在运行 {summary.alreadyRunning}{' '}
        个（跳过），未启动 {summary.refused} 个。
      </Notice>
      {summary.skippedRows.length > 0 && (
        <p class="muted">名单第 {summary.skippedRows.join('、')} 行有错误，已按要求跳过。</p>
      )}
      {summary.calendarWarnings.map((w) => (
        <Notice key={w} kind="error">
          {w}
        </Notice>
      ))}
      <TokenDownload campaignId={summary.campaignId} tokens={summary.tokens ?? []} />
      {refused.length > 0 && (
        <ul class="refused">
          {refused.map((u) => (
            <li key={u.unitId}>
              {u.unitName}（{u.unitId}）：{u.reason}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="#/">到活动总览看新单位 →</a>
      </p>
    </div>
  );
}

function TokenDownload({ campaignId, tokens }: { campaignId: string; tokens: readonly IssuedLogin[] }) {
  if (tokens.length === 0) return <p class="muted">名单中的人员都已有登录令牌，本次没有发放新令牌。</p>;
  const download = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([handoutCsv(tokens)], { type: 'text/csv;charset=utf-8' }));
    a.download = `${campaignId}-登录令牌.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  return (
    <p id="launch-tokens">
      已为 {tokens.filter((t) => t.role === 'unit').length} 位单位联络员和第一责任人、
      {tokens.filter((t) => t.role === 'group').length}{' '}
      位指导组成员发放登录令牌。令牌只在此显示一次，请立即下载并分发，妥善保管：
      <button type="button" id="download-tokens" onClick={download}>
        下载登录令牌
      </button>
    </p>
  );
}
