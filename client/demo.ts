/**
 * `npm start`: the whole system on this machine — Temporal dev server (state in .data/), a
 * loopback mailbox with a web page, the worker, the HTTP API and the web console — and a demo
 * campaign of 20 units (examples/roster.xlsx) on the compressed plan (plans/demo.yaml, about five
 * minutes), with simulated liaisons, 指导组 and office. Ctrl-C stops everything; running it again
 * resumes the same campaign, logins and mail.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { issueTokens, type IssuedToken, type TokenStoreFile } from './api/tokens.js';
import { launchCampaign } from '../app/launch.js';
import { buildWeb } from './demo/build-web.js';
import type { DemoLoginEntry } from './demo/console-server.js';
import { demoHabits, startDriver, widenDemoPlan } from './demo/driver.js';
import { startStack } from './demo/stack.js';
import { DEMO_UNKNOWN_MAILBOX } from './demo/unknown-mailbox.js';
import { parseRosterFile } from '../domain/roster/parse-file.js';
import { startDevServer, type DevServer } from '../toolchain/dev-server.js';
import { startMailbox } from '../toolchain/mailbox.js';
import { mailKind, startMailPage } from '../toolchain/mail-page.js';
import { dataDir, repoRoot } from '../toolchain/paths.js';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const TASK_QUEUE = 'campaign-demo';
const CAMPAIGN_ID = 'demo-2009-batch3';
const OFFICE = {
  name: '区学习实践活动办公室',
  members: [{ id: 'office', name: '孙主任', email: 'office@xuexi.example.gov.cn' }],
};
const ROSTER = path.join(repoRoot, 'examples', 'roster.xlsx');
const demoDir = path.join(dataDir, 'demo');

const log = (line: string) =>
  console.log(
    `${new Date().toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })}  ${line}`,
  );

/**
 * plans/demo.yaml is the 镇机关 plan compressed; the demo roster has every unit type, so the demo
 * runs that same compressed flow for all of them (a copy whose unitTypes lists every type).
 */
async function demoPlan(): Promise<{ planPath: string; plansDir: string }> {
  const plansDir = path.join(demoDir, 'plans');
  const planPath = path.join(plansDir, 'demo.yaml');
  if (!existsSync(planPath)) {
    await mkdir(plansDir, { recursive: true });
    await writeFile(
      planPath,
      widenDemoPlan(await readFile(path.join(repoRoot, 'plans', 'demo.yaml'), 'utf8')),
    );
  }
  return { planPath, plansDir };
}

