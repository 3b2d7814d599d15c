/**
 * One durable workflow per unit: loads its plan, computes its schedule and carries it through
 * the campaign. All decisions live in state.ts; this file only wires time, messages and the
 * notification activity to it, with a single timer for whatever is due next.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../../activities/index.js';
import { calendarYearsDays } from '../../domain/calendar/index.js';
import type { FailureType } from '../../domain/failures.js';
import type { Plan } from '../../domain/plan/schema.js';
import { recipientsFor, type UnitContacts } from '../../domain/routing/recipients.js';
import { quietHoursFor } from '../../domain/routing/quiet-spec.js';
import { buildSchedule, calendarForPlan, missingHolidayYearWarning } from '../../domain/schedule/index.js';
import {
  CampaignId,
  CampaignStage,
  OverdueCount,
  RemedialRound,
  SupervisorGroup,
  UnitId,
  UnitType,
} from '../search-attributes.js';
import {
  OPERATIONS,
  UNIT_OPERATIONS,
  cancelSignal,
  refreshStatusUpdate,
  statusQuery,
  updateCalendarUpdate,
  type Operation,
  type OperationRequests,
  type UnitCampaignInput,
  type UnitCampaignResult,
  type UpdateAck,
} from './messages.js';
import { problemNotes, reachedAnyone } from './delivery-problems.js';
import { workflowClock } from './logical-clock.js';
import { statusPublisher, statusRecord } from './status-publisher.js';
import { OPERATION_RULES, validateOperation } from './operations.js';
import { validateCalendarYear } from './validators.js';
import * as S from './state.js';

const DEFAULT_HISTORY_EVENT_LIMIT = 8000;
const RETRY_FAILED_DELIVERY_MS = 60 * 60 * 1000;
/** Runs from before this change counted every finished notification as sent and noted no delivery problems. */
const NOTE_DELIVERY_PROBLEMS = 'note-delivery-problems';
/** Runs from before this change computed run-time deadlines of timeScale plans in real time. */
const PLAN_TIME_DEADLINES = 'plan-time-deadlines';
/** Steps with `after` open when their predecessors finish; a `duration` counts from then. */
const STEP_ORDER = 'step-order';
/** Runs from before this change decided by the activation's clock (see logical-clock.ts). */
const LOGICAL_CLOCK = 'logical-clock';
/** Runs from before this change told nobody of a submission and gave reviews no time limit. */
const REVIEW_LOOP = 'review-loop';
/** Runs from before this change could not take 延期申请 (requestExtension, decideExtension). */
const EXTENSION_REQUEST = 'extension-request';
/**
 * Marks where a holiday year first arrived by Update. Every run takes the Update when it comes (old
 * runs too: that is the point); the marker keeps replays of the same history on the same path.
 */
const CALENDAR_UPDATE = 'calendar-update';

const { loadPlan } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5 },
});

const { deliverNotifications } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  // The batch heartbeats every 2 s (activities/campaign-notify.ts): a batch on a killed worker is
  // retried about 12 s later, not minutes, so due notifications stay on time across a restart.
  // (Activity options are not part of replay: changing them needs no patch.)
  heartbeatTimeout: '10 seconds',
  // Bounded: a mail server down for hours must not freeze the unit's timers; the items stay in
  // the outbox and are tried again later with the same ids.
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 14,
  },
});

/** Asked only for compressed plans, so histories of real-time plans carry no marker at all. */
function setRunTimeScale(c: S.Ctx): void {
  if (c.timeScale) c.runTimeInPlanTime = patched(PLAN_TIME_DEADLINES);
  // Likewise only for plans whose steps say `after`: no plan before this change could.
  if (c.plan.stages.some((st) => st.steps.some((t) => t.after !== undefined)))
    c.stepOrder = patched(STEP_ORDER);
}

