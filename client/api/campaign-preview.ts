/**
 * What the office sees before launching from the console: every plan error (file:line:field),
 * every roster error with its row, and per kind of unit in the roster the calendar its units would
 * get. Nothing here starts a workflow. Uploaded files are written to a private temporary folder so
 * the same readers as `campaign start` parse them; their server paths never reach the client.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startProblem } from '../../domain/schedule/start-text.js';
import { formatIssue, type PlanIssue } from '../../domain/plan/issue.js';
import { loadPlanText } from '../../domain/plan/load.js';
import { ROLES, type Plan } from '../../domain/plan/schema.js';
import { parseRosterFile, type ParsedRoster } from '../../domain/roster/parse-file.js';
import type { RosterUnit } from '../../domain/roster/types.js';
import type { CalendarYearData, DayOverride } from '../../domain/calendar/index.js';
import { buildSchedule, calendarForPlan } from '../../domain/schedule/index.js';
import { UNIT_FLAGS, UNIT_TYPES, type UnitFlag, type UnitType } from '../../domain/unit-types.js';
import { sha256Hex } from '../../activities/plan-store.js';
import type { CampaignPreview, PreviewTask, UnitKindPreview } from './wire/campaign-preview.js';

export interface UploadedFile {
  filename: string;
  bytes: Buffer;
}

export interface LaunchUpload {
  plan?: UploadedFile;
  roster?: UploadedFile;
  groups?: UploadedFile;
  start?: string;
  skipBadRows: boolean;
}

export type { CampaignPreview, PreviewTask, UnitKindPreview };

export const PLAN_MAX_BYTES = 512 * 1024;
export const ROSTER_MAX_BYTES = 5 * 1024 * 1024;

const CALENDARS: Record<string, string> = {
  cn: '中国法定工作日（含调休）',
  weekdays: '周一至周五',
  continuous: '连续计时（演示）',
};

function checkStart(start: string | undefined): string | undefined {
  if (start === undefined || start.trim() === '') return 'start：请选择活动开始日期';
  const wrong = startProblem(start);
  return wrong ? `start：${wrong}` : undefined;
}

const extOf = (name: string) => path.extname(name).toLowerCase();

/** A plan already stored under the same id with other bytes is in use by running units: never overwrite it. */
async function storedPlanConflict(
  plansDir: string,
  plan: Plan,
  bytes: Buffer,
  filename: string,
): Promise<PlanIssue | undefined> {
  const existing = await readFile(path.join(plansDir, `${plan.id}.yaml`)).catch(() => undefined);
  if (!existing || sha256Hex(existing) === sha256Hex(bytes)) return undefined;
  return {
    file: filename,
    line: 1,
    column: 1,
    path: 'id',
    message: `计划编号「${plan.id}」已有另一份内容不同的计划在用（已启动的单位按它运行，不能替换）；请给修改后的计划换一个 id`,
  };
}

export interface ParsedLaunch {
  preview: CampaignPreview;
  plan?: Plan;
  planBytes?: Buffer;
  /** Paths in the temporary folder, for the launch library. */
  rosterPath?: string;
  groupsPath?: string;
  /** unit id → 指导组 id of the roster's usable units. */
  unitGroups: Map<string, string>;
  /** The roster's usable units (logins are issued for those that start). */
  units: RosterUnit[];
  /** Replaces temporary paths in messages by the names the office uploaded. */
  clean: (message: string) => string;
  /** The holiday years the preview counted (set by the launch routes), for the start that follows. */
  calendarYears?: CalendarYearData[];
  dispose: () => Promise<void>;
}

