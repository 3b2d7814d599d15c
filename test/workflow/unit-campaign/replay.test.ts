import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundlerOptions, workflowsPath } from '../../../worker/create-worker.js';

async function load(): Promise<temporal.api.history.v1.History> {
  // Written with JSON.stringify (protobufjs toJSON: string longs, base64 bytes, enum names).
  return temporal.api.history.v1.History.fromObject(JSON.parse(await readFile(HISTORY_FILE, 'utf8')) as Record<string, unknown>);
}

const HISTORY_FILE = path.resolve(import.meta.dirname, '../../histories/town_office_on_time.json');

describe('versioning: recorded histories replay against the current workflow code', () => {
  it('replays the full 镇机关 on-time lifecycle without non-determinism', async () => {
    const history = await load();
    expect(history.events?.length).toBeGreaterThan(100);
    await expect(Worker.runReplayHistory({ workflowsPath, bundlerOptions }, history, 'recorded-town-office')).resolves.toBeUndefined();
  });

  it('fails on a non-deterministic change (a history that does not match the code)', async () => {
    const history = await load();
    // As if the code now scheduled a different activity than the one recorded.
    const ev = history.events?.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverNotifications');
    expect(ev).toBeDefined();
    ev!.activityTaskScheduledEventAttributes!.activityType!.name = 'anActivityThisCodeNeverSchedules';
    await expect(Worker.runReplayHistory({ workflowsPath, bundlerOptions }, history, 'tampered')).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