/** Tokens are issued once and kept, so the printed logins stay valid across restarts. */
async function demoTokens(): Promise<{ store: TokenStoreFile; issued: IssuedToken[] }> {
  const file = path.join(demoDir, 'tokens.json');
  if (existsSync(file))
    return JSON.parse(await readFile(file, 'utf8')) as { store: TokenStoreFile; issued: IssuedToken[] };
  const roster = await parseRosterFile(ROSTER, { channels: ['email'] });
  if (!roster.usable) throw new Error(`示例名单有误：${roster.errors.map((e) => e.message).join('；')}`);
  const tokens = issueTokens(CAMPAIGN_ID, roster.units, OFFICE, [
    'study',
    'analysis',
    'rectification',
    'done',
  ]);
  await mkdir(demoDir, { recursive: true });
  await writeFile(file, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  return tokens;
}

/** The campaign's start instant, fixed on the first run so a restart does not move the calendar. */
async function campaignStart(): Promise<string> {
  const file = path.join(demoDir, 'campaign.json');
  if (existsSync(file)) return (JSON.parse(await readFile(file, 'utf8')) as { start: string }).start;
  const start = new Date(Date.now() + 5_000).toISOString();
  await writeFile(file, JSON.stringify({ campaignId: CAMPAIGN_ID, start }, null, 2));
  return start;
}

function demoLogins(
  issued: IssuedToken[],
  unitNames: Map<string, string>,
  groupNames: Map<string, string>,
): DemoLoginEntry[] {
  const pick: DemoLoginEntry[] = [];
  for (const t of issued) {
    if (t.role === 'office') pick.push({ role: 'office', label: `${t.name}`, token: t.token });
    else if (t.role === 'group' && t.personId.endsWith('-m1'))
      pick.push({
        role: 'group',
        label: `${groupNames.get(t.groupId ?? '') ?? t.groupId} · ${t.name}`,
        token: t.token,
      });
    else if (
      t.role === 'unit' &&
      t.personId.endsWith('-liaison') &&
      ['U01', 'U02', 'U03', 'U07', 'U09', 'U13'].includes(t.unitId ?? '')
    ) {
      pick.push({
        role: 'unit',
        label: `${unitNames.get(t.unitId ?? '') ?? t.unitId} · 联络员 ${t.name}`,
        token: t.token,
      });
    }
  }
  return pick;
}

async function main(): Promise<void> {
  // The SDK's info logs (bundling, worker state) would drown what the demo is there to show.
  // Core's own network warnings while Ctrl-C takes the dev server down first are noise here too.
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
  });
  const cleanups: (() => Promise<void>)[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('正在停止……');
    // Ctrl-C in a terminal reaches the dev server too; nothing may wait long on a server that is gone.
    for (const cleanup of cleanups.reverse())
      await Promise.race([cleanup().catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const web = await buildWeb({ log });
    if (web.built) log(`网页控制台已构建（${(web.ms / 1000).toFixed(1)} 秒）`);

    const external = process.env.TEMPORAL_ADDRESS;
    let server: DevServer | undefined;
    if (!external) {
      log('启动 Temporal 开发服务器（首次运行需先构建，约 3–6 分钟）……');
      server = await startDevServer({
        port: port('TEMPORAL_PORT', 7233),
        uiPort: port('TEMPORAL_UI_PORT', 8233),
        dbFile: path.join(dataDir, 'temporal.sqlite'),
      });
      cleanups.push(() => server!.stop());
    }
    const address = external ?? server!.address;

    const mailbox = await startMailbox({
      port: port('DEMO_SMTP_PORT', 2525),
      storeDir: path.join(demoDir, 'mail'),
      unknownMailboxes: [DEMO_UNKNOWN_MAILBOX],
    });
    cleanups.push(() => mailbox.close());
    const mailPage = await startMailPage(mailbox, port('DEMO_MAIL_PAGE_PORT', 8025));
    cleanups.push(() => mailPage.close());
    // Hundreds of mails arrive in minutes: the terminal gets a tally by kind, the page the mail.
    const tally = new Map<string, number>();
    mailbox.onMessage((mail) => {
      const kind = mailKind(mail.subject ?? '');
      tally.set(kind, (tally.get(kind) ?? 0) + 1);
    });
    const tallyTimer = setInterval(() => {
      if (tally.size === 0) return;
      log(
        `✉ 新邮件 ${[...tally].map(([k, n]) => `${k} ${n}`).join('、')}（共 ${mailbox.messages().length} 封，见演示邮箱）`,
      );
      tally.clear();
    }, 15_000);
    cleanups.push(() => Promise.resolve(clearInterval(tallyTimer)));

    const { planPath, plansDir } = await demoPlan();
    const tokens = await demoTokens();
    const roster = await parseRosterFile(ROSTER, { channels: ['email'] });
    const unitNames = new Map(roster.units.map((u) => [u.id, u.name]));
    const groupNames = new Map(roster.units.map((u) => [u.group.id, u.group.name]));
    const stack = await startStack({
      temporalAddress: address,
      taskQueue: TASK_QUEUE,
      plansDir,
      dataDir: demoDir,
      smtpPort: mailbox.port,
      officeName: OFFICE.name,
      officeEmail: OFFICE.members[0]!.email,
      tokens: tokens.store,
      demoLogins: demoLogins(tokens.issued, unitNames, groupNames),
      consolePort: port('DEMO_CONSOLE_PORT', 8080),
    });
    cleanups.push(() => stack.close());

    const start = await campaignStart();
    const launched = await launchCampaign(stack.client, {
      planPath,
      rosterPath: ROSTER,
      campaignId: CAMPAIGN_ID,
      start,
      taskQueue: TASK_QUEUE,
      office: OFFICE,
    });
    if (!launched.ok) throw new Error(launched.errors.join('\n'));
    if (launched.started > 0) log(`已启动演示活动「${launched.planTitle}」：${launched.started} 个单位`);
    if (launched.alreadyRunning > 0)
      log(`演示活动已有 ${launched.alreadyRunning} 个单位（沿用上次的状态继续）`);
    for (const u of launched.units) if (u.outcome === 'refused') log(`未启动 ${u.unitName}：${u.reason}`);

    const units = demoHabits(roster.units.map((u) => u.id)).map((d) => ({
      ...d,
      groupId: roster.units.find((u) => u.id === d.unitId)!.group.id,
    }));
    const driver = startDriver({
      svc: stack,
      campaignId: CAMPAIGN_ID,
      units,
      officePersonId: OFFICE.members[0]!.id,
      log: (l) => log(`· ${l}`),
      quiet: true,
    });
    cleanups.push(() => driver.stop());

    const logins = demoLogins(tokens.issued, unitNames, groupNames);
    console.log('');
    console.log('演示已就绪：');
    console.log(`  网页控制台：    ${stack.consoleUrl}   （登录页上有下列演示账号的按钮）`);
    for (const l of logins.slice(0, 8))
      console.log(
        `      ${{ office: '活动办', group: '指导组', unit: '单位' }[l.role]}  ${l.label.padEnd(16, '　')}  令牌 ${l.token}`,
      );
    console.log(`  演示邮箱：      ${mailPage.url}`);
    if (server?.uiUrl) console.log(`  Temporal 控制台：${server.uiUrl}/namespaces/default/workflows`);
    console.log(
      '  整个活动约 5 分钟跑完：提醒、督办（到指导组、活动办通报）、回头看查缺补缺、测评不满意 → 补课。',
    );
    console.log(
      `  通知异常：演示邮箱里没有 ${DEMO_UNKNOWN_MAILBOX}（${unitNames.get('U04') ?? 'U04'} 第一责任人），发给他的邮件被拒收（550），`,
    );
    console.log('            活动办页面「通知异常」里可以看到，并可「标记已处理」。');
    console.log('  按 Ctrl-C 停止；再次运行 npm start 会从上次的状态继续。全部重来：删除 .data/ 文件夹。');
    console.log('');
  } catch (err) {
    console.error(`演示启动失败：${err instanceof Error ? err.message : String(err)}`);
    await stop(1);
  }
}

await main();
