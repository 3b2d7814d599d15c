/**
 * The ids of the people who act on a unit, derived from the roster (app/people.ts), and the default
 * 活动办. Without imports of its own: the command line's operation table (loaded at every start)
 * needs them.
 */
import type { UnitCampaignInput } from '../workflows/unit-campaign/messages.js';

export const liaisonId = (unitId: string): string => `${unitId}-liaison`;
export const headId = (unitId: string): string => `${unitId}-head`;
/** `n` is the member's 1-based position in the 指导组 sheet. */
export const groupMemberId = (groupId: string, n: number): string => `${groupId}-m${n}`;

export type Office = UnitCampaignInput['office'];

export const DEFAULT_OFFICE: Office = { name: '活动办', members: [{ id: 'office', name: '活动办' }] };
