/**
 * The HTTP API against a live campaign: every role's allowed and refused operations (a refused
 * one leaves the unit's status unchanged), uploads stored by hash and referenced, schema and
 * workflow validation as 400s naming the field, the report download, rate limiting and OpenAPI.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../../client/api/server.js';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { issueTokens } from '../../../client/api/tokens.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import { unitStatus } from '../../../app/unit-operations.js';
import { SHEET_NAMES } from '../../../app/report/xlsx.js';
import { FIXTURES, eventually, startHarness, type Harness } from '../cli/harness.js';
import { fixtureTokens, launchFixtureCampaign, untilStudyPublished } from '../cli/fixture-campaign.js';
import type { Office } from '../../../app/people.js';

let h: Harness;
let app: FastifyInstance;
let campaign: string;
let tokens: Record<string, string>;
let uploadsDir: string;
const MAX_UPLOAD = 64 * 1024;

beforeAll(async () => {
  h = await startHarness();
  let office: Office;
  ({ campaign, office } = await launchFixtureCampaign(h, 'api'));
  const issued = await fixtureTokens(campaign, office);
  tokens = issued.tokens;
  uploadsDir = path.join(h.tmp, 'uploads');
  app = await createApiServer({
    temporalClient: h.client,
    statusStore: h.status,
    store: new FileTokenStore(issued.store),
    uploads: localUploadStore(uploadsDir),
    maxUploadBytes: MAX_UPLOAD,
    rateLimitPerMinute: 1000,
  });
  // Every unit's workflow is up and has published its stage.
  await untilStudyPublished(h, campaign);
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const base = () => `/api/campaigns/${campaign}`;
const as = (person: string) => ({ authorization: `Bearer ${tokens[person]}` });
const get = (person: string, url: string) => app.inject({ method: 'GET', url, headers: as(person) });
const post = (person: string, url: string, payload: object) =>
  app.inject({ method: 'POST', url, headers: as(person), payload });
const status = (unit: string) => unitStatus(h, campaign, unit);
const taskId = async (unit: string, step: string) =>
  (await status(unit)).tasks.find((t) => t.taskId.includes(step))!.taskId;
/** A refused request must not change the unit: compare everything but the clock-driven parts. */
const snapshot = async (unit: string) => {
  const s = await status(unit);
  return JSON.stringify({
    tasks: s.tasks.map((t) => [t.taskId, t.status, t.dueAt, t.submissions, t.returns]),
    phase: s.phase,
    surveys: s.surveys,
    esc: s.openEscalations.map((e) => [e.taskId, e.level, e.acknowledged]),
  });
};

function multipart(filename: string, content: Buffer, field = 'file') {
  const boundary = '----campaigntest';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const upload = (person: string, unit: string, filename: string, content: Buffer, field?: string) => {
  const m = multipart(filename, content, field);
  return app.inject({
    method: 'POST',
    url: `${base()}/units/${unit}/files`,
    headers: { ...as(person), ...m.headers },
    payload: m.payload,
  });
};

describe('authentication and documents', () => {
  it('refuses requests without a valid token, in Chinese, and serves OpenAPI publicly', async () => {
    const none = await app.inject({ method: 'GET', url: `${base()}/units/T01` });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({
      error: 'unauthorized',
      message: '请提供令牌：请求头 Authorization: Bearer <令牌>',
      problems: ['请提供令牌：请求头 Authorization: Bearer <令牌>'],
    });
    const bad = await app.inject({
      method: 'GET',
      url: `${base()}/units/T01`,
      headers: { authorization: 'Bearer co_forged' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json<{ message: string }>().message).toBe('令牌无效或已作废');

    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      openapi: string;
      paths: Record<string, unknown>;
      components: { securitySchemes: object };
    }>();
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/campaigns/{campaignId}/units/{unitId}/submit',
        '/api/campaigns/{campaignId}/units/{unitId}/files',
        '/api/campaigns/{campaignId}/overview',
        '/api/campaigns/{campaignId}/batch/pause',
      ]),
    );
    expect(doc.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer' } });
  });

  it('a token of one campaign cannot reach another', async () => {
    const r = await get('office', `/api/campaigns/other-campaign/overview`);
    expect(r.statusCode).toBe(403);
    expect(r.json<{ message: string }>().message).toContain(`令牌属于活动「${campaign}」`);
  });
});

