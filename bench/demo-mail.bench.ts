/**
 * How much mail the demo sends, and to whom: the 20-unit demo campaign (examples/roster.xlsx on
 * plans/demo.yaml, the simulated people of client/demo/driver.ts) run headless on a fresh dev
 * server until every unit has finished, then the loopback mailbox is counted: total mails, mails
 * per person (by address), the highest, and the most one person got within one second.
 *
 * Run: npx tsx bench/demo-mail.bench.ts [timeoutSeconds]   (about 5 minutes)
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { launchCampaign } from '../app/launch.js';
import { issueTokens } from '../client/api/tokens.js';
import { buildWeb } from '../client/demo/build-web.js';
import { demoHabits, startDriver, widenDemoPlan } from '../client/demo/driver.js';
import { startStack } from '../client/demo/stack.js';
import { parseRosterFile } from '../domain/roster/parse-file.js';
import { startDevServer } from '../toolchain/dev-server.js';
import { startMailbox } from '../toolchain/mailbox.js';
import { mailKind } from '../toolchain/mail-page.js';
import { repoRoot } from '../toolchain/paths.js';

const timeoutMs = Number(process.argv[2] ?? 600) * 1000;
const CAMPAIGN = 'demo-mail-bench';
const OFFICE = {
  name: '区学习实践活动办公室',
  members: [{ id: 'office', name: '孙主任', email: 'office@xuexi.example.gov.cn' }],
};
const ROSTER = path.join(repoRoot, 'examples', 'roster.xlsx');

Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
});

const dir = await mkdtemp(path.join(tmpdir(), 'demo-mail-'));
const plansDir = path.join(dir, 'plans');
await mkdir(plansDir, { recursive: true });
const planPath = path.join(plansDir, 'demo.yaml');
await writeFile(planPath, widenDemoPlan(await readFile(path.join(repoRoot, 'plans', 'demo.yaml'), 'utf8')));

await buildWeb();
const server = await startDevServer();
const mailbox = await startMailbox({ port: 0 });
const roster = await parseRosterFile(ROSTER, { channels: ['email'] });
if (!roster.usable) throw new Error(roster.errors.map((e) => e.message).join('\n'));
const tokens = issueTokens(CAMPAIGN, roster.units, OFFICE, ['study', 'analysis', 'rectification', 'done']);
const stack = await startStack({
  temporalAddress: server.address,
  taskQueue: 'demo-mail-bench',
  plansDir,
  dataDir: dir,
  smtpPort: mailbox.port,
  officeName: OFFICE.name,
  officeEmail: OFFICE.members[0]!.email,
  tokens: tokens.store,
  consolePort: 0,
});
const t0 = Date.now();
const launched = await launchCampaign(stack.client, {
  planPath,
  rosterPath: ROSTER,
  campaignId: CAMPAIGN,
  start: new Date(Date.now() + 3_000).toISOString(),
  taskQueue: 'demo-mail-bench',
  office: OFFICE,
});
if (!launched.ok) throw new Error(launched.errors.join('\n'));
const units = demoHabits(roster.units.map((u) => u.id)).map((d) => ({
  ...d,
  groupId: roster.units.find((u) => u.id === d.unitId)!.group.id,
}));
const driver = startDriver({
  svc: stack,
  campaignId: CAMPAIGN,
  units,
  officePersonId: 'office',
  log: () => undefined,
  quiet: true,
});

let finished = 0;
while (Date.now() - t0 < timeoutMs) {
  await new Promise((r) => setTimeout(r, 5_000));
  const phases = await Promise.all(
    units.map((u) =>
      stack.status
        .get(CAMPAIGN, u.unitId)
        .then((s) => s?.status.phase)
        .catch(() => undefined),
    ),
  );
  finished = phases.filter((p) => p === 'completed' || p === 'cancelled').length;
  if (finished === units.length) break;
}
// Whatever the last drains send after the units finish.
await new Promise((r) => setTimeout(r, 10_000));
await driver.stop();
const elapsed = (Date.now() - t0) / 1000;

const mails = mailbox.messages();
const to = (m: ParsedMail) => {
  const list = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
  return list.flatMap((a) => a.value.map((v) => v.address ?? '')).join(',');
};
const perPerson = new Map<string, number>();
const perSecond = new Map<string, number>();
const kinds = new Map<string, number>();
for (const m of mails) {
  const who = to(m);
  perPerson.set(who, (perPerson.get(who) ?? 0) + 1);
  const second = `${who}@${Math.floor((m.date?.getTime() ?? 0) / 1000)}`;
  perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  const k = mailKind(m.subject ?? '');
  kinds.set(k, (kinds.get(k) ?? 0) + 1);
}
const ranked = [...perPerson].sort((a, b) => b[1] - a[1]);
console.log(`units finished: ${finished}/${units.length} in ${elapsed.toFixed(0)} s`);
console.log(
  `mails total: ${mails.length}; people: ${perPerson.size}; mean per person: ${(mails.length / Math.max(1, perPerson.size)).toFixed(1)}`,
);
console.log(
  `highest per person: ${ranked
    .slice(0, 5)
    .map(([a, n]) => `${a} ${n}`)
    .join('; ')}`,
);
console.log(`most to one person in one second: ${Math.max(0, ...perSecond.values())}`);
console.log(
  `by kind: ${[...kinds]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join('、')}`,
);

await stack.close();
await mailbox.close();
await server.stop();
await rm(dir, { recursive: true, force: true });
process.exit(finished === units.length ? 0 : 1);
