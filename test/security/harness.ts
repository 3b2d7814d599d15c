/**
 * The abuse suite's API: the real server (createApiServer) in-process, reached with app.inject,
 * on a fake Temporal client that records every call and reaches nothing, an in-memory status
 * store, and a campaign of four units in two 指导组. A refusal must leave `calls` empty.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { openSqliteStatusStore } from '../../activities/status/sqlite-status-store.js';
import { createApiServer, type ApiServerOptions } from '../../client/api/server.js';
import { FileTokenStore } from '../../client/api/token-store-file.js';
import { issueTokens } from '../../client/api/tokens.js';
import { localUploadStore } from '../../client/api/uploads.js';
import type { RosterUnit } from '../../domain/roster/types.js';

const unit = (id: string, group: string): RosterUnit => ({
  id,
  name: `${id}镇机关`,
  type: 'town_office',
  flags: [],
  head: { name: `${id}书记`, email: `head-${id.toLowerCase()}@u.cn` },
  liaison: { name: `${id}联络员`, mobile: '13800000000' },
  groupId: group,
  group: {
    id: group,
    name: `${group}组`,
    members: [{ name: `${group}组长`, role: 'leader', sourceRow: 2, email: `${group.toLowerCase()}@g.cn` }],
  },
  sourceRow: 2,
});

/** Own unit A (group G1); other unit B (group G2). */
export const UNITS = [unit('A', 'G1'), unit('B', 'G2')];

/** The six callers of the matrix. */
export const CALLERS = ['none', 'office', 'ownGroup', 'otherGroup', 'ownUnit', 'otherUnit'] as const;
export type Caller = (typeof CALLERS)[number];
const PERSON: Record<Exclude<Caller, 'none'>, string> = {
  office: 'office',
  ownGroup: 'G1-m1',
  otherGroup: 'G2-m1',
  ownUnit: 'A-liaison',
  otherUnit: 'B-liaison',
};

export interface Harness {
  app: FastifyInstance;
  /** Every property of the Temporal client touched since the last reset. */
  calls: string[];
  /** The arguments of each call, in the same order. */
  args: unknown[][];
  token(caller: Caller): string | undefined;
  headers(caller: Caller, extra?: Record<string, string>): Record<string, string>;
  /** What a refusal must leave as it was: the tokens and the stored uploads. */
  snapshot(): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(extra: Partial<ApiServerOptions> = {}): Promise<Harness> {
  const { store, issued } = issueTokens(
    'c1',
    UNITS,
    { name: '活动办', members: [{ id: 'office', name: '孙主任' }] },
    [],
    new Date('2026-01-05T00:00:00Z'),
    3650,
  );
  const calls: string[] = [];
  const args: unknown[][] = [];
  const refuse =
    (name: string) =>
    (...a: unknown[]) => {
      calls.push(name);
      args.push(a);
      throw new Error('reached Temporal');
    };
  const recorder = (prefix: string): unknown =>
    new Proxy({}, { get: (_t, name) => (name === 'then' ? undefined : refuse(`${prefix}.${String(name)}`)) });
  const temporalClient = {
    workflow: recorder('workflow'),
    workflowService: recorder('workflowService'),
    connection: recorder('connection'),
  } as unknown as Client;
  const dir = await mkdtemp(path.join(tmpdir(), 'api-security-'));
  const tokens = new FileTokenStore(store);
  const app = await createApiServer({
    temporalClient,
    statusStore: openSqliteStatusStore(':memory:'),
    store: tokens,
    uploads: localUploadStore(dir),
    progress: { timerMs: 0 },
    plansDir: path.join(dir, 'plans'),
    archiveDir: path.join(dir, 'archive'),
    rateLimitPerMinute: 1_000_000,
    ...extra,
  });
  const token = (c: Caller) =>
    c === 'none' ? undefined : issued.find((t) => t.personId === PERSON[c])!.token;
  return {
    app,
    calls,
    args,
    token,
    headers: (c, more = {}) => ({
      ...(c === 'none' ? {} : { authorization: `Bearer ${token(c)!}` }),
      ...more,
    }),
    snapshot: async () => JSON.stringify([await tokens.list(), await readdir(dir, { recursive: true })]),
    close: async () => {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
