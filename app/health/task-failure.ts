/**
 * Why a unit's workflow task fails: the last WorkflowTaskFailed event, read from the end of the
 * history (reverse pages), so a long history costs one small page, not the whole of it. Later
 * attempts of a failing task are not written to the history (the worker lets them time out), so
 * the recorded failure is the first of the current run of failures, with the worker's own message.
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';

// A CommonJS module: its namespace object comes through the default export under Node's ESM loader.
const { WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;

export interface TaskFailure {
  error: string;
  errorCause?: string;
  failedEventId?: number;
  failedAt?: string;
}

const PAGE = 50;
const MAX_PAGES = 20;

const timeOf = (t: temporal.api.history.v1.IHistoryEvent['eventTime']): string | undefined => {
  if (!t?.seconds) return undefined;
  return new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
};

function causeName(cause: number | null | undefined): string | undefined {
  if (cause === null || cause === undefined) return undefined;
  return WorkflowTaskFailedCause[cause] ?? String(cause);
}

export async function lastTaskFailure(
  client: Client,
  workflowId: string,
  runId: string,
): Promise<TaskFailure> {
  let nextPageToken: Uint8Array | undefined;
  let timedOut = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await client.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      maximumPageSize: PAGE,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    for (const e of res.history?.events ?? []) {
      const failed = e.workflowTaskFailedEventAttributes;
      if (failed) {
        const cause = causeName(failed.cause);
        return {
          error: failed.failure?.message || '（工作流任务失败，没有错误信息）',
          ...(cause ? { errorCause: cause } : {}),
          failedEventId: Number(e.eventId),
          ...(timeOf(e.eventTime) ? { failedAt: timeOf(e.eventTime)! } : {}),
        };
      }
      if (e.workflowTaskTimedOutEventAttributes) timedOut = true;
    }
    if (!res.nextPageToken?.length) break;
    nextPageToken = res.nextPageToken;
  }
  return {
    error: timedOut ? '工作流任务一再超时（历史中没有失败记录）' : '工作流任务一再失败（历史中没有失败记录）',
  };
}
