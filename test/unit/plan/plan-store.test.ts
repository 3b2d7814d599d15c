import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPlansDir } from '../../../activities/index.js';
import { createPlanStoreActivities, planRefFor } from '../../../activities/plan-store.js';
import { loadPlanText } from '../../../domain/plan/load.js';

// loadPlan remembers parsed plans by content; a file edited after launch must still be refused.
describe('loadPlan (plans by reference, parsed once per content)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'plan-store-'));
    await copyFile(path.join(defaultPlansDir, 'town_office.yaml'), path.join(dir, 'town_office.yaml'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers repeats with the same plan, without step notes', async () => {
    const store = createPlanStoreActivities({ plansDir: dir });
    const ref = await planRefFor(dir, 'town_office');
    const first = await store.loadPlan(ref);
    const again = await store.loadPlan(ref);
    expect(again).toEqual(first);
    const source = loadPlanText(
      await readFile(path.join(dir, 'town_office.yaml'), 'utf8'),
      'town_office.yaml',
    );
    if (!source.ok) throw new Error('shipped plan invalid');
    expect(first.id).toBe(source.plan.id);
    expect(first.stages.map((s) => s.steps.map((x) => x.id))).toEqual(
      source.plan.stages.map((s) => s.steps.map((x) => x.id)),
    );
    expect(first.stages.flatMap((s) => s.steps).some((x) => 'notes' in x)).toBe(false);
  });

  it('refuses a file changed after launch even when the launch-time version was parsed before', async () => {
    const store = createPlanStoreActivities({ plansDir: dir });
    const file = path.join(dir, 'town_office.yaml');
    const oldRef = await planRefFor(dir, 'town_office');
    await store.loadPlan(oldRef);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/^title: .*$/m, 'title: 改过的标题'));
    await expect(store.loadPlan(oldRef)).rejects.toMatchObject({ type: 'PlanChanged' });
    const newRef = await planRefFor(dir, 'town_office');
    expect(newRef.sha256).not.toBe(oldRef.sha256);
    expect((await store.loadPlan(newRef)).title).toBe('改过的标题');
    // Restored bytes are the launch-time plan again.
    await writeFile(file, text);
    expect((await store.loadPlan(oldRef)).title).not.toBe('改过的标题');
  });
});
