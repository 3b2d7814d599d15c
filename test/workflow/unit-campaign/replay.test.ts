import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundlerOptions, workflowsPath } from '../../../worker/create-worker.js';

async function load(file = HISTORY_FILE): Promise<temporal.api.history.v1.History> {
  // Written with JSON.stringify (protobufjs toJSON: string longs, base64 bytes, enum names).
  return temporal.api.history.v1.History.fromObject(
    JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>,
  );
}

const HISTORY_FILE = path.resolve(import.meta.dirname, '../../histories/town_office_on_time.json');
/** A two-step stage recorded before step order (`after`, `duration`) existed: test/workflow/unit-campaign/step-order.test.ts. */
const STEPS_HISTORY_FILE = path.resolve(import.meta.dirname, '../../histories/steps_before_step_order.json');
/**
 * Recorded with the code before the review loop (commit 6530046): the 实施方案 submitted, nine
 * days waiting for review, returned, resubmitted, eight more days waiting, approved. A run like
 * this must keep the old behaviour (no 报送 notice, no review timers) when it replays.
 */
const REVIEW_WAIT_FILE = path.resolve(
  import.meta.dirname,
  '../../histories/town_office_review_wait_pre_review_loop.json',
);

/**
 * Recorded with the code before 延期申请 (commit d33d5d1, steps_mini): the office extends the
 * report's deadline by five days, the unit submits both steps before the new date, the unit
 * completes. Runs like this carry no extension-request marker and must replay as they ran.
 */
const EXTEND_FILE = path.resolve(import.meta.dirname, '../../histories/extend_before_extension_request.json');
/**
 * Recorded with the code before holiday years could arrive (patch calendar-update): a steps_mini
 * unit whose stage ran into a year without holiday data, by the first case of calendar-update.test.ts.
 */
const CALENDAR_FILE = path.resolve(import.meta.dirname, '../../histories/steps_before_calendar_update.json');

describe('versioning: recorded histories replay against the current workflow code', () => {
  it('replays the full 镇机关 on-time lifecycle without non-determinism', async () => {
    const history = await load();
    expect(history.events?.length).toBeGreaterThan(100);
    await expect(
      Worker.runReplayHistory({ workflowsPath, bundlerOptions }, history, 'recorded-town-office'),
    ).resolves.toBeUndefined();
  });

  it('replays a unit of a two-step stage recorded before step order existed (patch step-order)', async () => {
    const history = await load(STEPS_HISTORY_FILE);
    expect(history.events?.length).toBeGreaterThan(20);
    await expect(
      Worker.runReplayHistory({ workflowsPath, bundlerOptions }, history, 'recorded-steps'),
    ).resolves.toBeUndefined();
  });

  it('replays a unit that waited for review, recorded before the review loop existed', async () => {
    const history = await load(REVIEW_WAIT_FILE);
    expect(history.events?.length).toBeGreaterThan(50);
    await expect(
      Worker.runReplayHistory({ workflowsPath, bundlerOptions }, history, 'recorded-review-wait'),
    ).resolves.toBeUndefined();
  });

  it('replays a unit whose deadline the office extended, recorded before extension requests existed', async () => {
    const history = await load(EXTEND_FILE);
    expect(history.events?.length).toBeGreaterThan(20);
    await expect(
      Worker.runReplayHistory({ workflowsPath, bundlerOptions }, history, 'recorded-extend'),
    ).resolves.toBeUndefined();
  });

  it('replays a unit recorded before calendar updates existed (patch calendar-update)', async () => {
    const history = await load(CALENDAR_FILE);
    expect(history.events?.length).toBeGreaterThan(20);
    await expect(
      Worker.runReplayHistory({ workflowsPath, bundlerOptions }, history, 'recorded-before-calendar'),
    ).resolves.toBeUndefined();
  });

  it('fails on a non-deterministic change (a history that does not match the code)', async () => {
    const history = await load();
    // As if the code now scheduled a different activity than the one recorded.
    const ev = history.events?.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverNotifications',
    );
    expect(ev).toBeDefined();
    ev!.activityTaskScheduledEventAttributes!.activityType!.name = 'anActivityThisCodeNeverSchedules';
    await expect(
      Worker.runReplayHistory({ workflowsPath, bundlerOptions }, history, 'tampered'),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