describe('unit liaison and head', () => {
  it('sees its own unit and nothing else', async () => {
    expect((await get('T01-liaison', `${base()}/units/T01`)).statusCode).toBe(200);
    const other = await get('T01-liaison', `${base()}/units/T02`);
    expect(other.statusCode).toBe(403);
    expect(other.json<{ message: string }>().message).toBe(
      '只能查看单位进度本单位（T01），无权访问单位「T02」',
    );
    expect((await get('T01-head', `${base()}/overview`)).statusCode).toBe(403);
    // A unit's list is its own unit, and its filters apply to it (issue 14, finding 8): T01 is in G1.
    const listed = async (query: string) =>
      (await get('T01-head', `${base()}/units?${query}`))
        .json<{ units: { unitId: string }[] }>()
        .units.map((u) => u.unitId);
    expect(await listed('group=G1')).toEqual(['T01']);
    expect(await listed('group=G2')).toEqual([]);
    expect((await get('T01-liaison', `${base()}/report.xlsx`)).statusCode).toBe(403);
  });

  it('uploads a file: stored under its sha256, refused when too large or of the wrong type', async () => {
    const pdf = await readFile(path.join(FIXTURES, 'plan.pdf'));
    const r = await upload('T01-liaison', 'T01', '实施方案.pdf', pdf);
    expect(r.statusCode).toBe(200);
    const hex = createHash('sha256').update(pdf).digest('hex');
    expect(r.json()).toEqual({
      ref: `sha256:${hex}`,
      size: pdf.length,
      filename: '实施方案.pdf',
      existed: false,
    });
    expect(await readFile(path.join(uploadsDir, hex.slice(0, 2), hex))).toEqual(pdf);
    expect((await upload('T01-liaison', 'T01', 'again.pdf', pdf)).json<{ existed: boolean }>().existed).toBe(
      true,
    );

    const exe = await upload('T01-liaison', 'T01', 'virus.exe', Buffer.from('MZ....'));
    expect(exe.statusCode).toBe(415);
    expect(exe.json<{ message: string }>().message).toBe(
      'file：文件「virus.exe」的类型不允许上传（允许：pdf、docx、xlsx、pptx、doc、xls、ppt、jpg、jpeg、png）',
    );
    const fake = await upload('T01-liaison', 'T01', 'report.pdf', Buffer.from('not a pdf'));
    expect(fake.statusCode).toBe(415);
    expect(fake.json<{ message: string }>().message).toBe('file：文件「report.pdf」的内容与扩展名 .pdf 不符');
    const big = await upload(
      'T01-liaison',
      'T01',
      'big.pdf',
      Buffer.concat([Buffer.from('%PDF'), Buffer.alloc(MAX_UPLOAD + 10)]),
    );
    expect(big.statusCode).toBe(413);
    expect(big.json<{ message: string }>().message).toBe(
      '文件过大：不能超过 0 MB'.replace('0 MB', `${Math.floor(MAX_UPLOAD / 1024 / 1024)} MB`),
    );
    expect((await upload('T01-liaison', 'T02', 'x.pdf', pdf)).statusCode).toBe(403);
  });

  it('submits its own deliverable with a stored reference; refused elsewhere and for unknown files, changing nothing', async () => {
    const task = await taskId('T01', 'implementation_plan');
    const pdf = await readFile(path.join(FIXTURES, 'plan.pdf'));
    const ref = `sha256:${createHash('sha256').update(pdf).digest('hex')}`;

    const before = await snapshot('T01');
    const unknown = await post('T01-liaison', `${base()}/units/T01/submit`, {
      taskId: task,
      summary: '实施方案',
      fileRefs: [`sha256:${'0'.repeat(64)}`],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ problems: string[] }>().problems).toEqual([
      `fileRefs[0]：文件「sha256:${'0'.repeat(64)}」未上传，请先上传再报送`,
    ]);
    expect(await snapshot('T01')).toBe(before);

    const t02Before = await snapshot('T02');
    const cross = await post('T01-liaison', `${base()}/units/T02/submit`, {
      taskId: await taskId('T02', 'implementation_plan'),
      summary: 'x',
    });
    expect(cross.statusCode).toBe(403);
    expect(await snapshot('T02')).toBe(t02Before);

    const ok = await post('T01-liaison', `${base()}/units/T01/submit`, {
      taskId: task,
      summary: '实施方案已经党委会讨论通过',
      fileRefs: [ref],
    });
    expect(ok.statusCode).toBe(200);
    expect(
      ok.json<{ tasks: { taskId: string; status: string }[] }>().tasks.find((t) => t.taskId === task)!.status,
    ).toBe('submitted');
    // Only the reference travelled: the workflow's history holds the hash, never the bytes.
    const history = JSON.stringify(
      await h.client.workflow.getHandle(`campaign/${campaign}/unit/T01`).fetchHistory(),
    );
    expect(history).not.toContain('test deliverable');
  });

  it('cannot review, extend, pause or cancel, and nothing changes', async () => {
    const task = await taskId('T01', 'implementation_plan');
    const before = await snapshot('T01');
    for (const [op, body] of [
      ['review', { taskId: task, decision: 'approve' }],
      ['extend', { taskId: task, newDue: '2099-01-01', reason: '想延期' }],
      ['pause', { reason: '想暂停' }],
      ['cancel', { reason: '想撤销' }],
      [
        'survey',
        { satisfied: 1, basicallySatisfied: 0, dissatisfied: 0, respondents: 1, method: '集中评议' },
      ],
    ] as const) {
      const r = await post('T01-head', `${base()}/units/T01/${op}`, body);
      expect(r.statusCode, op).toBe(403);
      expect(r.json<{ message: string }>().message).toMatch(/^参学单位无权/);
    }
    expect(await snapshot('T01')).toBe(before);
  });
});

