/**
 * The archive's own documents, built from the unit's record: the cover (封面), the review record
 * (审查记录, with the 四不通过 items that failed), the timeline (大事记), the 督办/通报 the unit
 * received and the surveys with their 补课 rounds. Everything printed is fixed by the record, never
 * by the clock, so the same record gives the same bytes.
 */
import { beijing, unitTypeLabel } from '../report/labels.js';
import { esc, page, table } from './html.js';
import type { UnitRecord } from './unit-record.js';

const PHASE_WORDS: Record<string, string> = {
  running: '进行中',
  paused: '已暂停',
  completed: '已完成',
  cancelled: '已撤销',
};
const OUTCOME_WORDS: Record<string, string> = {
  satisfied: '群众满意',
  remedied: '经补课后群众满意',
  failed_escalated: '补课后仍多数不满意，已报活动办',
  failed_closed: '补课后仍多数不满意，记录在案',
  none: '未测评',
};

export const day = (iso: string | undefined): string => beijing(iso).slice(0, 10);

export function archiveTitle(r: UnitRecord): string {
  return `${r.input.unit.name}${r.campaignTitle.replace(/（演示）$/, '')}档案`;
}

function metaLine(r: UnitRecord): string {
  return `${r.input.unit.name}（${r.unitId}） · 资料截至 ${beijing(r.asOf)}`;
}

export function coverHtml(r: UnitRecord, fileCount: number): string {
  const s = r.status;
  const start = r.result?.startedAt ?? r.input.start;
  const end = r.result?.finishedAt;
  const rows: [string, string][] = [
    ['案卷题名', archiveTitle(r)],
    ['立卷单位', `${r.input.unit.name}（${unitTypeLabel(r.input.unit.type)}）`],
    ['所属活动', `${r.campaignTitle}（${r.campaignId}）`],
    ['指导组', r.input.unit.group.name],
    ['第一责任人', r.input.unit.head.name],
    ['联络员', r.input.unit.liaison.name],
    ['起止日期', `${day(start)} 至 ${end ? day(end) : '（尚未结束）'}`],
    ['活动状态', PHASE_WORDS[s.phase] ?? s.phase],
    [
      '满意度测评',
      OUTCOME_WORDS[
        r.result?.surveyOutcome ??
          (s.surveys.length > 0 ? (s.surveys.at(-1)!.remedialNeeded ? 'failed_closed' : 'satisfied') : 'none')
      ] ?? '',
    ],
    ['卷内文件', `${fileCount} 件`],
    ['档号', ''],
    ['保管期限', ''],
  ];
  const body = `<table class="cover">\n${rows.map(([k, v]) => `<tr><th style="width:28%">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('\n')}\n</table>
