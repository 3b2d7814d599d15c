/**
 * The numbers docs/deploy.md sizes a cluster with, taken from a finished campaign: history events
 * and billable-style actions per unit lifecycle, database bytes per unit, worker CPU per unit.
 * Printed by the production test, never asserted.
 */
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import pg from 'pg';

/** Events that correspond to Temporal Cloud "actions" (starts, updates, activities, timers, …). */
const ACTION_EVENTS = new Set([
  'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
  'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
  'EVENT_TYPE_MARKER_RECORDED',
  'EVENT_TYPE_TIMER_STARTED',
  'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  'EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
]);

export async function historyNumbers(
  client: Client,
  workflowIds: string[],
): Promise<{ eventsPerUnit: number; actionsPerUnit: number; byType: Record<string, number> }> {
  const byType: Record<string, number> = {};
  let events = 0;
  let actions = 0;
  for (const id of workflowIds) {
    const h = await client.workflow.getHandle(id).fetchHistory();
    for (const e of h.events ?? []) {
      const type = proto.temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType);
      events += 1;
      byType[type] = (byType[type] ?? 0) + 1;
      if (ACTION_EVENTS.has(type)) actions += 1;
    }
  }
  return { eventsPerUnit: events / workflowIds.length, actionsPerUnit: actions / workflowIds.length, byType };
}

export async function databaseBytes(adminUrl: string, databases: string[]): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const out: Record<string, number> = {};
    for (const db of databases)
      out[db] = Number(
        (await c.query<{ n: string }>('SELECT pg_database_size($1) AS n', [db])).rows[0]?.n ?? 0,
      );
    return out;
  } finally {
    await c.end();
  }
}

/** User + system CPU seconds of a process so far (Linux /proc). */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