export async function unitCampaignWorkflow(input: UnitCampaignInput): Promise<UnitCampaignResult> {
  // Filled once the plan is loaded; handlers registered before that wait for it.
  const live: { ctx?: S.Ctx; state?: S.CampaignState } = {};
  let changed = false;
  const clock = workflowClock(patched(LOGICAL_CLOCK));
  // Decided once, at the run's first activation: a run that replays from before keeps the old behaviour for good.
  const reviewLoop = patched(REVIEW_LOOP);
  const extensionRequests = patched(EXTENSION_REQUEST);
  const now = (): number => clock.now();
  // Built once the context exists; Updates that arrive earlier wait for the state before publishing.
  let publishStatus: (force?: boolean) => Promise<void> = async () => {};

  /** Handlers are registered before the plan loads; an Update arriving that early waits for it. */
  /** `apply` returns the id of a task it created (gap, ad-hoc item) or acted on when the request names none. */
  function register<Req>(
    def: UpdateDefinition<UpdateAck, [Req]>,
    validate: (c: S.Ctx, s: S.CampaignState, req: unknown) => string[],
    apply: (c: S.Ctx, s: S.CampaignState, req: Req) => string | void,
  ): void {
    const check = (c: S.Ctx, s: S.CampaignState, req: Req) => {
      const problems = validate(c, s, req);
      if (problems.length > 0)
        throw ApplicationFailure.nonRetryable(
          problems.join('；'),
          'Rejected' satisfies FailureType,
          problems,
        );
    };
    setHandler(
      def,
      async (req: Req): Promise<UpdateAck> => {
        clock.updateArrived();
        await condition(() => live.state !== undefined);
        const { ctx, state } = live as Required<typeof live>;
        // Validated again: the state may have moved between the validator and this point.
        check(ctx, state, req);
        const acted = apply(ctx, state, req);
        changed = true;
        const named = (req as { taskId?: unknown }).taskId;
        const ack = S.ackOf(state, acted ?? (typeof named === 'string' ? named : undefined));
        // Answered once the read model shows the change: whoever sent it reads their own write.
        await publishStatus();
        return ack;
      },
      {
        validator: (req: Req) => {
          if (live.ctx && live.state) check(live.ctx, live.state, req);
        },
      },
    );
  }

  for (const op of OPERATIONS) registerOperation(op);
  function registerOperation<Op extends Operation>(op: Op): void {
    const def = UNIT_OPERATIONS[op].update as unknown as UpdateDefinition<UpdateAck, [OperationRequests[Op]]>;
    const rule = OPERATION_RULES[op];
    register(
      def,
      (c, s, r) => validateOperation(op, c, input, s, r, clock.peek()),
      (c, s, r) => rule.apply(c, s, r, now()),
    );
  }
  setHandler(cancelSignal, (req) => {
    // A signal cannot be refused: an invalid one is only recorded.
    const state = live.state;
    if (!state) return;
    const problems = live.ctx ? validateOperation('cancel', live.ctx, input, state, req, now()) : [];
    if (problems.length > 0) S.note(state, now(), 'rejected', `撤销信号无效：${problems.join('；')}`);
    else S.cancel(state, req.reason, now());
    changed = true;
  });
  setHandler(refreshStatusUpdate, async () => {
    clock.updateArrived();
    await condition(() => live.state !== undefined);
    await publishStatus(true);
  });
  setHandler(
    updateCalendarUpdate,
    async (req) => {
      clock.updateArrived();
      await condition(() => live.state !== undefined);
      const { ctx, state } = live as Required<typeof live>;
      if (!patched(CALENDAR_UPDATE)) return { applied: false, moved: 0 };
      const result = S.applyCalendarYear(ctx, state, req, now());
      changed = true;
      await publishStatus();
      return result;
    },
    {
      validator: (req) => {
        const problems = validateCalendarYear(req);
        if (problems.length > 0)
          throw ApplicationFailure.nonRetryable(
            problems.join('；'),
            'Rejected' satisfies FailureType,
            problems,
          );
      },
    },
  );
  // Diagnostics only (the Temporal UI, `temporal workflow query`): the product reads the read model.
  setHandler(statusQuery, () => {
    if (!live.ctx || !live.state) throw new Error('本单位活动正在启动，请稍后再查询');
    return S.statusOf(live.ctx, live.state, now());
  });

  // A previous run's state, upgraded to the version this code works with.
  const carried = input.carried
    ? S.upgradeCarried(input.carried as { plan: Plan; state: unknown })
    : undefined;
  const plan = carried?.plan ?? (await loadPlan(input.planRef));
  // Holiday years loaded by the office: carried by a previous run, or given at launch.
  const years = carried ? carried.state.calendarYears : input.calendarYears;
  const cal = calendarForPlan(plan, calendarYearsDays(years));
  const unit = { id: input.unit.id, type: input.unit.type, flags: input.unit.flags };
  const c: S.Ctx = {
    plan,
    cal,
    timeScale: null,
    unit,
    features: { reviewLoop, extensionRequests },
    officeIds: input.office.members.map((m) => m.id),
    start: input.start,
    campaignId: input.campaignId,
    campaignTitle: input.campaignTitle,
    unitName: input.unit.name,
    groupName: input.unit.group.name,
    ...(input.unit.pairedAgency ? { pairedAgencyName: input.unit.pairedAgency.name } : {}),
  };
  let st: S.CampaignState;
  if (carried) {
    st = carried.state;
    st.run += 1;
    c.timeScale = buildSchedule(plan, unit, input.start, cal).timeScale;
    setRunTimeScale(c);
  } else {
    const schedule = buildSchedule(plan, unit, input.start, cal);
    c.timeScale = schedule.timeScale;
    setRunTimeScale(c);
    st = S.initialState(c, schedule, now());
    if (input.calendarYears && input.calendarYears.length > 0) st.calendarYears = [...input.calendarYears];
    // Said on the unit's own timeline too: its deadlines in such a year may fall on a public holiday.
    for (const y of schedule.missingHolidayYears)
      S.note(st, now(), 'calendar_gap', missingHolidayYearWarning(y));
    S.advance(c, st, now());
  }
  live.ctx = c;
  live.state = st;
  const publisher = statusPublisher((seq) => statusRecord(c, st, input, now(), seq));
  publishStatus = (force) => publisher.publish(force);

  let lastAttributes = '';
  function publish(): void {
    const attrs = {
      stage: S.stageLabel(st),
      overdue: S.overdueCount(st, now()),
      round: st.remedialRound,
    };
    const key = JSON.stringify(attrs);
    if (key === lastAttributes) return;
    lastAttributes = key;
    upsertSearchAttributes([
      { key: CampaignId, value: input.campaignId },
      { key: UnitId, value: input.unit.id },
      { key: UnitType, value: input.unit.type },
      { key: SupervisorGroup, value: input.unit.group.id },
      { key: CampaignStage, value: attrs.stage },
      { key: OverdueCount, value: attrs.overdue },
      { key: RemedialRound, value: attrs.round },
    ]);
  }

  const contacts: UnitContacts = {
    ...input.unit,
    office: input.office,
    districtLeader: input.districtLeader,
  };
  // Once per batch rather than per item: the same for every message of this unit.
  const quietHours = quietHoursFor(plan);

  async function drain(): Promise<void> {
    const due = st.outbox.filter((o) => !o.notBefore || Date.parse(o.notBefore) <= now());
    if (due.length === 0) return;
    const inputs = due.map((o) => ({
      notificationId: o.id,
      event: o.event,
      facts: o.facts,
      recipients: recipientsFor([...o.to, ...o.cc], contacts),
      channels: [...o.channels],
      ...(o.ignoreQuietHours ? { ignoreQuietHours: true } : {}),
    }));
    let results: Awaited<ReturnType<typeof deliverNotifications>>;
    try {
      results = await deliverNotifications(inputs, { quietHours });
      for (const r of results) if (r.settledAt) clock.activitySettled(Date.parse(r.settledAt));
    } catch (e) {
      if (isCancellation(e)) throw e;
      log.warn('notifications failed after retries; trying again later', { count: due.length });
      const later = new Date(now() + RETRY_FAILED_DELIVERY_MS).toISOString();
      for (const o of due) o.notBefore = later;
      return;
    }
    const byId = new Map(results.map((r) => [r.notificationId, r]));
    for (const o of due) {
      const r = byId.get(o.id);
      const deferUntil = r?.report?.deferUntil;
      if (deferUntil && Date.parse(deferUntil) > now()) {
        o.notBefore = deferUntil;
        continue;
      }
      st.outbox = st.outbox.filter((x) => x !== o);
      if (r?.error) {
        S.note(st, now(), 'notify_failed', `通知 ${o.event} 无法发送：${r.error}`);
        continue;
      }
      const report = r?.report;
      const notes = report ? problemNotes(o.event, report) : [];
      if (report && notes.length > 0 && patched(NOTE_DELIVERY_PROBLEMS)) {
        // Repeats of one failure (a malformed number fails every reminder) keep a single note.
        for (const n of notes) S.noteOnce(st, now(), n.kind, n.text);
        if (reachedAnyone(report)) st.sent += 1;
      } else st.sent += 1;
    }
  }

  const limit = input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT;
  let idle = 0;
  let cancelledByTemporal = false;
  try {
    for (;;) {
      // Reset before anything awaits: a message arriving during the drain must still wake the wait below.
      changed = false;
      await drain();
      if (st.phase === 'completed' || st.phase === 'cancelled') break;
      publish();
      await publishStatus();
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength > limit) {
        // Accepted Updates finish in this run; the next run starts from the full state.
        await condition(allHandlersFinished);
        await drain();
        await publishStatus();
        const next: S.Carried = { plan, state: st };
        await continueAsNew<typeof unitCampaignWorkflow>({ ...input, carried: next });
      }
      const at = S.nextDueAt(c, st);
      if (at === undefined) await condition(() => changed);
      else {
        const from = now();
        const wait = at - from;
        // A due item that advance() could not consume must not spin the loop.
        idle = wait > 0 ? 0 : idle + 1;
        if (wait > 0 || idle > 3) {
          const timeout = Math.max(wait, idle > 3 ? 60_000 : 0);
          if (!(await condition(() => changed, timeout))) clock.timerFired(from + timeout);
        }
      }
      S.advance(c, st, now());
    }
  } catch (e) {
    if (!isCancellation(e)) throw e;
    // Cancelling the workflow ends it cleanly with a cancelled result, like the cancel Update.
    cancelledByTemporal = true;
    S.cancel(st, 'Temporal 取消请求', now());
  }
  publish();
  if (!cancelledByTemporal) {
    if (st.phase !== 'cancelled') await drain();
    await condition(allHandlersFinished);
  }
  await CancellationScope.nonCancellable(() => publishStatus());
  return S.resultOf(c, st, now());
}