<p style="margin-top:12mm">立卷人：__________&emsp;&emsp;检查人：__________&emsp;&emsp;立卷日期：__________</p>`;
  return page('学习实践活动档案 · 封面', metaLine(r), body);
}

export function reviewHtml(r: UnitRecord): string {
  const titles = new Map(r.status.tasks.map((t) => [t.taskId, t.title]));
  type Row = { at: string; task: string; what: string; who: string; detail: string };
  const rows: Row[] = [
    ...r.submissions.map((x) => ({
      at: x.at,
      task: titles.get(x.taskId) ?? x.taskId,
      what: `报送（第 ${x.n} 次）`,
      who: x.byName,
      detail: [x.summary, x.fileRefs.length > 0 ? `附件 ${x.fileRefs.length} 个` : '无附件'].join('；'),
    })),
    ...r.reviews.map((x) => ({
      at: x.at,
      task: titles.get(x.taskId) ?? x.taskId,
      what: x.decision === 'approve' ? '审查通过' : '退回修改',
      who: x.byName,
      detail: [
        ...x.failedItems.map((f) => `${x.checklistTitle ?? '审查清单'}：${f.text}`),
        ...x.reasons,
      ].join('；'),
    })),
  ].sort((a, b) => a.at.localeCompare(b.at) || a.task.localeCompare(b.task));
  const body = table(
    rows,
    [
      { header: '序号', cell: (_r, i) => i + 1, numeric: true },
      { header: '时间', cell: (x) => beijing(x.at) },
      { header: '事项', cell: (x) => x.task },
      { header: '环节', cell: (x) => x.what },
      { header: '经办人', cell: (x) => x.who },
      { header: '说明及退回理由', cell: (x) => x.detail },
    ],
    '本单位没有报送或审查记录。',
  );
  return page('报送与审查记录', metaLine(r), body);
}

export function timelineHtml(r: UnitRecord): string {
  const dropped =
    r.status.timelineDropped > 0
      ? `<p class="empty">流程只保留最近 ${r.status.timeline.length} 条记录，更早的 ${r.status.timelineDropped} 条未保留；报送、审查与督办情况见另两份记录（完整）。</p>\n`
      : '';
  const body =
    dropped +
    table(
      r.status.timeline,
      [
        { header: '序号', cell: (_r, i) => i + 1, numeric: true },
        { header: '时间', cell: (x) => beijing(x.at) },
        { header: '事件', cell: (x) => x.text },
      ],
      '没有记录。',
    );
  return page('大事记', metaLine(r), body);
}

export function escalationsHtml(r: UnitRecord): string {
  const body = table(
    r.escalations,
    [
      { header: '序号', cell: (_r, i) => i + 1, numeric: true },
      { header: '事项', cell: (x) => x.taskTitle },
      { header: '级别', cell: (x) => `第 ${x.level} 级`, numeric: true },
      { header: '方式', cell: (x) => `${x.label}（${x.kind}）` },
      { header: '首次发出', cell: (x) => beijing(x.firstAt) },
      { header: '重复', cell: (x) => x.repeats, numeric: true },
      { header: '发送对象', cell: (x) => x.to },
      {
        header: '签收',
        cell: (x) =>
          x.acknowledgedAt ? `${beijing(x.acknowledgedAt)} ${x.acknowledgedBy ?? ''}`.trim() : '未签收',
      },
      {
        header: '办结',
        cell: (x) =>
          x.resolution ? `${x.resolution}${x.resolvedAt ? ` ${beijing(x.resolvedAt)}` : ''}` : '未办结',
      },
    ],
    '本单位没有收到催办、督办或通报。',
  );
  return page('催办、督办与通报记录', metaLine(r), body);
}

export function surveysHtml(r: UnitRecord): string {
  const s = r.status;
  const surveys = table(
    s.surveys,
    [
      { header: '轮次', cell: (x) => x.round, numeric: true },
      { header: '测评方式', cell: (x) => x.method },
      { header: '满意', cell: (x) => x.satisfied, numeric: true },
      { header: '基本满意', cell: (x) => x.basicallySatisfied, numeric: true },
      { header: '不满意', cell: (x) => x.dissatisfied, numeric: true },
      { header: '参评人数', cell: (x) => x.respondents, numeric: true },
      { header: '不满意比例', cell: (x) => `${(x.dissatisfiedShare * 100).toFixed(1)}%`, numeric: true },
      { header: '结论', cell: (x) => (x.remedialNeeded ? '多数不满意，须补课' : '通过') },
      { header: '录入时间', cell: (x) => beijing(x.recordedAt) },
    ],
    '尚未开展满意度测评。',
  );
  const remedial = s.tasks.filter((t) => t.origin === 'remedial');
  const rounds = table(
    remedial,
    [
      { header: '补课事项', cell: (x) => x.title },
      { header: '截止', cell: (x) => beijing(x.dueAt) },
      {
        header: '完成',
        cell: (x) => (x.completedAt ? beijing(x.completedAt) : x.status === 'waived' ? '已免除' : '未完成'),
      },
    ],
    '没有补课。',
  );
  return page(
    '群众满意度测评与补课',
    metaLine(r),
    `<h2>测评结果</h2>\n${surveys}\n<h2>补课（共 ${s.remedialRound} 轮）</h2>\n${rounds}`,
  );
}
