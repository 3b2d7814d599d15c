/**
 * The office's list of notifications that did not reach someone (permanent failures) or that
 * nobody can vouch for (a worker died mid-send), read from the delivery log the worker writes.
 * One shape for the command line and the API, so both say the same thing.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import {
  RESOLUTION_KINDS,
  RESOLUTION_LABELS,
  ResolveError,
  type DeliveryLog,
  type DeliveryRecord,
  type ProblemRecord,
  type Resolution,
  type ResolutionKind,
} from '../../activities/notify/log/delivery-log.js';
import { EVENT_LABELS, type EventKind } from '../../domain/routing/event-kinds.js';
import { campaignIdPrefix, parseNotificationId } from '../../workflows/ids.js';
import {
  PROBLEM_LABELS,
  RECIPIENT_ROLE_LABELS,
  channelLabel,
  recipientLabel,
  type ProblemOutcome,
} from '../../workflows/unit-campaign/delivery-problems.js';
import type { UnitHealthCache, UnitHealthRecord } from '../../activities/status/health.js';
import { STUCK_LABEL } from '../../app/health/scan.js';
import type {
  DeliveryProblem,
  DeliveryProblemList,
  ProblemResolution,
  WorkflowProblem,
} from './wire/delivery-problems.js';

export type { DeliveryProblem, DeliveryProblemList, ProblemResolution, WorkflowProblem };

export const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** The shortest length from 8 up at which no two keys of the listing share a hash prefix. */
export function shortIdLength(keys: readonly string[]): number {
  const hashes = keys.map(sha256Hex);
  for (let len = 8; len < 64; len += 2) {
    if (new Set(hashes.map((h) => h.slice(0, len))).size === new Set(hashes).size) return len;
  }
  return 64;
}

function toResolution(r: Resolution): ProblemResolution {
  return {
    kind: r.kind,
    kindLabel: RESOLUTION_LABELS[r.kind],
    by: r.by,
    at: r.at,
    ...(r.note ? { note: r.note } : {}),
  };
}

function toProblem(r: DeliveryRecord | ProblemRecord, idLength = 8): DeliveryProblem {
  const status: ProblemOutcome = r.status === 'uncertain' ? 'uncertain' : 'failed';
  const resolution = 'resolution' in r && r.resolution ? r.resolution : undefined;
  return {
    id: sha256Hex(r.deliveryKey).slice(0, idLength),
    deliveryKey: r.deliveryKey,
    at: r.updatedAt,
    status,
    statusLabel: PROBLEM_LABELS[status],
    channel: r.channel,
    channelLabel: channelLabel(r.channel),
    role: r.role,
    roleLabel: RECIPIENT_ROLE_LABELS[r.role] ?? r.role,
    recipientName: r.recipientName,
    recipient: recipientLabel(r.role, r.recipientName),
    address: r.address,
    notificationId: r.notificationId,
    ...parseNotificationId(r.notificationId),
    event: r.event,
    eventLabel: EVENT_LABELS[r.event as EventKind] ?? r.event,
    errorCode: r.errorCode ?? '',
    reason: r.errorReason ?? '',
    attempts: r.attempts,
    ...(resolution ? { resolution: toResolution(resolution) } : {}),
  };
}

export const DEFAULT_PROBLEM_LIMIT = 200;

/** Enough for every problem of a campaign: the short ids are made unique over this many. */
const LOOKUP_LIMIT = 100_000;

const scope = (campaignId: string | undefined) =>
  campaignId !== undefined ? { notificationIdPrefix: campaignIdPrefix(campaignId) } : {};

export function toWorkflowProblem(h: UnitHealthRecord): WorkflowProblem {
  return {
    campaignId: h.campaignId,
    unitId: h.unitId,
    ...(h.unitName ? { unitName: h.unitName } : {}),
    statusLabel: STUCK_LABEL,
    error: h.error ?? '',
    failures: h.failures ?? 0,
    since: h.since,
    checkedAt: h.checkedAt,
  };
}

/** Stuck units from the health cache: of one campaign, or of every campaign still running. */
async function listWorkflowProblems(
  health: Pick<UnitHealthCache, 'health' | 'activeCampaigns'>,
  campaignId?: string,
): Promise<WorkflowProblem[]> {
  const campaigns = campaignId !== undefined ? [campaignId] : await health.activeCampaigns();
  const found: WorkflowProblem[] = [];
  for (const c of campaigns)
    for (const h of await health.health(c, { states: ['stuck'] })) found.push(toWorkflowProblem(h));
  return found;
}

export async function listDeliveryProblems(
  log: DeliveryLog,
  o: {
    campaignId?: string;
    limit?: number;
    includeResolved?: boolean;
    health?: Pick<UnitHealthCache, 'health' | 'activeCampaigns'>;
  } = {},
): Promise<DeliveryProblemList> {
  const limit = o.limit ?? DEFAULT_PROBLEM_LIMIT;
  const includeResolved = o.includeResolved === true;
  // One more than asked tells whether the list was cut.
  const records = await log.problems({ ...scope(o.campaignId), limit: limit + 1, includeResolved });
  const shown = records.slice(0, limit);
  // Ids unique over everything `resolve` may look them up in, not only over the rows shown.
  const universe = await log.problems({ ...scope(o.campaignId), limit: LOOKUP_LIMIT, includeResolved: true });
  const idLength = shortIdLength(universe.map((r) => r.deliveryKey));
  const problems = shown.map((r) => toProblem(r, idLength));
  const open = problems.filter((p) => !p.resolution);
  return {
    ...(o.campaignId !== undefined ? { campaignId: o.campaignId } : {}),
    workflowProblems: o.health ? await listWorkflowProblems(o.health, o.campaignId) : [],
    problems,
    failed: open.filter((p) => p.status === 'failed').length,
    uncertain: open.filter((p) => p.status === 'uncertain').length,
    resolved: problems.length - open.length,
    includeResolved,
    truncated: records.length > limit,
  };
}

