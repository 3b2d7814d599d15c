/**
 * A campaign of the archive_test plan with one unit (T01) carried through the API from start to
 * 资料归档: an item left to climb to 通报 (one rung acknowledged by the 指导组), a plan returned
 * and resubmitted, an 分析检查报告 returned on two 四不通过 items, a survey that sends the unit to
 * 补课 and a second that passes. Every uploaded file is kept, by name, for byte comparison.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { Document, Packer, Paragraph } from 'docx';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../../client/api/server.js';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { issueTokens } from '../../../client/api/tokens.js';
import { FileUploadRecords } from '../../../client/api/upload-records.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import { launchCampaign } from '../../../app/launch.js';
import { loadOfficeFile } from '../../../app/people.js';
import { unitStatus } from '../../../app/unit-operations.js';
import { parseRosterFile } from '../../../domain/roster/parse-file.js';
import { uniqueName } from '../../support/unique.js';
import { FIXTURES, GROUPS, UNITS, eventually, type Harness } from '../cli/harness.js';

export const ARCHIVE_PLAN = path.join(FIXTURES, 'archive_test.yaml');

export interface FinishedCampaign {
  app: FastifyInstance;
  campaign: string;
  uploadsDir: string;
  archiveDir: string;
  /** The API's upload records (JSON lines). */
  uploadRecordsFile: string;
  /** Uploaded bytes by the name they were uploaded under. */
  uploaded: Map<string, Buffer>;
  tokenHeader(person: string): Promise<string>;
  get(person: string, url: string): Promise<Awaited<ReturnType<FastifyInstance['inject']>>>;
  /** Carries T02 (指导组 G1) and T03 (G2) to 资料归档 the plain way, so the whole campaign has completed. */
  finishOthers(): Promise<void>;
}

async function wordFile(text: string): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph(text)] }] }));
}

