/**
 * Launching a campaign (`campaign start`, the console's start): validate the plan and the roster,
 * then start one workflow per unit. Starting
 * is idempotent because the workflow id is derived from campaign and unit and the server refuses
 * a second start of the same id (including one that already finished).
 */
import { readFile } from 'node:fs/promises';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { sha256Hex } from '../activities/plan-store.js';
import { formatIssue } from '../domain/plan/issue.js';
import { loadPlanFile } from '../domain/plan/load-file.js';
import type { Plan } from '../domain/plan/schema.js';
import { calendarYearsDays, type CalendarYearData } from '../domain/calendar/index.js';
import { buildSchedule, calendarForPlan, missingHolidayYearWarning } from '../domain/schedule/index.js';
import { parseRosterFile } from '../domain/roster/parse-file.js';
import { startProblem } from '../domain/schedule/start-text.js';
import type { RosterError, RosterUnit } from '../domain/roster/types.js';
import { UNIT_TYPES } from '../domain/unit-types.js';
import { unitWorkflowId } from '../workflows/ids.js';
import {
  CampaignId,
  CampaignStage,
  OverdueCount,
  RemedialRound,
  SupervisorGroup,
  UnitId,
  UnitType,
} from '../workflows/search-attributes.js';
import { UNIT_CAMPAIGN_WORKFLOW_TYPE, type UnitCampaignInput } from '../workflows/unit-campaign/messages.js';
import type { LaunchedCampaign, UnitLaunchOutcome } from '../client/api/wire/launch.js';
import { mapLimit } from './concurrency.js';
import { campaignUnitOf, DEFAULT_OFFICE, type Office } from './people.js';

/** Stage shown for a unit whose workflow has not yet published its first stage. */
const STARTING_STAGE = 'starting';

export interface LaunchOptions {
  planPath: string;
  rosterPath: string;
  groupsPath?: string;
  campaignId: string;
  /** ISO date or instant. */
  start: string;
  skipBadRows?: boolean;
  taskQueue: string;
  office?: Office;
  concurrency?: number;
  onUnitDone?: () => void;
  /** Holiday years the office loaded (app/calendar): every unit starts with them, and they count as covered. */
  calendarYears?: readonly CalendarYearData[];
  /** Called once the inputs are known, before any workflow starts (progress bars size themselves). */
  onPlanned?: (units: number) => void;
}

export type { UnitLaunchOutcome };

export type LaunchResult =
  { ok: false; stage: 'input'; errors: string[]; rosterErrors?: RosterError[] } | LaunchedCampaign;

const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function unitInput(
  plan: Plan,
  planSha: string,
  unit: RosterUnit,
  o: { campaignId: string; start: string; office: Office; calendarYears?: readonly CalendarYearData[] },
): UnitCampaignInput {
  return {
    campaignId: o.campaignId,
    campaignTitle: plan.title,
    planRef: { id: plan.id, sha256: planSha },
    unit: campaignUnitOf(unit),
    office: o.office,
    start: o.start,
    ...(o.calendarYears && o.calendarYears.length > 0 ? { calendarYears: [...o.calendarYears] } : {}),
  };
}

export async function launchCampaign(client: Client, o: LaunchOptions): Promise<LaunchResult> {
  const t0 = Date.now();
  const errors: string[] = [];
  if (!CAMPAIGN_ID.test(o.campaignId))
    errors.push(
      `--campaign：「${o.campaignId}」不是有效的活动编号（字母或数字开头，可含字母、数字、点、横线、下划线，最长 64 位）`,
    );
  const startWrong = startProblem(o.start);
  if (startWrong) errors.push(`--start：${startWrong}`);
  const loaded = await loadPlanFile(o.planPath);
  if (!loaded.ok) {
    errors.push(...loaded.issues.map((i) => `--plan：${formatIssue(i)}`));
    return { ok: false, stage: 'input', errors };
  }
  const plan = loaded.plan;
  const planSha = sha256Hex(await readFile(o.planPath));
  const roster = await parseRosterFile(o.rosterPath, {
    ...(o.groupsPath ? { groupsPath: o.groupsPath } : {}),
    channels: plan.channels,
    skipBadRows: o.skipBadRows ?? false,
  });
  if (!roster.usable) {
    errors.push(...roster.errors.map((e) => `名单：${e.message}`));
    if (!o.skipBadRows && !roster.fatal)
      errors.push('名单有错误，没有启动任何单位。改正后重新运行，或加 --skip-bad-rows 跳过有错误的行');
    return { ok: false, stage: 'input', errors, rosterErrors: roster.errors };
  }
  if (errors.length > 0) return { ok: false, stage: 'input', errors };

  const office = o.office ?? DEFAULT_OFFICE;
  o.onPlanned?.(roster.units.length);
  const units = await mapLimit(roster.units, o.concurrency ?? 32, async (u): Promise<UnitLaunchOutcome> => {
    try {
      if (!plan.unitTypes.includes(u.type)) {
        return {
          unitId: u.id,
          unitName: u.name,
          outcome: 'refused',
          reason: `方案「${plan.title}」不适用于${UNIT_TYPES[u.type]}（名单第 ${u.sourceRow} 行）`,
        };
      }
      await client.workflow.start(UNIT_CAMPAIGN_WORKFLOW_TYPE, {
        workflowId: unitWorkflowId(o.campaignId, u.id),
        taskQueue: o.taskQueue,
        args: [
          unitInput(plan, planSha, u, {
            campaignId: o.campaignId,
            start: o.start,
            office,
            ...(o.calendarYears ? { calendarYears: o.calendarYears } : {}),
          }),
        ],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // Names travel with visibility lists, so a board shows them without querying each unit.
        memo: { unitName: u.name, groupName: u.group.name },
        // Set at start so dashboards count the unit before its first workflow task runs.
        typedSearchAttributes: [
          { key: CampaignId, value: o.campaignId },
          { key: UnitId, value: u.id },
          { key: UnitType, value: u.type },
          { key: SupervisorGroup, value: u.group.id },
          { key: CampaignStage, value: STARTING_STAGE },
          { key: OverdueCount, value: 0 },
          { key: RemedialRound, value: 0 },
        ],
      });
      return { unitId: u.id, unitName: u.name, outcome: 'started' };
    } catch (e) {
      if (e instanceof WorkflowExecutionAlreadyStartedError)
        return { unitId: u.id, unitName: u.name, outcome: 'already_running' };
      return {
        unitId: u.id,
        unitName: u.name,
        outcome: 'refused',
        reason: `启动失败：${(e as Error).message}`,
      };
    } finally {
      o.onUnitDone?.();
    }
  });
  const count = (k: UnitLaunchOutcome['outcome']) => units.filter((u) => u.outcome === k).length;
  const missingYears = new Set<number>();
  const cal = calendarForPlan(plan, calendarYearsDays(o.calendarYears));
  for (const type of new Set(roster.units.map((u) => u.type))) {
    if (!plan.unitTypes.includes(type)) continue;
    for (const y of buildSchedule(plan, { id: 'probe', type, flags: [] }, o.start, cal).missingHolidayYears)
      missingYears.add(y);
  }
  return {
    ok: true,
    campaignId: o.campaignId,
    planId: plan.id,
    planTitle: plan.title,
    started: count('started'),
    alreadyRunning: count('already_running'),
    refused: count('refused'),
    units,
    rosterErrors: roster.errors,
    skippedRows: roster.rowsWithErrors,
    calendarWarnings: [...missingYears].sort().map(missingHolidayYearWarning),
    elapsedMs: Date.now() - t0,
  };
}
