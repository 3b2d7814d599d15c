/**
 * How reports, archives, digests and the command line name stages, unit types and times: small
 * and free of Excel, so `campaign status` can use them without loading the workbook writer.
 */
import { DateTime } from 'luxon';
import { UNIT_TYPES, type UnitType } from '../../domain/unit-types.js';
import type { UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';

export function beijing(iso: string | undefined): string {
  if (!iso) return '';
  const d = DateTime.fromISO(iso, { zone: 'Asia/Shanghai' });
  return d.isValid ? d.toFormat('yyyy-MM-dd HH:mm') : iso;
}

export function stageTitle(stage: string, s?: UnitCampaignStatus): string {
  if (stage === 'starting') return '启动中';
  if (stage === 'done') return '已完成';
  if (stage === 'cancelled') return '已撤销';
  return s?.stages.find((x) => x.stageId === stage)?.title ?? stage;
}

export const unitTypeLabel = (t: string): string => UNIT_TYPES[t as UnitType] ?? t;