describe('指导组 member', () => {
  it('cannot act on another group’s unit', async () => {
    const before = await snapshot('T01');
    const r = await post('G2-m1', `${base()}/units/T01/review`, {
      taskId: await taskId('T01', 'implementation_plan'),
      decision: 'approve',
    });
    expect(r.statusCode).toBe(403);
    expect(r.json<{ message: string }>().message).toBe('单位「T01」不归本指导组（G2）联系，无权审查材料');
    expect((await get('G2-m1', `${base()}/units/T01`)).statusCode).toBe(403);
    expect(await snapshot('T01')).toBe(before);
  });

  it('gets schema errors naming every field, and the workflow’s own refusal as 400', async () => {
    const before = await snapshot('T01');
    const bad = await post('G1-m1', `${base()}/units/T01/review`, { decision: 'maybe', extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ problems: string[] }>().problems.sort()).toEqual(
      ['decision：只能是 approve、return 之一', 'extra：不是可接受的字段', 'taskId：必须填写'].sort(),
    );
    const noReason = await post('G1-m1', `${base()}/units/T01/review`, {
      taskId: await taskId('T01', 'implementation_plan'),
      decision: 'return',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json<{ error: string; message: string }>()).toMatchObject({
      error: 'rejected_by_workflow',
    });
    expect(noReason.json<{ message: string }>().message).toContain('reasons');
    expect(await snapshot('T01')).toBe(before);
  });

  it('reviews, acknowledges, extends within the stage and adds gap items for its own units', async () => {
    const task = await taskId('T01', 'implementation_plan');
    const ok = await post('G1-m1', `${base()}/units/T01/review`, { taskId: task, decision: 'approve' });
    expect(ok.statusCode).toBe(200);
    expect((await status('T01')).tasks.find((t) => t.taskId === task)!.status).toBe('done');

    const study = await taskId('T02', 'organised_study');
    const stageDue = Date.parse((await status('T02')).stages.find((s) => s.stageId === 'study')!.dueAt);
    const beyond = await post('G1-m2', `${base()}/units/T02/extend`, {
      taskId: study,
      newDue: new Date(stageDue + 60_000).toISOString(),
      reason: '材料需补充',
    });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json<{ message: string }>().message).toMatch(
      /^newDue：指导组只能在本阶段「学习调研阶段」截止/,
    );
    const within = new Date(stageDue - 60_000).toISOString();
    const ext = await post('G1-m2', `${base()}/units/T02/extend`, {
      taskId: study,
      newDue: within,
      reason: '材料需补充',
    });
    expect(ext.statusCode).toBe(200);
    expect(Date.parse((await status('T02')).tasks.find((t) => t.taskId === study)!.dueAt)).toBe(
      Date.parse(within),
    );

    const gap = await post('G1-m1', `${base()}/units/T02/gap-items`, {
      title: '补充调研报告',
      note: '回头看发现缺少调研报告',
    });
    expect(gap.statusCode).toBe(200);
    expect((await status('T02')).tasks.some((t) => t.title === '补充调研报告' && t.origin === 'gap')).toBe(
      true,
    );

    const esc = await eventually(
      async () => (await status('T02')).openEscalations.find((e) => !e.acknowledged),
      20_000,
      'an escalation',
    );
    const ack = await post('G1-m1', `${base()}/units/T02/acknowledge`, {
      taskId: esc.taskId,
      level: esc.level,
      note: '已电话督促',
    });
    expect(ack.statusCode).toBe(200);
    expect(
      (await status('T02')).openEscalations.find((e) => e.taskId === esc.taskId && e.level === esc.level)
        ?.acknowledged,
    ).toBe(true);
  });

  it('cannot pause, waive, cancel or run batches; sees only its group on dashboards', async () => {
    const before = await snapshot('T02');
    expect((await post('G1-m1', `${base()}/units/T02/pause`, {})).statusCode).toBe(403);
    expect(
      (
        await post('G1-m1', `${base()}/units/T02/waive`, {
          taskId: await taskId('T02', 'organised_study'),
          reason: 'x',
        })
      ).statusCode,
    ).toBe(403);
    expect((await post('G1-m1', `${base()}/units/T02/cancel`, { reason: 'x' })).statusCode).toBe(403);
    expect(
      (await post('G1-m1', `${base()}/batch/pause`, { filter: { group: 'G1' }, request: {} })).statusCode,
    ).toBe(403);
    expect(await snapshot('T02')).toBe(before);
    const ov = (await get('G1-m1', `${base()}/overview`)).json<{ total: number; byGroup: unknown[] }>();
    expect(ov.total).toBe(2);
    expect(ov.byGroup).toEqual([{ value: 'G1', count: 2 }]);
    expect((await get('G1-m1', `${base()}/units?group=G2`)).statusCode).toBe(403);
  });
});