/**
 * References that name no problem, or more than one: `problems` lists every one of them.
 * `notFound`: every bad reference names nothing at all (not an existing delivery that is no problem, nor an ambiguous id).
 */
export class ProblemRefError extends Error {
  constructor(
    readonly notFound: boolean,
    readonly problems: string[],
  ) {
    super(problems.join('；'));
    this.name = 'ProblemRefError';
  }
}

const SHORT_ID = /^[0-9a-f]{8,64}$/i;

/**
 * Finds the deliveries the office named: by short id (a hash prefix, as the listing shows it) or by
 * full delivery key. All references are checked before anything is written, and every bad one is
 * reported at once.
 */
async function findProblems(
  log: DeliveryLog,
  refs: readonly string[],
  o: { campaignId?: string } = {},
): Promise<ProblemRecord[]> {
  const universe = await log.problems({ ...scope(o.campaignId), limit: LOOKUP_LIMIT, includeResolved: true });
  const byKey = new Map(universe.map((r) => [r.deliveryKey, r]));
  const hashed = universe.map((r) => ({ hash: sha256Hex(r.deliveryKey), record: r }));
  const where = o.campaignId !== undefined ? `活动「${o.campaignId}」的通知异常中` : '通知异常中';
  const found: ProblemRecord[] = [];
  const problems: string[] = [];
  let unknown = 0;
  for (const ref of refs) {
    const exact = byKey.get(ref);
    if (exact) {
      found.push(exact);
      continue;
    }
    if (!SHORT_ID.test(ref)) {
      // A full key that is not a problem here: say whether it exists at all (e.g. it was sent fine).
      const record =
        o.campaignId !== undefined && !ref.startsWith(campaignIdPrefix(o.campaignId))
          ? undefined
          : await log.get(ref);
      if (record) problems.push(`「${ref}」：这条通知的状态不是发送失败或结果未知，无需标记处理`);
      else {
        problems.push(`「${ref}」：${where}没有这条通知`);
        unknown++;
      }
      continue;
    }
    const matches = hashed.filter((h) => h.hash.startsWith(ref.toLowerCase()));
    if (matches.length === 1) found.push(matches[0]!.record);
    else if (matches.length === 0) {
      problems.push(`「${ref}」：${where}没有这个编号（编号见通知异常列表的第一列）`);
      unknown++;
    } else problems.push(`「${ref}」：有 ${matches.length} 条通知异常的编号以此开头，请写出更长的编号`);
  }
  if (problems.length > 0) throw new ProblemRefError(unknown === problems.length, problems);
  return found;
}

export interface ResolveInput {
  refs: readonly string[];
  kind: ResolutionKind;
  by: string;
  note?: string;
  campaignId?: string;
  now: Date;
}

/** Resolves every named problem, or none when any reference is bad. */
export async function resolveProblems(log: DeliveryLog, input: ResolveInput): Promise<DeliveryProblem[]> {
  const records = await findProblems(
    log,
    input.refs,
    input.campaignId !== undefined ? { campaignId: input.campaignId } : {},
  );
  const out: DeliveryProblem[] = [];
  for (const r of records) {
    const resolution = await log.resolve({
      deliveryKey: r.deliveryKey,
      kind: input.kind,
      by: input.by,
      note: input.note ?? null,
      now: input.now,
    });
    out.push(toProblem({ ...r, resolution }));
  }
  return out;
}

export { RESOLUTION_KINDS, RESOLUTION_LABELS, ResolveError };

/** 「已核实收到（孙主任 11-12 10:00：已电话核实）」: what the office did, for tables. */
export function resolutionText(r: ProblemResolution | undefined): string {
  if (!r) return '未处理';
  const when = problemTime(r.at).slice(5);
  return `${r.kindLabel}（${r.by} ${when}${r.note ? `：${r.note.replace(/\s+/g, ' ')}` : ''}）`;
}

/** 2009-11-10 14:05 in the campaign's time zone. */
export function problemTime(at: string, zone = 'Asia/Shanghai'): string {
  const d = DateTime.fromISO(at, { zone });
  return d.isValid ? d.toFormat('yyyy-MM-dd HH:mm') : at;
}

/** 「大圩镇 · 到期提醒」: the unit (its name when known) and which notification. */
export function unitAndNotice(
  p: DeliveryProblem,
  unitNames: ReadonlyMap<string, string> = new Map(),
): string {
  const unit = p.unitId ? (unitNames.get(p.unitId) ?? p.unitId) : p.notificationId;
  return `${unit} · ${p.eventLabel}`;
}
