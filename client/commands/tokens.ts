/**
 * `campaign tokens list|revoke|rotate|import`: the token lifecycle from the command line, on the
 * token file (`--store`) or, with DATABASE_URL, on the database every API replica reads. A
 * revocation takes effect on the next request of every API process (tokens.ts).
 */
import type { Command } from 'commander';
import type pg from 'pg';
import { loadConfig } from '../../config/settings.js';
import { openPool } from '../../db/pool.js';
import { migrateApiState } from '../api/state-migrations.js';
import { FileTokenStore } from '../api/token-store-file.js';
import { PostgresTokenStore } from '../api/token-store-postgres.js';
import {
  ROLE_LABELS,
  StoreFileSchema,
  writeHandout,
  type RevokeScope,
  type TokenStore,
} from '../api/tokens.js';
import { readFile } from 'node:fs/promises';

interface StoreOptions {
  campaign: string;
  store?: string;
}

async function openStore(o: StoreOptions): Promise<{ store: TokenStore; close: () => Promise<void> }> {
  if (o.store) {
    const store = await FileTokenStore.load(o.store);
    if (store.campaignId !== o.campaign)
      throw new Error(`--store：令牌文件属于活动「${store.campaignId}」，不是「${o.campaign}」`);
    return { store, close: () => store.close() };
  }
  const { database } = loadConfig(['database']);
  if (!database.DATABASE_URL)
    throw new Error('请用 --store 指明令牌文件，或设置 DATABASE_URL 使用数据库中的令牌');
  const pool: pg.Pool = openPool(database.DATABASE_URL, { max: 2 });
  try {
    await migrateApiState(pool);
    return { store: await PostgresTokenStore.open(pool, o.campaign), close: () => pool.end() };
  } catch (e) {
    await pool.end();
    throw e;
  }
}

async function withStore(o: StoreOptions, fn: (s: TokenStore) => Promise<number>): Promise<void> {
  try {
    const { store, close } = await openStore(o);
    try {
      process.exitCode = await fn(store);
    } finally {
      await close();
    }
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}

const storeOption = (c: Command) =>
  c
    .requiredOption('--campaign <id>', '活动编号')
    .option('--store <file>', '令牌文件（不填则用 DATABASE_URL 中的令牌）');

export function registerTokenCommands(tokens: Command): void {
  storeOption(
    tokens.command('list').description('列出活动的登录令牌：角色、人员、到期与作废情况（不含令牌本身）'),
  ).action((o: StoreOptions) =>
    withStore(o, async (s) => {
      for (const t of await s.list()) {
        const state = t.revokedAt
          ? `已作废（${t.revokedAt}，${t.revokedBy ?? ''}${t.revokeReason ? `：${t.revokeReason}` : ''}）`
          : t.expiresAt
            ? `有效至 ${t.expiresAt}`
            : '长期有效';
        console.log([ROLE_LABELS[t.role], t.personId, t.name, t.unitId ?? t.groupId ?? '', state].join('\t'));
      }
      return 0;
    }),
  );

  storeOption(
    tokens
      .command('revoke')
      .description('作废令牌：一个人（--person）、一个单位的联络员和第一责任人（--unit）或整个活动（--all）'),
  )
    .option('--person <id>', '人员编号，如 U01-liaison')
    .option('--unit <id>', '单位编号')
    .option('--all', '作废整个活动的全部令牌')
    .option('--reason <text>', '原因（记录在令牌清单中）')
    .action((o: StoreOptions & { person?: string; unit?: string; all?: boolean; reason?: string }) => {
      const chosen = [o.person, o.unit, o.all].filter((x) => x !== undefined);
      if (chosen.length !== 1) {
        console.error('--person、--unit、--all 须且只须指定其中一个');
        process.exitCode = 1;
        return Promise.resolve();
      }
      const scope: RevokeScope = o.person
        ? { personId: o.person }
        : o.unit
          ? { unitId: o.unit }
          : { campaign: true };
      return withStore(o, async (s) => {
        const n = await s.revoke(scope, { by: 'cli', ...(o.reason ? { reason: o.reason } : {}) });
        console.log(
          n > 0 ? `已作废 ${n} 个令牌；各 API 服务从下一次请求起拒绝它们` : '没有需要作废的有效令牌',
        );
        return 0;
      });
    });

  storeOption(tokens.command('rotate').description('为一个人换发新令牌：旧令牌立即作废，新令牌写入分发清单'))
    .requiredOption('--person <id>', '人员编号')
    .requiredOption('--handout <file>', '新令牌的分发清单（CSV，含令牌明文）')
    .action((o: StoreOptions & { person: string; handout: string }) =>
      withStore(o, async (s) => {
        const fresh = await s.rotate(o.person, { by: 'cli' });
        if (!fresh) {
          console.error(`--person：活动「${o.campaign}」中没有人员「${o.person}」的令牌`);
          return 1;
        }
        await writeHandout([fresh], o.handout);
        console.log(`已为 ${fresh.name}（${fresh.personId}）换发新令牌，旧令牌已作废；新令牌见 ${o.handout}`);
        return 0;
      }),
    );

  tokens
    .command('import')
    .description('把令牌文件（只含哈希）导入 DATABASE_URL 指向的数据库，供多个 API 服务共用')
    .requiredOption('--store <file>', 'campaign tokens issue 生成的令牌文件')
    .action(async (o: { store: string }) => {
      try {
        const r = StoreFileSchema.safeParse(JSON.parse(await readFile(o.store, 'utf8')));
        if (!r.success)
          throw new Error(
            `--store：令牌文件格式有误：${r.error.issues.map((i) => `${i.path.join('.')}：${i.message}`).join('；')}`,
          );
        const { database } = loadConfig(['database']);
        if (!database.DATABASE_URL) throw new Error('DATABASE_URL：导入令牌需要数据库连接串');
        const pool = openPool(database.DATABASE_URL, { max: 2 });
        try {
          await migrateApiState(pool);
          const n = await (await PostgresTokenStore.open(pool, r.data.campaignId)).importFile(r.data);
          console.log(
            `已导入活动「${r.data.campaignId}」的 ${n} 个令牌（已在库中的 ${r.data.entries.length - n} 个保持不变）`,
          );
        } finally {
          await pool.end();
        }
      } catch (e) {
        console.error((e as Error).message);
        process.exitCode = 1;
      }
    });
}