describe('office', () => {
  it('sees the whole campaign and its overdue items', async () => {
    const ov = (await get('office', `${base()}/overview`)).json<{
      total: number;
      byStage: unknown[];
      byGroup: unknown[];
    }>();
    expect(ov.total).toBe(3);
    expect(ov.byStage).toEqual([{ value: 'study', count: 3 }]);
    expect(ov.byGroup).toEqual([
      { value: 'G1', count: 2 },
      { value: 'G2', count: 1 },
    ]);
    const overdue = (await get('office', `${base()}/overdue`)).json<{
      items: { unitId: string; title: string }[];
    }>();
    expect(overdue.items.map((i) => i.unitId).sort()).toEqual(['T01', 'T02', 'T03']);
    expect(new Set(overdue.items.map((i) => i.title))).toEqual(new Set(['传达上级精神']));
  });

  it('pauses and resumes a unit, and pauses a batch by 指导组 with per-unit results', async () => {
    expect((await post('office', `${base()}/units/T03/pause`, { reason: '换届' })).statusCode).toBe(200);
    expect((await status('T03')).phase).toBe('paused');
    const again = await post('office', `${base()}/units/T03/pause`, {});
    expect(again.statusCode).toBe(400);
    expect(again.json<{ error: string }>().error).toBe('rejected_by_workflow');
    expect((await post('office', `${base()}/units/T03/resume`, {})).statusCode).toBe(200);
    expect((await status('T03')).phase).toBe('running');

    const batch = await post('office', `${base()}/batch/pause`, {
      filter: { group: 'G2' },
      request: { reason: '集中培训' },
    });
    expect(batch.statusCode).toBe(200);
    expect(batch.json()).toEqual({
      matched: 1,
      succeeded: 1,
      failed: 0,
      outcomes: [{ unitId: 'T03', ok: true }],
    });
    const noFilter = await post('office', `${base()}/batch/pause`, { filter: {}, request: {} });
    expect(noFilter.statusCode).toBe(400);
    expect(noFilter.json<{ message: string }>().message).toBe('filter：至少指定单位类型、指导组或阶段之一');
  });

  it('downloads the Excel report', async () => {
    const r = await get('office', `${base()}/report.xlsx`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet(SHEET_NAMES.units)!;
    expect(sheet.getRow(2).getCell(1).text).toBe('T01');
    expect(sheet.getRow(4).getCell(11).text).toBe('已暂停');
  });
});

describe('limits and errors', () => {
  it('rate-limits per token with a Chinese message', async () => {
    const limited = await createApiServer({
      temporalClient: h.client,
      statusStore: h.status,
      store: new FileTokenStore(
        issueTokens(campaign, [], { name: '活动办', members: [{ id: 'office', name: '活动办' }] }).store,
      ),
      uploads: localUploadStore(uploadsDir),
      rateLimitPerMinute: 3,
    });
    const codes: number[] = [];
    let last = '';
    for (let i = 0; i < 4; i++) {
      const r = await limited.inject({
        method: 'GET',
        url: '/api/me',
        headers: { authorization: 'Bearer co_unknown' },
      });
      codes.push(r.statusCode);
      last = r.json<{ message: string }>().message;
    }
    expect(codes).toEqual([401, 401, 401, 429]);
    expect(last).toMatch(/^请求过于频繁，请 \d+ 秒后再试$/);
    await limited.close();
  });
});
