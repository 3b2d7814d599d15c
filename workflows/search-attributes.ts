import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * Custom search attributes the office filters and counts units by. They must be registered on the
 * namespace before a workflow sets them: the dev server started by this project registers
 * `customSearchAttributes`; for an existing cluster see README.
 */
export const CampaignId = defineSearchAttributeKey('CampaignId', 'KEYWORD');
export const UnitId = defineSearchAttributeKey('UnitId', 'KEYWORD');
export const UnitType = defineSearchAttributeKey('UnitType', 'KEYWORD');
export const SupervisorGroup = defineSearchAttributeKey('SupervisorGroup', 'KEYWORD');
export const CampaignStage = defineSearchAttributeKey('CampaignStage', 'KEYWORD');
export const OverdueCount = defineSearchAttributeKey('OverdueCount', 'INT');
export const RemedialRound = defineSearchAttributeKey('RemedialRound', 'INT');

/** Name → CLI type, for `temporal server start-dev --search-attribute` and `operator search-attribute create`. */
export const customSearchAttributes: Record<string, 'Keyword' | 'Int'> = {
  CampaignId: 'Keyword',
  UnitId: 'Keyword',
  UnitType: 'Keyword',
  SupervisorGroup: 'Keyword',
  CampaignStage: 'Keyword',
  OverdueCount: 'Int',
  RemedialRound: 'Int',
};
