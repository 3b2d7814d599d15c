/**
 * The outbox: notifications the state machine decided to send, each under its id from
 * workflows/ids.ts and routed by the plan when queued. The workflow drains it.
 */
import type { Role } from '../../../domain/plan/schema.js';
import type { EventKind } from '../../../domain/routing/event-kinds.js';
import { routeNotification } from '../../../domain/routing/route.js';
import type { UnitRef } from '../../ids.js';
import type { CampaignState, Ctx, Fact } from './types.js';

/** The unit every id of this workflow names. */
export function unitRef(ctx: Ctx): UnitRef {
  return { campaignId: ctx.campaignId, unitId: ctx.unit.id };
}

/** Facts every notification of the unit carries. */
export function common(ctx: Ctx): Record<string, Fact> {
  return { campaign: ctx.campaignTitle, unit: ctx.unitName };
}

/**
 * Queues one notification routed by the plan (`routing.events`, escalation levels, defaults).
 * `alsoTo` adds roles a rule of the campaign itself requires (the office after failed 补课);
 * `roles` replaces the recipients where the campaign's own ladder names them (the review loop's
 * levels), channels and quiet hours still coming from the event's routing.
 */
export function queue(
  ctx: Ctx,
  state: CampaignState,
  n: {
    id: string;
    event: EventKind;
    facts: Record<string, Fact>;
    level?: number;
    alsoTo?: readonly Role[];
    roles?: { to: readonly Role[]; cc: readonly Role[] };
  },
): void {
  const r = routeNotification(ctx.plan, n.event, n.level === undefined ? {} : { level: n.level });
  const to = [...new Set([...(n.roles?.to ?? r.to), ...(n.alsoTo ?? [])])];
  const cc = [...new Set(n.roles?.cc ?? r.cc)];
  state.outbox.push({
    id: n.id,
    event: n.event,
    facts: n.facts,
    to,
    cc: cc.filter((x) => !to.includes(x)),
    channels: r.channels,
    ignoreQuietHours: r.ignoreQuietHours,
  });
}
