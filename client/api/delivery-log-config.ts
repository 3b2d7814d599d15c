/**
 * Opens the delivery log the worker writes, from the same variables (DATABASE_URL for PostgreSQL,
 * else NOTIFY_SQLITE_PATH), for readers: the command line and the API. Only the variables that
 * locate the log are read, so a reader need not hold the SMTP or SMS secrets.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadNotifyConfig, NotifyConfigError } from '../../activities/notify/config.js';
import { openDeliveryLog } from '../../activities/notify/from-config.js';
import type { DeliveryLog } from '../../activities/notify/log/delivery-log.js';

export type OpenedDeliveryLog =
  | { ok: true; log: DeliveryLog; where: string }
  /** `problem` is a Chinese sentence naming the variable or the file. */
  | { ok: false; problem: string };

export async function openConfiguredDeliveryLog(env: NodeJS.ProcessEnv): Promise<OpenedDeliveryLog> {
  let config;
  try {
    config = loadNotifyConfig({ DATABASE_URL: env.DATABASE_URL, NOTIFY_SQLITE_PATH: env.NOTIFY_SQLITE_PATH });
  } catch (e) {
    if (!(e instanceof NotifyConfigError)) throw e;
    return { ok: false, problem: e.message };
  }
  if (config.DATABASE_URL)
    return {
      ok: true,
      log: await openDeliveryLog(config),
      where: `PostgreSQL（${config.DATABASE_URL.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@')}）`,
    };
  const file = resolve(config.NOTIFY_SQLITE_PATH);
  // Opening would create an empty log; say where we looked instead.
  if (!existsSync(file)) {
    return {
      ok: false,
      problem: `找不到投递记录文件：${file}\n请在 worker 的运行目录执行，或设置与 worker 相同的 NOTIFY_SQLITE_PATH（使用 PostgreSQL 时设置 DATABASE_URL）。`,
    };
  }
  return { ok: true, log: await openDeliveryLog(config), where: file };
}
