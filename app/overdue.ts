/**
 * What is late: visibility finds the units with OverdueCount > 0, then only those units are asked
 * for their status (bounded concurrency) to name each item, how late it is and its escalation level.
 */
import type { UnitCampaignStatus } from '../workflows/unit-campaign/messages.js';
import type { OverdueItem, OverdueList } from '../client/api/wire/overdue.js';
import { mapLimit } from './concurrency.js';
import type { CampaignServices } from './services.js';
import { unitStatus } from './unit-operations.js';
import { listUnits, type UnitFilter } from './visibility.js';

export type { OverdueItem };

function overdueItemsOf(
  s: UnitCampaignStatus,
  meta: { group: string; unitType: string },
  now: number,
): OverdueItem[] {
  return s.tasks
    .filter((t) => t.overdue)
    .map((t) => {
      const esc = s.openEscalations.filter((e) => e.taskId === t.taskId).sort((a, b) => b.level - a.level)[0];
      return {
        unitId: s.unitId,
        unitName: s.unitName,
        group: meta.group,
        unitType: meta.unitType,
        taskId: t.taskId,
        title: t.title,
        stageId: t.stageId,
        dueAt: t.dueAt,
        hoursLate: Math.max(0, Math.floor((now - Date.parse(t.dueAt)) / 3_600_000)),
        escalationLevel: t.escalationLevel,
        ...(esc ? { escalationLabel: esc.label } : {}),
        acknowledged: esc?.acknowledged ?? false,
      };
    });
}

export async function overdueItems(
  svc: CampaignServices,
  filter: UnitFilter,
  now: () => number = Date.now,
): Promise<OverdueList> {
  const units = await listUnits(svc.client, { ...filter, overdue: true, runningOnly: true });
  const failures: { unitId: string; error: string }[] = [];
  const lists = await mapLimit(units, 16, async (u) => {
    try {
      return overdueItemsOf(
        await unitStatus(svc, filter.campaignId, u.unitId, now()),
        { group: u.group, unitType: u.unitType },
        now(),
      );
    } catch (e) {
      failures.push({ unitId: u.unitId, error: (e as Error).message });
      return [];
    }
  });
  const items = lists.flat().sort((a, b) => b.hoursLate - a.hoursLate || a.unitId.localeCompare(b.unitId));
  return { items, unitsQueried: units.length, failures };
}

export function formatLateness(hours: number): string {
  if (hours < 24) return `${hours} 小时`;
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h === 0 ? `${d} 天` : `${d} 天 ${h} 小时`;
}
