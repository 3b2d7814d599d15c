/**
 * Campaign dashboards from Temporal visibility: a handful of `count` queries over the search
 * attributes the unit workflows publish, never one call per workflow. Servers that support
 * `GROUP BY` on custom attributes answer each dimension in one query; others (the dev server and
 * SQL visibility only group by ExecutionStatus) get one count per known value, run in parallel.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { UNIT_TYPE_IDS } from '../domain/unit-types.js';
import {
  CampaignStage,
  OverdueCount,
  RemedialRound,
  SupervisorGroup,
  UnitId,
  UnitType,
} from '../workflows/search-attributes.js';
import type { CampaignOverview, CountBucket } from '../client/api/wire/overview.js';
import type { UnitRow } from '../client/api/wire/units.js';
import { mapLimit } from './concurrency.js';

export interface UnitFilter {
  campaignId: string;
  unitType?: string;
  group?: string;
  stage?: string;
  unitId?: string;
  /** Only units with at least one overdue item. */
  overdue?: boolean;
  remedialRound?: number;
  /** Only units whose workflow is still running (default: every unit, finished ones included). */
  runningOnly?: boolean;
  /** Only units whose workflow completed (ran to 资料归档). */
  completedOnly?: boolean;
}

export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The visibility query for a filter. Runs closed by continue-as-new are not units: excluded. */
function unitQuery(f: UnitFilter): string {
  const parts = [`CampaignId = ${quote(f.campaignId)}`];
  parts.push(
    f.runningOnly
      ? `ExecutionStatus = 'Running'`
      : f.completedOnly
        ? `ExecutionStatus = 'Completed'`
        : `ExecutionStatus != 'ContinuedAsNew'`,
  );
  if (f.unitType !== undefined) parts.push(`UnitType = ${quote(f.unitType)}`);
  if (f.group !== undefined) parts.push(`SupervisorGroup = ${quote(f.group)}`);
  if (f.stage !== undefined) parts.push(`CampaignStage = ${quote(f.stage)}`);
  if (f.unitId !== undefined) parts.push(`UnitId = ${quote(f.unitId)}`);
  if (f.overdue) parts.push('OverdueCount > 0');
  if (f.remedialRound !== undefined) parts.push(`RemedialRound = ${f.remedialRound}`);
  return parts.join(' AND ');
}

// The API sends these as they are: defined with the API's other wire shapes, for the console too.
export type { CampaignOverview, CountBucket, UnitRow };

export interface OverviewHints {
  /** Stage ids to count when the server cannot GROUP BY (from the plans in use). */
  stages?: readonly string[];
  /** 指导组 ids to count when the server cannot GROUP BY (from the roster or the token store). */
  groups?: readonly string[];
  /** Highest 补课 round to look for (default 5). */
  maxRemedialRound?: number;
}

/** Counts by any server; tries GROUP BY once per client and remembers whether it works. */
class VisibilityCounter {
  private groupBy: boolean | undefined;
  queries = 0;
  constructor(private readonly client: Client) {}

  async count(query: string): Promise<number> {
    this.queries += 1;
    return (await this.client.workflow.count(query)).count;
  }

  /** Count per value of `attribute`, or undefined when the server cannot GROUP BY it. */
  async grouped(query: string, attribute: string): Promise<CountBucket[] | undefined> {
    if (this.groupBy === false) return undefined;
    try {
      this.queries += 1;
      const r = await this.client.workflow.count(`${query} GROUP BY ${attribute}`);
      this.groupBy = true;
      return r.groups.map((g) => ({ value: String(g.groupValues[0] ?? ''), count: g.count }));
    } catch {
      this.groupBy = false;
      return undefined;
    }
  }

  async perValue(
    query: string,
    attribute: string,
    values: readonly string[],
    literal: (v: string) => string = quote,
  ): Promise<CountBucket[]> {
    const counts = await mapLimit(values, 16, (v) => this.count(`${query} AND ${attribute} = ${literal(v)}`));
    return values.map((value, i) => ({ value, count: counts[i] ?? 0 })).filter((b) => b.count > 0);
  }

  get usedGroupBy(): boolean {
    return this.groupBy === true;
  }
}

const sortBuckets = (b: CountBucket[]) =>
  b.sort((x, y) => y.count - x.count || x.value.localeCompare(y.value));

