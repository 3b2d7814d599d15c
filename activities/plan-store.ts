/**
 * Plans by reference: a workflow's input names `{ id, sha256 }` and the worker reads
 * `<plansDir>/<id>.yaml`, refusing a file whose bytes changed since the campaign was launched.
 * Runs as a local activity, so the (small, note-free) plan lands in history once per run.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { loadPlanText } from '../domain/plan/load.js';
import type { Plan } from '../domain/plan/schema.js';

export interface PlanRef {
  id: string;
  sha256: string;
}

export interface PlanStoreDeps {
  /** Folder of `<id>.yaml` plan files (the repository's `plans/` by default). */
  plansDir: string;
}

const PLAN_ID = /^[a-z][a-z0-9_]*$/;

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The reference a launcher puts into a workflow's input for the plan file as it is now. */
export async function planRefFor(plansDir: string, id: string): Promise<PlanRef> {
  const bytes = await readFile(path.join(plansDir, `${id}.yaml`));
  return { id, sha256: sha256Hex(bytes) };
}

/** Step notes are for people reading the plan; the workflow never prints them. */
function withoutNotes(plan: Plan): Plan {
  return {
    ...plan,
    stages: plan.stages.map((s) => ({ ...s, steps: s.steps.map(({ notes: _notes, ...step }) => step) })),
  };
}

/** Plans parsed by this worker, by file content; a campaign's units all ask for the same few. */
const PARSED_LIMIT = 64;

export function createPlanStoreActivities(deps: PlanStoreDeps) {
  // Parsing and validating a plan costs ~5 ms of the worker's main thread, once per unit start;
  // the bytes are still read and hashed every time, so a changed file is refused as before.
  const parsed = new Map<string, Plan>();
  return {
    async loadPlan(ref: PlanRef): Promise<Plan> {
      if (!PLAN_ID.test(ref.id))
        throw ApplicationFailure.nonRetryable(`计划编号「${ref.id}」无效`, 'PlanNotFound');
      const file = path.join(deps.plansDir, `${ref.id}.yaml`);
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch {
        throw ApplicationFailure.nonRetryable(`找不到计划文件 ${ref.id}.yaml`, 'PlanNotFound');
      }
      const actual = sha256Hex(bytes);
      if (actual !== ref.sha256) {
        throw ApplicationFailure.nonRetryable(
          `计划文件 ${ref.id}.yaml 已被修改（启动时 sha256 为 ${ref.sha256.slice(0, 12)}…，现为 ${actual.slice(0, 12)}…）；请用启动时的版本或重新启动本单位`,
          'PlanChanged',
        );
      }
      const known = parsed.get(`${ref.id}:${actual}`);
      if (known) return known;
      const r = loadPlanText(bytes.toString('utf8'), `${ref.id}.yaml`);
      if (!r.ok) {
        throw ApplicationFailure.nonRetryable(
          `计划文件 ${ref.id}.yaml 有误：${r.issues.map((i) => `第 ${i.line} 行 ${i.path}：${i.message}`).join('；')}`,
          'PlanInvalid',
        );
      }
      const plan = withoutNotes(r.plan);
      if (parsed.size >= PARSED_LIMIT) parsed.clear();
      parsed.set(`${ref.id}:${actual}`, plan);
      return plan;
    },
  };
}
