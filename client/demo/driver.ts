/**
 * The people of the demo campaign, simulated: liaisons that submit on time, late or very late, a
 * 指导组 that reviews (and returns one unit's plan once), and an office that records each unit's
 * survey (one unit's mostly 不满意, which opens the 补课 loop). It decides from each unit's status
 * alone, so a restarted demo carries on where it was.
 */
import type { CampaignServices } from '../../app/services.js';
import { runOperation, unitStatus } from '../../app/unit-operations.js';
import { UNIT_TYPE_IDS } from '../../domain/unit-types.js';
import type {
  Operation,
  OperationRequests,
  TaskView,
  UnitCampaignStatus,
} from '../../workflows/unit-campaign/messages.js';

export type Habit = 'on_time' | 'late' | 'very_late';

export interface DemoUnit {
  unitId: string;
  groupId: string;
  habit: Habit;
  /** Its first 实施方案 is returned by the 指导组 with reasons. */
  returnedOnce?: boolean;
  /** Its first survey comes back mostly 不满意 → 补课. */
  unhappySurvey?: boolean;
  /** Its 指导组 sits on its 实施方案 past the 审查时限: reminded, then the 组长 is told (plans/demo.yaml review.within). */
  slowReview?: boolean;
}

/** How the people reach the campaign: the service layer (the demo), or the HTTP API (the fault campaign). */
export interface DriverOps {
  status(unitId: string): Promise<UnitCampaignStatus>;
  run<Op extends Operation>(unitId: string, op: Op, request: OperationRequests[Op]): Promise<unknown>;
}

export function serviceOps(svc: CampaignServices, campaignId: string): DriverOps {
  return {
    status: (unitId) => unitStatus(svc, campaignId, unitId),
    run: (unitId, op, request) => runOperation(svc, campaignId, unitId, op, request),
  };
}

export interface DriverOptions {
  /** Either the service layer or `ops`. */
  svc?: CampaignServices;
  ops?: DriverOps;
  campaignId: string;
  units: DemoUnit[];
  officePersonId: string;
  log(line: string): void;
  everyMs?: number;
  /** Log only what is worth watching (returns, late work, surveys), not every on-time step. */
  quiet?: boolean;
}

const ms = (iso: string) => new Date(iso).getTime();
/** After the 指导组督办 (30 s) for late units; after the 通报 (45 s) for very late ones (plans/demo.yaml). */
const DELAY_AFTER_DUE: Record<Habit, number> = { on_time: -Infinity, late: 33_000, very_late: 50_000 };

