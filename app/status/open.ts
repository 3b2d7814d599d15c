/**
 * Opens the read model the workers publish to, from the same variables that locate the delivery
 * log (DATABASE_URL for PostgreSQL, else NOTIFY_SQLITE_PATH), for readers: the CLI and the API.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadNotifyConfig, NotifyConfigError } from '../../activities/notify/config.js';
import { openStatusStore } from '../../activities/status/from-config.js';
import type { StatusStore } from '../../activities/status/status-store.js';

export type OpenedStatusStore =
  { ok: true; store: StatusStore; where: string } | { ok: false; problem: string };

export async function openConfiguredStatusStore(
  env: NodeJS.ProcessEnv,
  o: { createIfMissing?: boolean } = {},
): Promise<OpenedStatusStore> {
  let config;
  try {
    config = loadNotifyConfig({ DATABASE_URL: env.DATABASE_URL, NOTIFY_SQLITE_PATH: env.NOTIFY_SQLITE_PATH });
  } catch (e) {
    if (!(e instanceof NotifyConfigError)) throw e;
    return { ok: false, problem: e.message };
  }
  if (config.DATABASE_URL) return { ok: true, store: await openStatusStore(config), where: 'PostgreSQL' };
  const file = resolve(config.NOTIFY_SQLITE_PATH);
  if (!o.createIfMissing && !existsSync(file)) {
    return {
      ok: false,
      problem: `找不到单位状态库：${file}\n请在 worker 的运行目录执行，或设置与 worker 相同的 NOTIFY_SQLITE_PATH（使用 PostgreSQL 时设置 DATABASE_URL）。`,
    };
  }
  return { ok: true, store: await openStatusStore(config), where: file };
}

/**
 * A store opened on first use: commands that never read status (start, plan check, --help) neither
 * pay for opening it nor fail when it is absent; those that do get the Chinese reason it is missing.
 */
export function lazyStatusStore(open: () => Promise<OpenedStatusStore>): StatusStore {
  let opened: Promise<StatusStore> | undefined;
  const store = () =>
    (opened ??= open().then((r) => {
      if (!r.ok) throw new Error(r.problem);
      return r.store;
    }));
  return {
    publish: async (r) => (await store()).publish(r),
    get: async (c, u) => (await store()).get(c, u),
    list: async (c, f) => (await store()).list(c, f),
    overdueWakeUps: async (c, b) => (await store()).overdueWakeUps(c, b),
    health: async (c, o) => (await store()).health(c, o),
    healthOf: async (c, u) => (await store()).healthOf(c, u),
    putHealth: async (r) => (await store()).putHealth(r),
    noteSuspect: async (c, u, at, note) => (await store()).noteSuspect(c, u, at, note),
    clearHealth: async (c, u) => (await store()).clearHealth(c, u),
    claimHealthScan: async (c, now, stale) => (await store()).claimHealthScan(c, now, stale),
    finishHealthScan: async (c, at, n) => (await store()).finishHealthScan(c, at, n),
    lastHealthScan: async (c) => (await store()).lastHealthScan(c),
    activeCampaigns: async () => (await store()).activeCampaigns(),
    restartPublishOrder: async (c, u) => (await store()).restartPublishOrder(c, u),
    boardSummary: async (s, now) => (await store()).boardSummary(s, now),
    boardUnits: async (s, f, p, now) => (await store()).boardUnits(s, f, p, now),
    boardEscalations: async (s, o) => (await store()).boardEscalations(s, o),
    boardSurveys: async (s, p) => (await store()).boardSurveys(s, p),
    boardReviews: async (s, p, now) => (await store()).boardReviews(s, p, now),
    close: async () => {
      if (opened) await (await opened.catch(() => undefined))?.close();
    },
  };
}