async function excelFile(text: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.addWorksheet('总结').addRow([text]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

export async function finishedCampaign(h: Harness): Promise<FinishedCampaign> {
  const campaign = uniqueName('arch');
  const office = await loadOfficeFile(path.join(FIXTURES, 'office.yaml'));
  if (!office.ok) throw new Error(office.errors.join());
  const r = await launchCampaign(h.client, {
    planPath: ARCHIVE_PLAN,
    rosterPath: UNITS,
    groupsPath: GROUPS,
    campaignId: campaign,
    start: new Date().toISOString(),
    taskQueue: h.taskQueue,
    office: office.office,
  });
  if (!r.ok || r.started !== 3) throw new Error(`launch failed: ${JSON.stringify(r)}`);
  const roster = await parseRosterFile(UNITS, { groupsPath: GROUPS, channels: ['email'] });
  const issued = issueTokens(campaign, roster.units, office.office, ['study', 'analysis', 'rectification']);
  const tokens = Object.fromEntries(issued.issued.map((t) => [t.personId, t.token]));
  const uploadsDir = path.join(h.tmp, `uploads-${campaign}`);
  const app = await createApiServer({
    temporalClient: h.client,
    statusStore: h.status,
    store: new FileTokenStore(issued.store),
    uploads: localUploadStore(uploadsDir),
    office: office.office,
    archiveDir: path.join(h.tmp, `archive-${campaign}`),
    uploadRecords: new FileUploadRecords(path.join(h.tmp, `upload-records-${campaign}.jsonl`)),
    rateLimitPerMinute: 10_000,
    progress: { timerMs: 0 },
    // Completed units are archived within a second, as the API process does within a minute.
    archiveAtCompletionMs: 1000,
  });
  const unitBase = (unit: string) => `/api/campaigns/${campaign}/units/${unit}`;
  const as = (person: string) => ({ authorization: `Bearer ${tokens[person]}` });
  const get = (person: string, url: string) => app.inject({ method: 'GET', url, headers: as(person) });
  const act = async (person: string, op: string, payload: object, unit = 'T01') => {
    const res = await app.inject({
      method: 'POST',
      url: `${unitBase(unit)}/${op}`,
      headers: as(person),
      payload,
    });
    if (res.statusCode !== 200) throw new Error(`${op} by ${person}: ${res.statusCode} ${res.body}`);
  };
  const uploaded = new Map<string, Buffer>();
  const upload = async (filename: string, content: Buffer, unit = 'T01'): Promise<string> => {
    const boundary = '----archivetest';
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await app.inject({
      method: 'POST',
      url: `${unitBase(unit)}/files`,
      headers: { ...as(`${unit}-liaison`), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    if (res.statusCode !== 200) throw new Error(`upload ${filename}: ${res.body}`);
    if (unit === 'T01') uploaded.set(filename, content);
    return res.json<{ ref: string }>().ref;
  };
  const status = () => unitStatus(h, campaign, 'T01');

  // 传达上级精神 is due a second after the start: let it climb the ladder to 通报. A timer that
  // fires late makes the workflow skip the rungs it overtook, so only 3 (acknowledged) and 4 are waited for.
  const rung = (level: number) => async () =>
    (await status()).openEscalations.some((e) => e.taskId === 'convey_spirit' && e.level === level)
      ? true
      : undefined;
  await eventually(rung(3), 30_000, 'the 督办 of convey_spirit');
  await act('G1-m1', 'acknowledge', { taskId: 'convey_spirit', level: 3, note: '已电话督促' });
  await eventually(rung(4), 30_000, 'the 通报 of convey_spirit');
  await act('T01-liaison', 'submit', { taskId: 'convey_spirit', summary: '已召开会议传达上级精神' });

  const pdf = await readFile(path.join(FIXTURES, 'plan.pdf'));
  await act('T01-liaison', 'submit', {
    taskId: 'implementation_plan',
    summary: '实施方案初稿',
    fileRefs: [await upload('实施方案初稿.pdf', pdf)],
  });
  await act('G1-m1', 'review', {
    taskId: 'implementation_plan',
    decision: 'return',
    reasons: ['时间安排不具体，请细化到周'],
  });
  await act('T01-liaison', 'submit', {
    taskId: 'implementation_plan',
    summary: '实施方案修改稿',
    fileRefs: [
      await upload('实施方案修改稿.docx', await wordFile('青山镇机关学习实践活动实施方案（修改稿）')),
    ],
  });
  await act('G1-m1', 'review', { taskId: 'implementation_plan', decision: 'approve' });

  await eventually(
    async () =>
      (await status()).tasks.find((t) => t.taskId === 'analysis_report')?.status === 'open'
        ? true
        : undefined,
    20_000,
    'analysis stage open',
  );
  const firstDraft = Buffer.concat([pdf, Buffer.from('\n% 分析检查报告初稿\n')]);
  await act('T01-liaison', 'submit', {
    taskId: 'analysis_report',
    summary: '分析检查报告初稿',
    fileRefs: [await upload('分析检查报告初稿.pdf', firstDraft)],
  });
  await act('G1-m1', 'review', {
    taskId: 'analysis_report',
    decision: 'return',
    failedItems: ['opinions_narrow', 'problems_inaccurate'],
    reasons: ['只征求了机关干部意见，未征求村民代表意见'],
  });
  await act('T01-liaison', 'submit', {
    taskId: 'analysis_report',
    summary: '分析检查报告修改稿',
    fileRefs: [await upload('分析检查报告修改稿.docx', await wordFile('领导班子分析检查报告（修改稿）'))],
  });
  await act('G1-m1', 'review', { taskId: 'analysis_report', decision: 'approve' });

  await eventually(
    async () =>
      (await status()).tasks.find((t) => t.taskId === 'look_back')?.status === 'open' ? true : undefined,
    20_000,
    'rectification stage open',
  );
  await act('T01-liaison', 'submit', { taskId: 'look_back', summary: '回头看已完成' });
  await act('G1-m1', 'survey', {
    satisfied: 10,
    basicallySatisfied: 10,
    dissatisfied: 30,
    respondents: 50,
    method: '无记名投票',
  });
  for (const step of ['analyse', 'rectify', 'explain'])
    await act('T01-liaison', 'submit', { taskId: `remedial_1_${step}`, summary: `补课：${step}` });
  await act('G1-m1', 'survey', {
    satisfied: 30,
    basicallySatisfied: 15,
    dissatisfied: 5,
    respondents: 50,
    method: '无记名投票',
  });
  await act('T01-liaison', 'submit', {
    taskId: 'summary_report',
    summary: '活动总结',
    fileRefs: [await upload('活动总结.xlsx', await excelFile('青山镇机关活动总结'))],
  });
  await act('T01-liaison', 'submit', { taskId: 'archive', summary: '资料已整理' });
  await eventually(
    async () =>
      (await h.client.workflow.getHandle(`campaign/${campaign}/unit/T01`).describe()).status.name ===
      'COMPLETED'
        ? true
        : undefined,
    20_000,
    'T01 completed',
  );
  const finishOthers = async () => {
    const pdf = await readFile(path.join(FIXTURES, 'plan.pdf'));
    const taskOpen = (unit: string, taskId: string) => async () =>
      (await unitStatus(h, campaign, unit)).tasks.find((t) => t.taskId === taskId)?.status === 'open'
        ? true
        : undefined;
    for (const [unit, reviewer] of [
      ['T02', 'G1-m1'],
      ['T03', 'G2-m1'],
    ] as const) {
      const liaison = `${unit}-liaison`;
      const withFile = async (taskId: string, name: string) =>
        act(
          liaison,
          'submit',
          {
            taskId,
            summary: name,
            fileRefs: [
              await upload(
                `${unit}-${name}.pdf`,
                Buffer.concat([pdf, Buffer.from(`\n% ${unit} ${name}\n`)]),
                unit,
              ),
            ],
          },
          unit,
        );
      await act(liaison, 'submit', { taskId: 'convey_spirit', summary: '已传达' }, unit);
      await withFile('implementation_plan', '实施方案');
      await act(reviewer, 'review', { taskId: 'implementation_plan', decision: 'approve' }, unit);
      await eventually(taskOpen(unit, 'analysis_report'), 20_000, `${unit} analysis stage open`);
      await withFile('analysis_report', '分析检查报告');
      await act(reviewer, 'review', { taskId: 'analysis_report', decision: 'approve' }, unit);
      await eventually(taskOpen(unit, 'look_back'), 20_000, `${unit} rectification stage open`);
      await act(liaison, 'submit', { taskId: 'look_back', summary: '回头看已完成' }, unit);
      const survey = {
        satisfied: 40,
        basicallySatisfied: 8,
        dissatisfied: 2,
        respondents: 50,
        method: '无记名投票',
      };
      await act(reviewer, 'survey', survey, unit);
      await withFile('summary_report', '活动总结');
      await act(liaison, 'submit', { taskId: 'archive', summary: '资料已整理' }, unit);
    }
    for (const unit of ['T02', 'T03'])
      await eventually(
        async () =>
          (await h.client.workflow.getHandle(`campaign/${campaign}/unit/${unit}`).describe()).status.name ===
          'COMPLETED'
            ? true
            : undefined,
        20_000,
        `${unit} completed`,
      );
  };
  return {
    finishOthers,
    app,
    campaign,
    uploadsDir,
    archiveDir: path.join(h.tmp, `archive-${campaign}`),
    uploadRecordsFile: path.join(h.tmp, `upload-records-${campaign}.jsonl`),
    uploaded,
    get,
    tokenHeader: (person: string) => Promise.resolve(`Bearer ${tokens[person]}`),
  };
}
