/**
 * The integration fixture campaign (3 units of fixtures/units.csv on ifc_test.yaml) launched on a
 * harness, the people's tokens for it, and the waits on what its workflows publish to visibility.
 */
import path from 'node:path';
import { launchCampaign } from '../../../app/launch.js';
import { loadOfficeFile, type Office } from '../../../app/people.js';
import { issueTokens, type TokenStoreFile } from '../../../client/api/tokens.js';
import { parseRosterFile } from '../../../domain/roster/parse-file.js';
import { uniqueName } from '../../support/unique.js';
import { FIXTURES, GROUPS, PLAN, UNITS, eventually, type Harness } from './harness.js';

/** Launches the fixture campaign under a fresh id starting now; all three units must start. */
export async function launchFixtureCampaign(
  h: Harness,
  prefix: string,
): Promise<{ campaign: string; office: Office }> {
  const campaign = uniqueName(prefix);
  const office = await loadOfficeFile(path.join(FIXTURES, 'office.yaml'));
  if (!office.ok) throw new Error(office.errors.join());
  const r = await launchCampaign(h.client, {
    planPath: PLAN,
    rosterPath: UNITS,
    groupsPath: GROUPS,
    campaignId: campaign,
    start: new Date().toISOString(),
    taskQueue: h.taskQueue,
    office: office.office,
  });
  if (!r.ok || r.started !== 3) throw new Error(`launch failed: ${JSON.stringify(r)}`);
  return { campaign, office: office.office };
}

/** A token for every person of the fixture roster and the office, with the store that holds them. */
export async function fixtureTokens(
  campaign: string,
  office: Office,
): Promise<{ tokens: Record<string, string>; store: TokenStoreFile }> {
  const roster = await parseRosterFile(UNITS, { groupsPath: GROUPS, channels: ['email'] });
  const issued = issueTokens(campaign, roster.units, office, ['study', 'rectification']);
  return { tokens: Object.fromEntries(issued.issued.map((t) => [t.personId, t.token])), store: issued.store };
}

/** Waits until every unit's workflow is up and has published its stage (学习调研). */
export async function untilStudyPublished(h: Harness, campaign: string): Promise<void> {
  await eventually(async () =>
    (await h.client.workflow.count(`CampaignId = '${campaign}' AND CampaignStage = 'study'`)).count === 3
      ? true
      : undefined,
  );
}

/** Waits until every unit has an overdue item (convey_spirit is due 2 s after the start). */
export async function untilAllOverdue(h: Harness, campaign: string): Promise<void> {
  await eventually(
    async () =>
      (await h.client.workflow.count(`CampaignId = '${campaign}' AND OverdueCount > 0`)).count === 3
        ? true
        : undefined,
    30_000,
    'overdue attributes',
  );
}
