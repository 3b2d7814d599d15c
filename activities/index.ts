import { createDeadlineEmailActivities, type DeadlineEmailDeps } from './deadline-email.js';

export type ActivityDeps = DeadlineEmailDeps;

/** Every activity the worker registers, built from the dependencies handed in (real servers in tests). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createDeadlineEmailActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
