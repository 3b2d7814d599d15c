/** What `campaign status` says about units whose workflow is stuck (流程异常，需要技术处理). */
import { stuckUnits } from '../../../app/health/cache.js';
import { STUCK_LABEL } from '../../../app/health/scan.js';
import { healthSettingsFromEnv, onDemandMaxAgeMs } from '../../../app/health/settings.js';
import type { CampaignServices } from '../../../app/services.js';
import type { UnitHealthRecord } from '../../../activities/status/health.js';
import type { UnitHealthView } from '../../../workflows/unit-campaign/messages.js';
import { problemTime } from '../../api/delivery-problems.js';

/** The campaign's stuck units, scanned first when no worker has scanned lately (an operator wants it current). */
export function readStuckUnits(
  svc: CampaignServices,
  campaignId: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<UnitHealthRecord[]> {
  const settings = healthSettingsFromEnv(env);
  return stuckUnits(svc, campaignId, { ...settings, maxAgeMs: onDemandMaxAgeMs(settings), wait: true });
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

export function stuckUnitLines(campaignId: string, units: readonly UnitHealthRecord[]): string[] {
  if (units.length === 0) return [];
  return [
    `  ${STUCK_LABEL}：${units.length} 个单位（工作流任务反复失败，流程停止不前；修复：campaign repair --campaign ${campaignId} --dry-run）`,
    ...units.map(
      (u) =>
        `    ${u.unitName ?? u.unitId}（${u.unitId}）  已失败 ${u.failures ?? 0} 次，自 ${problemTime(u.since)}  错误：${oneLine(u.error ?? '')}`,
    ),
  ];
}

export function unitHealthLine(campaignId: string, unitId: string, h: UnitHealthView): string {
  return `  ${h.label}：工作流任务已失败 ${h.failures} 次（自 ${problemTime(h.since)}），流程停止不前。错误：${oneLine(h.error)}。修复：campaign repair --campaign ${campaignId} --unit ${unitId} --dry-run`;
}
