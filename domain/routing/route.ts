/**
 * Who receives which event, on which channels, and whether quiet hours hold it back: the plan's
 * routing section resolved against built-in defaults that reproduce what the workflow did before
 * plans could say so. Pure and zod-free (type imports only), so workflow code calls it directly.
 */
import type { Channel, Plan, Role, Route } from '../plan/schema.js';
import { isEscalationEvent, type EscalationEventKind, type EventKind } from './event-kinds.js';

export interface ResolvedRoute {
  to: Role[];
  cc: Role[];
  channels: Channel[];
  ignoreQuietHours: boolean;
}

/** The parts of a plan routing reads; a plan parsed before `routing` existed still works. */
export type RoutablePlan = Pick<Plan, 'channels' | 'escalation' | 'reminders' | 'satisfaction'> & {
  routing?: { events?: Partial<Record<EventKind, Route | undefined>> };
};

export interface RouteOptions {
  /** Escalation level (1-based) for urge / supervise / bulletin; beyond the last level, the last (its repeats). */
  level?: number;
}

type Recipients = { to: readonly Role[]; cc: readonly Role[] };

/** Recipients when neither the plan's routing nor an escalation level names any. */
function defaultRecipients(plan: RoutablePlan, event: Exclude<EventKind, EscalationEventKind>): Recipients {
  switch (event) {
    case 'kickoff':
    case 'lookback_gaps':
    case 'remedial_opened':
      return { to: ['liaison', 'unit_head', 'supervisor_group'], cc: [] };
    case 'stage_opened':
    case 'returned':
    case 'dates_moved':
    case 'approved':
      return { to: ['liaison', 'unit_head'], cc: [] };
    case 'submitted':
    case 'review_reminder':
      // The reviewers: every 指导组 member and the group's robot.
      return { to: ['supervisor_group'], cc: [] };
    case 'extension_requested':
    case 'extension_reminder':
      // The deciders: the 指导组, or the office for a request above the group's limit (set when queued).
      return { to: ['supervisor_group'], cc: [] };
    case 'extension_decided':
      return { to: ['liaison', 'unit_head'], cc: [] };
    case 'extension_overdue':
    case 'review_overdue':
      // Sent with the review ladder's level as `roles` (workflow); this is only the fallback.
      return { to: ['group_leader'], cc: [] };
    case 'reminder':
    case 'due_today':
      return { to: plan.reminders.to, cc: [] };
    case 'survey_result':
      return { to: plan.satisfaction?.reportTo ?? ['office', 'supervisor_group'], cc: [] };
    case 'completed':
      return { to: ['office', 'supervisor_group', 'unit_head'], cc: [] };
  }
}

/** An escalation sent without a level (none in the plan's ladder): the usual rung for its kind. */
const ESCALATION_FALLBACK: Record<EscalationEventKind, Recipients> = {
  urge: { to: ['liaison'], cc: ['unit_head'] },
  supervise: { to: ['supervisor_group'], cc: ['unit_head'] },
  bulletin: { to: ['office'], cc: ['supervisor_group', 'unit_head'] },
};

function levelOf(plan: RoutablePlan, level: number | undefined) {
  const levels = plan.escalation.levels;
  if (level === undefined || !Number.isInteger(level) || level < 1 || levels.length === 0) return undefined;
  return levels[Math.min(level, levels.length) - 1];
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/**
 * Resolves one notification's route. Field by field, the first that is set wins: the escalation
 * level (urge / supervise / bulletin with `level`), then `routing.events[event]`, then the default.
 * Channels are always kept within the plan's channels, in the plan's order; a role in `to` is not
 * repeated in `cc`.
 */
export function routeNotification(
  plan: RoutablePlan,
  event: EventKind,
  options: RouteOptions = {},
): ResolvedRoute {
  const route = plan.routing?.events?.[event];
  const level = isEscalationEvent(event) ? levelOf(plan, options.level) : undefined;
  const fallback = isEscalationEvent(event) ? ESCALATION_FALLBACK[event] : defaultRecipients(plan, event);
  const recipients: Recipients = level
    ? { to: level.to, cc: level.cc }
    : { to: route?.to ?? fallback.to, cc: route?.cc ?? fallback.cc };
  const wanted = new Set<Channel>(level?.channels ?? route?.channels ?? plan.channels);
  const to = unique(recipients.to);
  return {
    to,
    cc: unique(recipients.cc).filter((r) => !to.includes(r)),
    channels: plan.channels.filter((c) => wanted.has(c)),
    ignoreQuietHours: level?.ignoreQuietHours ?? route?.ignoreQuietHours ?? false,
  };
}

/** The kind of an escalation rung, as the workflow announces it: 通报 if it reaches the office, 督办 if the 指导组, else 催办. */
export function escalationEventFor(roles: readonly Role[]): EscalationEventKind {
  if (roles.includes('office')) return 'bulletin';
  if (roles.includes('supervisor_group')) return 'supervise';
  return 'urge';
}
