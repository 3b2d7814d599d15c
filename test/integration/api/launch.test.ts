/**
 * Launching from the API: the preview reports plan errors by line and field and roster errors by
 * row, shows each unit kind's calendar, and starts nothing; start refuses a roster with bad rows
 * unless told to skip them, starts the units once (a second call starts none) and names them in
 * the unit list from the start memo.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignPreview } from '../../../client/api/campaign-preview.js';
import { createApiServer } from '../../../client/api/server.js';
import { FileTokenStore } from '../../../client/api/token-store-file.js';
import { issueTokens } from '../../../client/api/tokens.js';
import { localUploadStore } from '../../../client/api/uploads.js';
import { loadOfficeFile } from '../../../app/people.js';
import { parseRosterFile } from '../../../domain/roster/parse-file.js';
import { uniqueName } from '../../support/unique.js';
import { FIXTURES, GROUPS, PLAN, UNITS, eventually, startHarness, type Harness } from '../cli/harness.js';

let h: Harness;
let app: FastifyInstance;
let campaign: string;
let tokens: Record<string, string>;
let planText: string;

beforeAll(async () => {
  h = await startHarness();
  campaign = uniqueName('launch');
  const office = await loadOfficeFile(path.join(FIXTURES, 'office.yaml'));
  if (!office.ok) throw new Error(office.errors.join());
  // Tokens come from the roster as the office issued them; the campaign itself is not started yet.
  const roster = await parseRosterFile(UNITS, { groupsPath: GROUPS, channels: ['email'] });
  const issued = issueTokens(campaign, roster.units, office.office);
  tokens = Object.fromEntries(issued.issued.map((t) => [t.personId, t.token]));
  planText = await readFile(PLAN, 'utf8');
  app = await createApiServer({
    temporalClient: h.client,
    statusStore: h.status,
    store: new FileTokenStore(issued.store),
    uploads: localUploadStore(path.join(h.tmp, 'uploads')),
    rateLimitPerMinute: 1000,
    // The worker reads plans from the fixtures folder: the API keeps uploaded plans there too.
    plansDir: FIXTURES,
    taskQueue: h.taskQueue,
    office: office.office,
  });
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

type Part = { name: string; filename?: string; content: string | Buffer };
function form(parts: Part[]) {
  const boundary = '----launchtest';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.filename ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`,
      ),
      Buffer.from(p.content),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
const send = (route: 'preview' | 'start', parts: Part[], person = 'office') => {
  const f = form(parts);
  return app.inject({
    method: 'POST',
    url: `/api/campaigns/${campaign}/${route}`,
    headers: { authorization: `Bearer ${tokens[person]}`, ...f.headers },
    payload: f.payload,
  });
};
const unitsCsv = (path_: string) => readFile(path_, 'utf8');
const started = async () => (await h.client.workflow.count(`CampaignId = '${campaign}'`)).count;

async function inputs(
  o: { plan?: string; units?: string; start?: string; skip?: boolean } = {},
): Promise<Part[]> {
  return [
    { name: 'plan', filename: 'ifc_test.yaml', content: o.plan ?? planText },
    { name: 'roster', filename: '名单.csv', content: o.units ?? (await unitsCsv(UNITS)) },
    { name: 'groups', filename: '指导组.csv', content: await unitsCsv(GROUPS) },
    { name: 'start', content: o.start ?? new Date().toISOString() },
    ...(o.skip ? [{ name: 'skipBadRows', content: 'true' }] : []),
  ];
}

describe('preview', () => {
  it('reports every plan error with line and field and every roster error with its row, and starts nothing', async () => {
    expect(await started()).toBe(0);
    const brokenPlan = planText.replace('calendar: { kind: continuous }', 'calendar: { kind: sometimes }');
    const r = await send(
      'preview',
      await inputs({ plan: brokenPlan, units: await unitsCsv(path.join(FIXTURES, 'units-bad.csv')) }),
    );
    expect(r.statusCode).toBe(200);
    const p = r.json<CampaignPreview>();
    expect(p.ok).toBe(false);
    const line = brokenPlan.split('\n').findIndex((l) => l.includes('kind: sometimes')) + 1;
    expect(p.planErrors.map((i) => [i.file, i.line, i.path])).toEqual([
      ['ifc_test.yaml', line, 'calendar.kind'],
    ]);
    expect(p.planErrors[0]!.text.startsWith(`ifc_test.yaml:${line}: calendar.kind: `)).toBe(true);
    expect(p.rosterErrors.map((e) => [e.row, e.column])).toEqual([[3, '第一责任人手机']]);
    expect(p.rosterErrors[0]!.message).toContain('1380000100');
    expect(p.roster?.rowsWithErrors).toEqual([3]);
    // No plan, no calendar; and no server path leaks into any message.
    expect(p.previews).toEqual([]);
    expect(JSON.stringify(p)).not.toContain('campaign-upload-');
    expect(await started()).toBe(0);
  });

  it("shows each unit kind's calendar (steps, deadlines, reminders, escalation levels) and the kinds the plan refuses", async () => {
    const start = '2009-09-15T09:00:00+08:00';
    const p = (await send('preview', await inputs({ start }))).json<CampaignPreview>();
    expect(p.ok).toBe(true);
    expect(p.plan).toMatchObject({ id: 'ifc_test', title: '接口测试活动' });
    expect(p.previews.map((k) => [k.unitType, k.unitCount, k.refusedReason !== undefined])).toEqual([
      ['town_office', 3, false],
      ['village', 1, true],
    ]);
    const town = p.previews[0]!;
    const tasks = town.stages.flatMap((s) => s.tasks);
    expect(tasks.length).toBeGreaterThan(2);
    for (const t of tasks) expect(Date.parse(t.dueAt)).toBeGreaterThanOrEqual(Date.parse(t.opensAt));
    expect(Date.parse(town.stages[0]!.opensAt)).toBe(Date.parse(start));
    // The escalation ladder of the plan, in order, after the deadline.
    const laddered = tasks.find((t) => t.escalations.length >= 3)!;
    expect(laddered.escalations.slice(0, 3).map((e) => e.level)).toEqual([1, 2, 3]);
    expect(Date.parse(laddered.escalations[0]!.at)).toBeGreaterThan(Date.parse(laddered.dueAt));
    expect(tasks.some((t) => t.reminders.length > 0)).toBe(true);
    expect(p.previews[1]!.refusedReason).toBe(
      '计划「接口测试活动」不适用于农村党组织（村），这 1 个单位不会启动',
    );
    expect(await started()).toBe(0);
  });

  it('names missing inputs, refuses a changed plan under an id in use, and is for the office only', async () => {
    const missing = (
      await send('preview', [{ name: 'start', content: '2009-13-45' }])
    ).json<CampaignPreview>();
    expect(missing.inputErrors).toEqual([
      'start：「2009-13-45」不是有效日期：月份应在 1–12 之间',
      'plan：请上传活动计划（YAML 文件）',
      'roster：请上传参学单位名单（.xlsx，或 .csv 加指导组表）',
    ]);
    const changed = (
      await send(
        'preview',
        await inputs({ plan: planText.replace('title: 接口测试活动', 'title: 改过的接口测试活动') }),
      )
    ).json<CampaignPreview>();
    expect(changed.planErrors.map((i) => i.path)).toEqual(['id']);
    expect(changed.planErrors[0]!.message).toContain('计划编号「ifc_test」已有另一份内容不同的计划在用');
    expect(await readFile(PLAN, 'utf8')).toBe(planText);

    const group = await send('preview', await inputs(), 'G1-m1');
    expect(group.statusCode).toBe(403);
    expect(group.json<{ message: string }>().message).toBe('指导组成员无权发起活动');
    const odd = await send('preview', [...(await inputs()), { name: 'note', content: 'x' }]);
    expect(odd.statusCode).toBe(400);
    expect(odd.json<{ message: string }>().message).toContain('note：不是可接受的字段');
  });
});

describe('start', () => {
  it('refuses a roster with a bad row (naming the row) and starts nothing, unless told to skip it', async () => {
    const bad = await unitsCsv(path.join(FIXTURES, 'units-bad.csv'));
    const r = await send('start', await inputs({ units: bad }));
    expect(r.statusCode).toBe(400);
    const body = r.json<{ problems: string[] }>();
    expect(body.problems.some((m) => m.startsWith('roster：') && m.includes('第 3 行'))).toBe(true);
    expect(body.problems.at(-1)).toContain('没有启动任何单位');
    expect(await started()).toBe(0);
  });

  it('starts the good units once: a second call starts none and counts them as running; the list names them', async () => {
    const first = await send('start', await inputs());
    expect(first.statusCode).toBe(200);
    const a = first.json<{
      started: number;
      alreadyRunning: number;
      refused: number;
      units: { unitId: string; outcome: string; reason?: string }[];
    }>();
    expect([a.started, a.alreadyRunning, a.refused]).toEqual([3, 0, 1]);
    expect(a.units.find((u) => u.unitId === 'V04')).toMatchObject({
      outcome: 'refused',
      reason: '方案「接口测试活动」不适用于农村党组织（村）（名单第 5 行）',
    });

    const second = (await send('start', await inputs())).json<typeof a>();
    expect([second.started, second.alreadyRunning, second.refused]).toEqual([0, 3, 1]);
    expect(await started()).toBe(3);

    // The workflows load the plan by reference from the shared folder and reach their first stage.
    await eventually(async () =>
      (await h.client.workflow.count(`CampaignId = '${campaign}' AND CampaignStage = 'study'`)).count === 3
        ? true
        : undefined,
    );
    const list = await app.inject({
      method: 'GET',
      url: `/api/campaigns/${campaign}/units`,
      headers: { authorization: `Bearer ${tokens.office}` },
    });
    expect(
      list
        .json<{ units: { unitId: string; unitName?: string; groupName?: string }[] }>()
        .units.map((u) => [u.unitId, u.unitName, u.groupName]),
    ).toEqual([
      ['T01', '青山镇机关', '第一指导检查组'],
      ['T02', '白沙镇机关', '第一指导检查组'],
      ['T03', '东岭镇机关', '第二指导检查组'],
    ]);
  });

  it('issues no logins to people who already have one', async () => {
    const again = (await send('start', await inputs())).json<{ started: number; tokens: unknown[] }>();
    expect(again.tokens).toEqual([]);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, { post?: { summary?: string } }>;
    }>();
    expect(doc.paths[`/api/campaigns/{campaignId}/preview`]?.post?.summary).toContain('不启动任何单位');
    expect(doc.paths[`/api/campaigns/{campaignId}/start`]?.post?.summary).toContain('已启动的单位跳过');
  });
});

describe('logins for units launched from the console', () => {
  let app2: FastifyInstance;
  let campaign2: string;
  let storePath: string;
  beforeAll(async () => {
    campaign2 = uniqueName('launch-tokens');
    const office = await loadOfficeFile(path.join(FIXTURES, 'office.yaml'));
    if (!office.ok) throw new Error(office.errors.join());
    // Only the office has logins: nobody in the roster does yet.
    const issued = issueTokens(campaign2, [], office.office);
    tokens = {
      ...tokens,
      ...Object.fromEntries(issued.issued.map((t) => [`${campaign2}:${t.personId}`, t.token])),
    };
    storePath = path.join(h.tmp, `${campaign2}-tokens.json`);
    await writeFile(storePath, JSON.stringify(issued.store));
    app2 = await createApiServer({
      temporalClient: h.client,
      statusStore: h.status,
      store: await FileTokenStore.load(storePath),
      uploads: localUploadStore(path.join(h.tmp, 'uploads')),
      rateLimitPerMinute: 1000,
      plansDir: FIXTURES,
      taskQueue: h.taskQueue,
      office: office.office,
    });
  });
  afterAll(async () => {
    await app2?.close();
  });
  const start2 = async () => {
    const f = form(await inputs());
    return app2.inject({
      method: 'POST',
      url: `/api/campaigns/${campaign2}/start`,
      headers: { authorization: `Bearer ${tokens[`${campaign2}:office`]}`, ...f.headers },
      payload: f.payload,
    });
  };
  const get = (url: string, token: string) =>
    app2.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it("returns each new person's token once; a unit's token opens its own unit only; a second start issues none", async () => {
    const r = await start2();
    expect(r.statusCode).toBe(200);
    const body = r.json<{
      started: number;
      tokens: { token: string; role: string; personId: string; unitId?: string; groupId?: string }[];
    }>();
    expect(body.started).toBe(3);
    // Liaison and head of each started unit (not the refused village), and the members of both groups.
    const units = body.tokens.filter((t) => t.role === 'unit');
    expect([...new Set(units.map((t) => t.unitId))].sort()).toEqual(['T01', 'T02', 'T03']);
    expect(units).toHaveLength(6);
    expect([...new Set(body.tokens.filter((t) => t.role === 'group').map((t) => t.groupId))].sort()).toEqual([
      'G1',
      'G2',
    ]);
    expect(body.tokens.some((t) => t.role === 'office')).toBe(false);

    const liaison = units.find((t) => t.personId === 'T01-liaison')!;
    const me = await get('/api/me', liaison.token);
    expect(me.statusCode).toBe(200);
    expect(me.json<{ role: string; unitId: string; units: string[] }>()).toMatchObject({
      role: 'unit',
      unitId: 'T01',
      units: ['T01'],
    });
    // Readable once the unit's workflow has published its first status (until then 503 「正在启动」).
    await eventually(
      async () =>
        (await get(`/api/campaigns/${campaign2}/units/T01`, liaison.token)).statusCode === 200
          ? true
          : undefined,
      20_000,
      'T01 的首次状态',
    );
    const other = await get(`/api/campaigns/${campaign2}/units/T02`, liaison.token);
    expect(other.statusCode).toBe(403);
    expect(other.json<{ message: string }>().message).toContain('无权访问单位「T02」');

    // Only hashes are kept, in the store file the server was given, so a restart keeps the logins.
    const saved = await readFile(storePath, 'utf8');
    expect(saved).not.toContain(liaison.token);
    expect(await (await FileTokenStore.load(storePath)).check(liaison.token)).toMatchObject({
      ok: true,
      principal: { unitId: 'T01' },
    });

    const again = (await start2()).json<typeof body>();
    expect(again.tokens).toEqual([]);
    expect((await get('/api/me', liaison.token)).statusCode).toBe(200);
  });
});
