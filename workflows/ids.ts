/**
 * Workflow id derived from campaign and unit: starting a unit twice is refused by the server,
 * and anyone can find a unit's workflow from the roster alone.
 */
export function unitWorkflowId(campaignId: string, unitId: string): string {
  return `campaign/${campaignId}/unit/${unitId}`;
}
