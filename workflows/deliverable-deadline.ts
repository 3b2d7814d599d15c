import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

// The foundation's thin slice: one unit, one deliverable, one deadline. It proves worker, client,
// activities and the time-skipping harness together; the unit campaign workflow generalises it.

export interface Contact {
  id: string;
  name: string;
  email: string;
}

export interface DeliverableDeadlineInput {
  campaignId: string;
  unit: { id: string; name: string; liaison: Contact; head: Contact; supervisors: Contact[] };
  task: { id: string; title: string; dueAt: string };
  /** How long before the deadline the liaison is reminded. */
  remindBeforeMs: number;
  /** How long after the deadline the unit head and 指导组 are told it is overdue. */
  escalateAfterMs: number;
  timeZone: string;
}

export interface SubmitDeliverableRequest {
  taskId: string;
  submittedBy: string;
  summary: string;
  /** Content hashes of stored files; never the files themselves. */
  fileRefs: string[];
}

export interface DeliverableDeadlineStatus {
  taskId: string;
  state: 'open' | 'submitted';
  dueAt: string;
  submittedAt?: string;
  late: boolean;
  notificationsSent: string[];
}

export const submitDeliverableUpdate = defineUpdate<DeliverableDeadlineStatus, [SubmitDeliverableRequest]>(
  'submitDeliverable',
);
export const deliverableStatusQuery = defineQuery<DeliverableDeadlineStatus>('status');

const { sendDeadlineEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

const FILE_REF = /^sha256:[0-9a-f]{64}$/;

export async function deliverableDeadlineWorkflow(
  input: DeliverableDeadlineInput,
): Promise<DeliverableDeadlineStatus> {
  const dueAt = Date.parse(input.task.dueAt);
  const status: DeliverableDeadlineStatus = {
    taskId: input.task.id,
    state: 'open',
    dueAt: input.task.dueAt,
    late: false,
    notificationsSent: [],
  };

  setHandler(deliverableStatusQuery, () => status);
  setHandler(
    submitDeliverableUpdate,
    () => {
      status.state = 'submitted';
      status.submittedAt = new Date(Date.now()).toISOString();
      status.late = Date.now() > dueAt;
      return status;
    },
    {
      // Payloads come from people and programs outside: check every field before accepting.
      validator: (request: SubmitDeliverableRequest) => {
        const problems = validateSubmission(request, input, status);
        if (problems.length > 0) {
          throw ApplicationFailure.nonRetryable(problems.join('；'), 'InvalidSubmission');
        }
      },
    },
  );

  const submitted = () => status.state === 'submitted';
  const base = `campaign/${input.campaignId}/unit/${input.unit.id}/task/${input.task.id}`;
  const plan = [
    { kind: 'reminder' as const, at: dueAt - input.remindBeforeMs },
    { kind: 'escalation' as const, at: dueAt + input.escalateAfterMs },
  ];

  for (const step of plan) {
    if (submitted()) break;
    const wait = step.at - Date.now();
    if (wait > 0 && (await condition(submitted, wait))) break;
    // A reminder whose moment passed while the deadline is also past would only confuse.
    if (step.kind === 'reminder' && Date.now() >= dueAt) continue;
    const notificationId = `${base}/${step.kind}`;
    const to =
      step.kind === 'reminder' ? [input.unit.liaison] : [input.unit.head, ...input.unit.supervisors];
    await sendDeadlineEmail({
      notificationId,
      kind: step.kind,
      to: to.map(({ name, email }) => ({ name, email })),
      cc: step.kind === 'escalation' ? [{ name: input.unit.liaison.name, email: input.unit.liaison.email }] : [],
      unitName: input.unit.name,
      taskTitle: input.task.title,
      dueAt: input.task.dueAt,
      timeZone: input.timeZone,
    });
    status.notificationsSent.push(notificationId);
  }

  await condition(submitted);
  return status;
}

function validateSubmission(
  request: SubmitDeliverableRequest,
  input: DeliverableDeadlineInput,
  status: DeliverableDeadlineStatus,
): string[] {
  const problems: string[] = [];
  if (typeof request !== 'object' || request === null) return ['请求必须是一个对象'];
  if (request.taskId !== input.task.id) problems.push(`taskId：本单位没有任务「${String(request.taskId)}」`);
  else if (status.state !== 'open') problems.push(`taskId：任务「${request.taskId}」已提交，不能重复提交`);
  const allowed = [input.unit.liaison.id, input.unit.head.id];
  if (!allowed.includes(request.submittedBy)) {
    problems.push(`submittedBy：「${String(request.submittedBy)}」不是${input.unit.name}的联络员或第一责任人`);
  }
  if (typeof request.summary !== 'string' || request.summary.trim() === '') {
    problems.push('summary：请填写简要说明');
  } else if (request.summary.length > 2000) {
    problems.push(`summary：简要说明不能超过 2000 字（现为 ${request.summary.length} 字）`);
  }
  if (!Array.isArray(request.fileRefs)) problems.push('fileRefs：必须是文件引用列表');
  else
    request.fileRefs.forEach((ref, i) => {
      if (typeof ref !== 'string' || !FILE_REF.test(ref))
        problems.push(`fileRefs[${i}]：「${String(ref)}」不是文件引用（sha256:…）`);
    });
  return problems;
}
