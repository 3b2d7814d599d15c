/**
 * The live stack a browser test drives: a loopback mailbox, the demo stack (worker, API, console)
 * with a token per person of the given units, a Chromium, and a login through the console's form.
 * The fixture campaign (fixtures/units.csv on browser_test.yaml) is launched by
 * `startFixtureCampaign`; tests that only read seeded data call `startConsole` with their units.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { inject } from 'vitest';
import { launchCampaign } from '../../app/launch.js';
import { issueTokens } from '../../client/api/tokens.js';
import { buildWeb } from '../../client/demo/build-web.js';
import { startStack, type Stack, type StackOptions } from '../../client/demo/stack.js';
import { parseRosterFile } from '../../domain/roster/parse-file.js';
import type { RosterUnit } from '../../domain/roster/types.js';
import { startMailbox, type Mailbox } from '../../toolchain/mailbox.js';
import { uniqueName } from '../support/unique.js';
import { DESKTOP, launchChromium } from './browser.js';

export const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
export const OFFICE = {
  name: '区学习实践活动办公室',
  members: [{ id: 'office', name: '孙主任', email: 'office@xuexi.example.gov.cn' }],
};

export interface ConsoleRun {
  stack: Stack;
  mailbox: Mailbox;
  browser: Browser;
  /** Data folder of the stack (delivery log, read model, uploads). */
  tmp: string;
  campaign: string;
  taskQueue: string;
  /** Login token of each person, by person id. */
  tokens: Record<string, string>;
  /** A fresh browser profile, closed with the run. */
  newContext: (options?: BrowserContextOptions) => Promise<BrowserContext>;
  /** A fresh browser profile logged in with a person's token through the login form. */
  loginAs: (personId: string, viewport?: { width: number; height: number }) => Promise<Page>;
  close: () => Promise<void>;
}

export interface ConsoleOptions {
  /** Prefix of the campaign id, the task queue and the data folder. */
  name: string;
  units: readonly RosterUnit[];
  stages: readonly string[];
  /** Writes what the worker would have written into the data folder before the stack starts. */
  seed?: (tmp: string, campaign: string) => Promise<void>;
  /** Plans folder of the worker; the data folder when not given. */
  plansDir?: string;
  stack?: Pick<StackOptions, 'rateLimitPerMinute'>;
}

export async function startConsole(o: ConsoleOptions): Promise<ConsoleRun> {
  await buildWeb();
  const tmp = await mkdtemp(path.join(tmpdir(), `browser-${o.name}-`));
  const campaign = uniqueName(o.name);
  const taskQueue = uniqueName(o.name);
  await o.seed?.(tmp, campaign);
  const mailbox = await startMailbox({ port: 0 });
  const issued = issueTokens(campaign, o.units, OFFICE, o.stages);
  const tokens: Record<string, string> = {};
  for (const t of issued.issued) tokens[t.personId] = t.token;
  const stack = await startStack({
    temporalAddress: inject('temporalAddress'),
    taskQueue,
    plansDir: o.plansDir ?? tmp,
    dataDir: tmp,
    smtpPort: mailbox.port,
    officeName: OFFICE.name,
    officeEmail: OFFICE.members[0]!.email,
    tokens: issued.store,
    ...o.stack,
  });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const newContext = async (options?: BrowserContextOptions) => {
    const context = await browser.newContext(options);
    contexts.push(context);
    return context;
  };
  return {
    stack,
    mailbox,
    browser,
    tmp,
    campaign,
    taskQueue,
    tokens,
    newContext,
    loginAs: async (personId, viewport = DESKTOP) => {
      const context = await newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await context.newPage();
      await page.goto(stack.consoleUrl);
      await page.getByLabel('令牌').fill(tokens[personId]!);
      await page.getByRole('button', { name: '登录' }).click();
      await page.locator('#who').waitFor();
      return page;
    },
    close: async () => {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await stack.close();
      await mailbox.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** The fixture campaign: the three units of fixtures/units.csv launched on browser_test.yaml today. */
export async function startFixtureCampaign(name: string): Promise<ConsoleRun> {
  const roster = await parseRosterFile(path.join(FIXTURES, 'units.csv'), {
    groupsPath: path.join(FIXTURES, 'groups.csv'),
    channels: ['email'],
  });
  if (!roster.usable) throw new Error(roster.errors.map((e) => e.message).join('\n'));
  const run = await startConsole({
    name,
    units: roster.units,
    stages: ['study', 'rectification'],
    plansDir: FIXTURES,
  });
  const launched = await launchCampaign(run.stack.client, {
    planPath: path.join(FIXTURES, 'browser_test.yaml'),
    rosterPath: path.join(FIXTURES, 'units.csv'),
    groupsPath: path.join(FIXTURES, 'groups.csv'),
    campaignId: run.campaign,
    start: new Date().toISOString(),
    taskQueue: run.taskQueue,
    office: OFFICE,
  });
  if (!launched.ok || launched.started !== 3) {
    await run.close();
    throw new Error(`launch failed: ${JSON.stringify(launched)}`);
  }
  return run;
}
