import path from 'node:path';
import { createCampaignNotifyActivities } from './campaign-notify.js';
import { createDigestActivities, type DigestDeps } from './digest/activities.js';
import { createNotificationActivities, type NotificationDeps } from './notify/activities.js';
import { createPlanStoreActivities } from './plan-store.js';
import { createStatusActivities } from './status/activities.js';
import type { StatusStore } from './status/status-store.js';
import { repoRoot } from '../toolchain/paths.js';

export const defaultPlansDir = path.join(repoRoot, 'plans');

export interface ActivityDeps {
  /** Templated multi-channel notifications (the unit campaign workflow needs them). */
  notify?: NotificationDeps;
  /** Where `<planId>.yaml` files are read from; defaults to the repository's plans/. */
  plansDir?: string;
  /** The campaign digests (指导组 daily lists, office weekly 简报); they read visibility, so need a Temporal client. */
  digest?: DigestDeps;
  /** The status read model every unit workflow publishes to (and readers read from). */
  status?: StatusStore;
}

/** Every activity the worker registers, built from the dependencies handed in (real servers in tests). */
export function createActivities(deps: ActivityDeps) {
  const notification = deps.notify ? createNotificationActivities(deps.notify) : undefined;
  return {
    ...createPlanStoreActivities({ plansDir: deps.plansDir ?? defaultPlansDir }),
    ...createCampaignNotifyActivities(
      notification ? (i) => notification.deliverNotification(i) : undefined,
      deps.notify?.clock,
      { concurrent: (deps.notify?.settings.bundleWindowMs ?? 0) > 0 },
    ),
    ...createStatusActivities(deps.status),
    ...(deps.digest ? createDigestActivities(deps.digest) : {}),
  };
}

export type Activities = ReturnType<typeof createActivities>;