export function startDriver(o: DriverOptions): { stop(): Promise<void> } {
  if (!o.ops && !o.svc) throw new Error('startDriver: svc or ops');
  const ops = o.ops ?? serviceOps(o.svc!, o.campaignId);
  let stopped = false;
  const seenSubmitted = new Map<string, number>();
  const inFlight = new Set<string>();

  const act = async (key: string, what: string, run: () => Promise<unknown>, notable = true) => {
    if (inFlight.has(key)) return;
    inFlight.add(key);
    try {
      await run();
      if (notable || !o.quiet) o.log(what);
    } catch (e) {
      // The workflow may have moved on between the status read and the Update (e.g. a deadline
      // passed): the next round decides again from the new status.
      const msg = (e as Error).message;
      if (!/已|不是|状态/.test(msg)) o.log(`（模拟操作未成功：${what}：${msg}）`);
    } finally {
      inFlight.delete(key);
    }
  };

  const onUnit = async (u: DemoUnit, s: UnitCampaignStatus, now: number) => {
    if (s.phase !== 'running') return;
    const name = s.unitName;
    for (const t of s.tasks) {
      const key = `${u.unitId}/${t.taskId}/${t.submissions}/${t.status}`;
      if (t.status === 'submitted' && t.needsReview) {
        const since = seenSubmitted.get(key) ?? now;
        seenSubmitted.set(key, since);
        // A slow 指导组 waits past the 审查时限 (20 s) and the 组长's 审查督办 (10 s later).
        const slow = u.slowReview && t.taskId.includes('implementation_plan') && t.returns === 0;
        if (now - since < (slow ? 33_000 : 6_000)) continue;
        const reviewer = `${u.groupId}-m1`;
        if (u.returnedOnce && t.returns === 0 && t.taskId.includes('implementation_plan')) {
          await act(key, `指导组退回 ${name}「${t.title}」（征求意见范围不广）`, () =>
            ops.run(u.unitId, 'review', {
              taskId: t.taskId,
              reviewedBy: reviewer,
              decision: 'return',
              reasons: ['征求意见范围不广，只征求了机关干部的意见', '整改时限没有写明，请补充后重新报送'],
            }),
          );
        } else {
          const what = `指导组审查通过 ${name}「${t.title}」${slow ? '（超过审查时限，组长督办后）' : ''}`;
          await act(
            key,
            what,
            () =>
              ops.run(u.unitId, 'review', {
                taskId: t.taskId,
                reviewedBy: reviewer,
                decision: 'approve',
              }),
            t.returns > 0 || slow,
          );
        }
        continue;
      }
      if (t.status !== 'open' && t.status !== 'returned') continue;
      if (t.kind === 'satisfaction_survey') {
        if (now - ms(t.opensAt) < 5_000) continue;
        const unhappy = u.unhappySurvey && s.remedialRound === 0;
        const counts = unhappy
          ? { satisfied: 8, basicallySatisfied: 12, dissatisfied: 40 }
          : { satisfied: 38, basicallySatisfied: 17, dissatisfied: 5 };
        await act(
          key,
          `活动办录入 ${name} 满意度测评：不满意 ${counts.dissatisfied}/60${unhappy ? ' → 补课' : ''}`,
          () =>
            ops.run(u.unitId, 'survey', {
              by: o.officePersonId,
              ...counts,
              respondents: 60,
              method: '无记名投票',
            }),
        );
        continue;
      }
      if (!dueForSubmission(u, t, now)) continue;
      const again = t.status === 'returned' ? '修改后重新' : '';
      const late = now > ms(t.dueAt);
      await act(
        key,
        `${name} ${again}报送「${t.title}」${late ? '（逾期）' : ''}`,
        () =>
          ops.run(u.unitId, 'submit', {
            taskId: t.taskId,
            submittedBy: `${u.unitId}-liaison`,
            summary:
              t.status === 'returned'
                ? '已按指导组意见修改：扩大征求意见范围，写明整改时限'
                : `${t.title}：已完成，材料见附件`,
            fileRefs: [],
          }),
        late || t.status === 'returned' || t.origin !== 'plan' || t.gap,
      );
    }
  };

  const round = async () => {
    const now = Date.now();
    await Promise.all(
      o.units.map(async (u) => {
        try {
          await onUnit(u, await ops.status(u.unitId), now);
        } catch {
          // not started yet, or finished: nothing to do for this unit this round
        }
      }),
    );
  };

  const loop = (async () => {
    while (!stopped) {
      await round();
      await new Promise((r) => setTimeout(r, o.everyMs ?? 2_000));
    }
  })();
  return {
    async stop() {
      stopped = true;
      // A round may be waiting on a server that is already gone: do not wait for it.
      await Promise.race([loop, new Promise((r) => setTimeout(r, 2_000))]);
    },
  };
}

function dueForSubmission(u: DemoUnit, t: TaskView, now: number): boolean {
  // Everyone answers 回头看 gaps, 补课 and returns quickly: that is what the loops are for.
  if (t.gap || t.origin !== 'plan' || t.status === 'returned')
    return now - ms(t.opensAt) > 4_000 || t.status === 'returned';
  if (u.habit === 'on_time') return now - ms(t.opensAt) > 3_000 + (hash(u.unitId + t.taskId) % 8_000);
  return now > ms(t.dueAt) + DELAY_AFTER_DUE[u.habit];
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/** Who does what: most on time, some late, some very late; U01's plan is returned once; U02's survey is mostly 不满意; U03's review waits past its limit. */
export function demoHabits(unitIds: string[]): Omit<DemoUnit, 'groupId'>[] {
  const cycle: Habit[] = ['on_time', 'on_time', 'late', 'on_time', 'very_late'];
  return unitIds.map((id, i) => ({
    unitId: id,
    habit: cycle[i % cycle.length]!,
    ...(id === 'U01' ? { returnedOnce: true } : {}),
    ...(id === 'U02' ? { unhappySurvey: true } : {}),
    ...(id === 'U03' ? { slowReview: true } : {}),
  }));
}

/**
 * plans/demo.yaml is the 镇机关 plan compressed; the demo roster has every unit type, so the demo
 * runs that same compressed flow for all of them (a copy whose unitTypes lists every type).
 */
export function widenDemoPlan(text: string): string {
  const widened = text.replace(/^unitTypes: \[.*\]$/m, `unitTypes: [${UNIT_TYPE_IDS.join(', ')}]`);
  if (widened === text) throw new Error('plans/demo.yaml 中找不到 unitTypes 一行，无法生成演示用计划');
  return `# 演示用：plans/demo.yaml 的副本，适用于所有单位类型（由 npm start 生成）\n${widened}`;
}