/** The campaign's overview: totals and counts by stage, unit type, 指导组 and 补课 round. */
export async function campaignOverview(
  client: Client,
  scope: { campaignId: string; group?: string },
  hints: OverviewHints = {},
): Promise<CampaignOverview> {
  const t0 = Date.now();
  const v = new VisibilityCounter(client);
  const { campaignId } = scope;
  const base = unitQuery(scope);
  const [total, running, overdueUnits, remedialAny] = await Promise.all([
    v.count(base),
    v.count(unitQuery({ ...scope, runningOnly: true })),
    v.count(unitQuery({ ...scope, overdue: true })),
    v.count(`${base} AND RemedialRound > 0`),
  ]);
  const dimension = async (
    attribute: string,
    values: readonly string[] | undefined,
  ): Promise<CountBucket[]> => {
    const g = await v.grouped(base, attribute);
    if (g) return g;
    if (values !== undefined) return v.perValue(base, attribute, values);
    return aggregateByListing(client, base, attribute);
  };
  const stageValues = hints.stages
    ? [...new Set(['starting', ...hints.stages, 'done', 'cancelled'])]
    : undefined;
  const [byStage, byUnitType, byGroup] = await Promise.all([
    dimension('CampaignStage', stageValues),
    dimension('UnitType', UNIT_TYPE_IDS),
    scope.group !== undefined
      ? Promise.resolve([{ value: scope.group, count: total }])
      : dimension('SupervisorGroup', hints.groups),
  ]);
  // Rounds are few and small integers: count each until every unit in 补课 is accounted for.
  const byRemedialRound: CountBucket[] = [];
  let accounted = 0;
  for (let round = 1; accounted < remedialAny && round <= (hints.maxRemedialRound ?? 5); round++) {
    const n = await v.count(`${base} AND RemedialRound = ${round}`);
    if (n > 0) byRemedialRound.push({ value: String(round), count: n });
    accounted += n;
  }
  const stageSum = byStage.reduce((s, b) => s + b.count, 0);
  if (stageSum < total) byStage.push({ value: 'other', count: total - stageSum });
  return {
    campaignId,
    total,
    running,
    overdueUnits,
    byStage: sortBuckets(byStage),
    byUnitType: sortBuckets(byUnitType),
    byGroup: sortBuckets(byGroup),
    byRemedialRound,
    method: v.usedGroupBy ? 'group_by' : 'per_value',
    queries: v.queries,
    elapsedMs: Date.now() - t0,
  };
}

/** Last resort for a dimension with unknown values: page through the list (1000 per page). */
async function aggregateByListing(client: Client, query: string, attribute: string): Promise<CountBucket[]> {
  const counts = new Map<string, number>();
  for await (const wf of client.workflow.list({ query, pageSize: 1000 })) {
    const raw = wf.searchAttributes[attribute];
    const value = Array.isArray(raw) ? String(raw[0] ?? '') : '';
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts].map(([value, count]) => ({ value, count }));
}

const memoText = (memo: Record<string, unknown> | undefined, key: string): { [k: string]: string } => {
  const v = memo?.[key];
  return typeof v === 'string' && v !== '' ? { [key]: v } : {};
};

function unitRowOf(wf: WorkflowExecutionInfo): UnitRow {
  const sa = wf.typedSearchAttributes;
  return {
    workflowId: wf.workflowId,
    unitId: sa.get(UnitId) ?? '',
    ...memoText(wf.memo, 'unitName'),
    ...memoText(wf.memo, 'groupName'),
    unitType: sa.get(UnitType) ?? '',
    group: sa.get(SupervisorGroup) ?? '',
    stage: sa.get(CampaignStage) ?? '',
    overdueCount: Number(sa.get(OverdueCount) ?? 0),
    remedialRound: Number(sa.get(RemedialRound) ?? 0),
    status: wf.status.name,
  };
}

/** The units matching a filter, from visibility only (no query to any workflow). */
export async function listUnits(client: Client, f: UnitFilter, limit = Infinity): Promise<UnitRow[]> {
  const rows: UnitRow[] = [];
  for await (const wf of client.workflow.list({ query: unitQuery(f), pageSize: 1000 })) {
    rows.push(unitRowOf(wf));
    if (rows.length >= limit) break;
  }
  return rows.sort((a, b) => a.unitId.localeCompare(b.unitId));
}
