/**
 * History events per unit lifecycle, measured on the time-skipping server with the real
 * notification activity (`npx tsx bench/workflow-history.bench.ts`).
 *  - happy path: town_office plan, every task done on its due day, reviews approved at once;
 *  - worst case: every task left until its last escalation level has repeated once, every review
 *    returned once, three 补课 rounds (plan edited to allow three), failing to the office.
 * Reports events of each run (continue-as-new splits a lifecycle into runs) and the total.
 */
import { WorkflowNotFoundError, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { unitWorkflowId } from '../workflows/ids.js';
import {
  recordSurveyUpdate,
  reviewDeliverableUpdate,
  statusQuery,
  submitDeliverableUpdate,
} from '../workflows/unit-campaign/messages.js';
import { unitCampaignWorkflow } from '../workflows/unit-campaign/workflow.js';
import {
  FILE_REF,
  PEOPLE,
  campaignInput,
  scheduleFor,
  sleepUntil,
  startHarness,
  writeRelativePlan,
} from '../test/workflow/unit-campaign/support.js';
import { doEveryTaskOnTime } from '../test/workflow/unit-campaign/on-time.js';

const HOUR = 3_600_000;
const h = await startHarness();

async function eventsPerRun(handle: WorkflowHandleWithFirstExecutionRunId): Promise<number[]> {
  const counts: number[] = [];
  let runId: string | undefined = handle.firstExecutionRunId;
  while (runId) {
    const hist: Awaited<ReturnType<WorkflowHandleWithFirstExecutionRunId['fetchHistory']>> =
      await h.env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    counts.push(hist.events?.length ?? 0);
    const next: string | null | undefined =
      hist.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    runId = next ?? undefined;
  }
  return counts;
}

async function happy(): Promise<number[]> {
  const plan = await writeRelativePlan(h.plansDir, 'town_office', 'bench_happy');
  const input = await campaignInput(h, 'bench_happy', 'bench-happy');
  const schedule = scheduleFor(plan, input);
  const handle = await h.env.client.workflow.start(unitCampaignWorkflow, {
    taskQueue: h.taskQueue,
    workflowId: unitWorkflowId('bench-happy', 'dawei'),
    args: [input],
  });
  await doEveryTaskOnTime(h.env, handle, schedule);
  await handle.result();
  return eventsPerRun(handle);
}

async function worst(): Promise<number[]> {
  await writeRelativePlan(h.plansDir, 'town_office', 'bench_worst', (doc) =>
    doc.setIn(['satisfaction', 'maxRemedialRounds'], 3),
  );
  const input = await campaignInput(h, 'bench_worst', 'bench-worst');
  const handle = await h.env.client.workflow.start(unitCampaignWorkflow, {
    taskQueue: h.taskQueue,
    workflowId: unitWorkflowId('bench-worst', 'dawei'),
    args: [input],
  });
  const repeatMs = 8 * 24 * HOUR;
  const submit = (taskId: string) =>
    handle.executeUpdate(submitDeliverableUpdate, {
      args: [{ taskId, submittedBy: PEOPLE.liaison, summary: '已完成', fileRefs: [FILE_REF] }],
    });
  const bad = {
    by: PEOPLE.reviewer,
    satisfied: 10,
    basicallySatisfied: 20,
    dissatisfied: 70,
    respondents: 100,
    method: '随机抽样' as const,
  };
  for (let guard = 0; guard < 400; guard++) {
    let s;
    try {
      s = await handle.query(statusQuery);
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) break;
      throw e;
    }
    if (s.phase === 'completed') break;
    if (process.env.BENCH_VERBOSE)
      console.log(
        guard,
        s.stage,
        s.tasks
          .filter((t) => t.status !== 'done' && t.status !== 'waived')
          .map((t) => `${t.taskId}:${t.status}`)
          .join(' '),
      );
    const open = s.tasks.filter(
      (t) => t.status === 'open' || t.status === 'returned' || t.status === 'submitted',
    );
    const ripe = open.filter(
      (t) =>
        t.status === 'submitted' || s.openEscalations.some((e) => e.taskId === t.taskId && e.repeats >= 1),
    );
    if (ripe.length === 0) {
      const next = Math.min(
        ...open.map((t) => Date.parse(t.dueAt)),
        ...s.stages.filter((x) => x.status === 'pending').map((x) => Date.parse(x.opensAt)),
      );
      const now = await h.env.currentTimeMs();
      await sleepUntil(
        h.env,
        Math.max(now + HOUR, Number.isFinite(next) ? next + repeatMs + 30 * 24 * HOUR : now + 30 * 24 * HOUR),
      );
      continue;
    }
    const handled = new Set<string>();
    for (const t of ripe) {
      if (handled.has(t.taskId)) continue;
      handled.add(t.taskId);
      if (t.status === 'submitted') {
        await handle.executeUpdate(reviewDeliverableUpdate, {
          args: [
            {
              taskId: t.taskId,
              reviewedBy: PEOPLE.reviewer,
              decision: t.returns === 0 ? 'return' : 'approve',
              reasons: ['材料不全'],
            },
          ],
        });
      } else if (t.kind === 'satisfaction_survey') {
        const pending = s.tasks.filter(
          (x) =>
            x.origin === 'remedial' &&
            x.kind !== 'satisfaction_survey' &&
            x.status !== 'done' &&
            x.status !== 'waived',
        );
        for (const p of pending.filter((x) => !handled.has(x.taskId))) {
          handled.add(p.taskId);
          await submit(p.taskId);
        }
        await handle.executeUpdate(recordSurveyUpdate, { args: [bad] });
      } else await submit(t.taskId);
    }
  }
  await handle.result();
  return eventsPerRun(handle);
}

process.on('unhandledRejection', (e) =>
  console.error('rejection', (e as { cause?: Error }).cause?.message ?? e),
);
try {
  const hp = await happy();
  console.log(
    `happy path (town_office, on time): runs ${hp.join(' + ')} = ${hp.reduce((a, b) => a + b, 0)} events`,
  );
  const wc = await worst();
  console.log(
    `worst case (every task through every level + one repeat, every review returned once, 3 补课 rounds): runs ${wc.join(' + ')} = ${wc.reduce((a, b) => a + b, 0)} events; largest run ${Math.max(...wc)}`,
  );
} catch (e) {
  console.error('bench error:', (e as { cause?: Error }).cause?.message ?? e);
} finally {
  await h.close();
}
