/**
 * What one run hands to the next when it continues as new, and how a state written by older
 * code is brought up to date. Each shape change bumps STATE_VERSION and adds one step here, so a
 * workflow that has been running for months still loads whatever its previous run carried.
 */
import type { Plan } from '../../../domain/plan/schema.js';
import { STATE_VERSION, type CampaignState, type Outgoing } from './types.js';

export interface Carried {
  plan: Plan;
  state: CampaignState;
}

/** A carried state as any earlier version wrote it: only the fields the steps below read are typed. */
interface OlderState {
  version: number;
  outbox: (Omit<Outgoing, 'cc' | 'channels' | 'ignoreQuietHours'> & Partial<Outgoing>)[];
}

/** One step per version: it turns a state of version N into one of version N + 1, in place. */
const STEPS: Record<number, (state: OlderState, plan: Plan) => void> = {
  // Version 1 runs from before per-plan routing queued items with `to` only: route them as that run would have.
  // (Later version 1 runs queued them routed; the defaults leave those as they are.)
  1: (state, plan) => {
    for (const o of state.outbox) {
      o.cc ??= [];
      o.channels ??= [...plan.channels];
      o.ignoreQuietHours ??= false;
    }
  },
};

/**
 * The previous run's state at the current version. A version newer than this code knows is an
 * error of deployment (an older worker picked up a newer run): throwing fails the workflow task,
 * which Temporal retries until a worker with the newer code takes it.
 */
export function upgradeCarried(carried: { plan: Plan; state: unknown }): Carried {
  const state = carried.state as OlderState;
  if (!Number.isInteger(state.version) || state.version < 1 || state.version > STATE_VERSION) {
    throw new Error(
      `carried state version ${String(state.version)} is not one this code can load (1 to ${STATE_VERSION})`,
    );
  }
  while (state.version < STATE_VERSION) {
    STEPS[state.version]!(state, carried.plan);
    state.version += 1;
  }
  return { plan: carried.plan, state: state as unknown as CampaignState };
}