/** Reads and checks everything; the caller must `dispose()` the temporary folder. */
export async function parseLaunchUpload(
  u: LaunchUpload,
  plansDir: string,
  /** Holiday years the office loaded: they count as covered, as they will at launch. */
  years: readonly DayOverride[] = [],
): Promise<ParsedLaunch> {
  const dir = await mkdtemp(path.join(tmpdir(), 'campaign-upload-'));
  const renames: [string, string][] = [];
  const clean = (m: string) => renames.reduce((s, [from, to]) => s.split(from).join(to), m);
  const inputErrors: string[] = [];
  const startProblem = checkStart(u.start);
  if (startProblem) inputErrors.push(startProblem);

  let plan: Plan | undefined;
  const planErrors: CampaignPreview['planErrors'] = [];
  if (!u.plan) inputErrors.push('plan：请上传活动计划（YAML 文件）');
  else if (!['.yaml', '.yml'].includes(extOf(u.plan.filename)))
    inputErrors.push(`plan：「${u.plan.filename}」不是 YAML 文件（.yaml 或 .yml）`);
  else if (u.plan.bytes.length > PLAN_MAX_BYTES)
    inputErrors.push(`plan：文件过大，计划文件不能超过 ${PLAN_MAX_BYTES / 1024} KB`);
  else {
    const r = loadPlanText(u.plan.bytes.toString('utf8'), u.plan.filename);
    if (r.ok) {
      const conflict = await storedPlanConflict(plansDir, r.plan, u.plan.bytes, u.plan.filename);
      if (conflict) planErrors.push({ ...conflict, text: formatIssue(conflict) });
      else plan = r.plan;
    } else planErrors.push(...r.issues.map((i) => ({ ...i, text: formatIssue(i) })));
  }

  let roster: ParsedRoster | undefined;
  let rosterPath: string | undefined;
  let groupsPath: string | undefined;
  if (!u.roster) inputErrors.push('roster：请上传参学单位名单（.xlsx，或 .csv 加指导组表）');
  else {
    rosterPath = path.join(dir, `roster${extOf(u.roster.filename)}`);
    renames.push([rosterPath, u.roster.filename]);
    await writeFile(rosterPath, u.roster.bytes);
    if (u.groups) {
      groupsPath = path.join(dir, `groups${extOf(u.groups.filename)}`);
      renames.push([groupsPath, u.groups.filename]);
      await writeFile(groupsPath, u.groups.bytes);
    }
    // Parsed with skipBadRows so the good rows can be previewed; every error is still reported.
    roster = await parseRosterFile(rosterPath, {
      ...(groupsPath ? { groupsPath } : {}),
      channels: plan?.channels ?? ['email'],
      skipBadRows: true,
    });
  }

  const rosterErrors = (roster?.errors ?? []).map((e) => ({ ...e, message: clean(e.message) }));
  const previews =
    plan && roster && !startProblem ? unitKindPreviews(plan, roster, u.start ?? '', years) : [];
  const rosterOk =
    roster !== undefined &&
    !roster.fatal &&
    (rosterErrors.length === 0 || u.skipBadRows) &&
    roster.units.length > 0;
  const preview: CampaignPreview = {
    ok:
      inputErrors.length === 0 &&
      planErrors.length === 0 &&
      plan !== undefined &&
      rosterOk &&
      previews.some((p) => !p.refusedReason),
    ...(plan ? { plan: planSummary(plan) } : {}),
    planErrors,
    inputErrors,
    rosterErrors,
    rosterWarnings: (roster?.warnings ?? []).map((e) => ({ ...e, message: clean(e.message) })),
    ...(roster
      ? {
          roster: {
            units: roster.unitRowCount,
            usableUnits: roster.units.length,
            rowsWithErrors: roster.rowsWithErrors,
            fatal: roster.fatal,
          },
        }
      : {}),
    previews,
  };
  return {
    preview,
    ...(plan ? { plan } : {}),
    ...(u.plan ? { planBytes: u.plan.bytes } : {}),
    ...(rosterPath ? { rosterPath } : {}),
    ...(groupsPath ? { groupsPath } : {}),
    unitGroups: new Map((roster?.units ?? []).map((x) => [x.id, x.group.id])),
    units: roster?.units ?? [],
    clean,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

function planSummary(plan: Plan): NonNullable<CampaignPreview['plan']> {
  return {
    id: plan.id,
    title: plan.title,
    stages: plan.stages.length,
    steps: plan.stages.reduce((n, s) => n + s.steps.length, 0),
    calendar: CALENDARS[plan.calendar.kind] ?? plan.calendar.kind,
    escalation: plan.escalation.levels.map(
      (l) => `${l.level} 级${l.label ? ` ${l.label}` : ''}：${l.to.map((r) => ROLES[r]).join('、')}`,
    ),
  };
}

/** One calendar per distinct (type, flags) in the roster: flags can add or drop steps. */
function unitKindPreviews(
  plan: Plan,
  roster: ParsedRoster,
  start: string,
  years: readonly DayOverride[],
): UnitKindPreview[] {
  const kinds = new Map<string, { type: UnitType; flags: UnitFlag[]; count: number }>();
  for (const u of roster.units) {
    const flags = [...u.flags].sort();
    const key = `${u.type}|${flags.join(',')}`;
    const k = kinds.get(key) ?? { type: u.type, flags, count: 0 };
    k.count += 1;
    kinds.set(key, k);
  }
  const cal = calendarForPlan(plan, years);
  return [...kinds.values()]
    .sort((a, b) => a.type.localeCompare(b.type) || a.flags.join().localeCompare(b.flags.join()))
    .map((k): UnitKindPreview => {
      const base = {
        unitType: k.type,
        unitTypeLabel: UNIT_TYPES[k.type],
        flags: k.flags,
        flagLabels: k.flags.map((f) => UNIT_FLAGS[f]),
        unitCount: k.count,
      };
      if (!plan.unitTypes.includes(k.type))
        return {
          ...base,
          refusedReason: `计划「${plan.title}」不适用于${UNIT_TYPES[k.type]}，这 ${k.count} 个单位不会启动`,
          stages: [],
          warnings: [],
        };
      try {
        const s = buildSchedule(plan, { id: 'preview', type: k.type, flags: k.flags }, start, cal);
        return {
          ...base,
          warnings: [...s.warnings],
          stages: s.stages.map((st) => ({
            stageId: st.stageId,
            title: st.title,
            opensAt: st.opensAt,
            dueAt: st.dueAt,
            afterPrevious: st.opens === 'after_previous',
            tasks: st.taskIds.flatMap((id) => {
              const t = s.tasks.find((x) => x.taskId === id);
              if (!t) return [];
              return [
                {
                  taskId: t.taskId,
                  ...(t.no !== undefined ? { no: t.no } : {}),
                  title: t.title,
                  ...(t.after
                    ? { after: t.after.map((p) => s.tasks.find((x) => x.taskId === p)?.title ?? p) }
                    : {}),
                  opensAt: t.opensAt,
                  dueAt: t.dueAt,
                  ...(t.needsReview
                    ? {
                        review: `${ROLES[t.reviewer ?? 'supervisor_group']}审查${t.checklist ? `（${t.checklist.title}）` : ''}`,
                      }
                    : {}),
                  reminders: t.reminders.map((r) => ({ at: r.at, label: r.label })),
                  escalations: t.escalations.map((e) => ({ level: e.level, at: e.at, label: e.label })),
                },
              ];
            }),
          })),
        };
      } catch (e) {
        return { ...base, refusedReason: `无法排出日程：${(e as Error).message}`, stages: [], warnings: [] };
      }
    });
}
