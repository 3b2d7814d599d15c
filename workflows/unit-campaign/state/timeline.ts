/** The unit's timeline: what happened, in Chinese, bounded so a long campaign's history stays small. */
import type { CampaignState } from './types.js';
import { iso } from './clock.js';

export const TIMELINE_LIMIT = 200;

export function note(state: CampaignState, now: number, kind: string, text: string): void {
  state.timeline.push({ at: iso(now), kind, text });
  if (state.timeline.length > TIMELINE_LIMIT) {
    const drop = state.timeline.length - TIMELINE_LIMIT;
    state.timeline.splice(0, drop);
    state.timelineDropped += drop;
  }
}

/**
 * For notes that repeat word for word (every reminder to a malformed address fails the same way):
 * one copy in the timeline is enough, and repeats must not push the unit's history out of it.
 */
export function noteOnce(state: CampaignState, now: number, kind: string, text: string): void {
  if (state.timeline.some((e) => e.kind === kind && e.text === text)) return;
  note(state, now, kind, text);
}
