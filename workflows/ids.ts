/**
 * Every id the campaign gives to a workflow, a schedule or a notification, built and parsed here
 * and nowhere else. Ids are derived rather than random:
 * - a unit's workflow id comes from campaign and unit, so starting a unit twice is refused by the
 *   server and anyone can find a unit's workflow from the roster alone;
 * - a notification id is its idempotency key in the delivery log: the same message always gets the
 *   same id (across retries, worker restarts and replays) and no other message ever gets it.
 *
 * Changing the text of an id changes what running workflows send next: a reminder already sent
 * under the old id would go out again under the new one. Keep every format byte for byte.
 *
 * Pure and free of imports: workflow code, activities and clients all use it.
 */

/** Names one unit of one campaign: the part every id of that unit starts with. */
export interface UnitRef {
  campaignId: string;
  unitId: string;
}

// ───────────────────────────── workflows and schedules ─────────────────────────────

export function unitWorkflowId(campaignId: string, unitId: string): string {
  return `campaign/${campaignId}/unit/${unitId}`;
}

/** The Temporal schedule that starts the campaign's digest workflow every morning. */
export function digestScheduleId(campaignId: string): string {
  return `campaign/${campaignId}/digest`;
}

/** The workflow id each run of the digest schedule uses (Temporal appends the run's time). */
export function digestRunWorkflowId(campaignId: string): string {
  return `campaign/${campaignId}/digest-run`;
}

// ───────────────────────────── notifications ─────────────────────────────

const unitBase = (u: UnitRef): string => unitWorkflowId(u.campaignId, u.unitId);
/** A task's notifications of one deadline revision: a new deadline gets new reminder and escalation ids. */
const taskRevision = (u: UnitRef, taskId: string, rev: number): string =>
  `${unitBase(u)}/task/${taskId}/v${rev}`;

export const notificationIds = {
  kickoff: (u: UnitRef): string => `${unitBase(u)}/kickoff`,
  stageOpened: (u: UnitRef, stageId: string): string => `${unitBase(u)}/stage/${stageId}/opened`,
  /** `index` is the reminder's position in the task's schedule. */
  reminder: (u: UnitRef, taskId: string, rev: number, index: number): string =>
    `${taskRevision(u, taskId, rev)}/reminder/${index}`,
  /** `repeat` 0 is the level's first firing; the last level repeats until acknowledged. */
  escalation: (u: UnitRef, taskId: string, rev: number, level: number, repeat: number): string =>
    `${taskRevision(u, taskId, rev)}/escalation/L${level}/${repeat}`,
  /** One per submission: a task approved after a return is approved again under a new id. */
  approved: (u: UnitRef, taskId: string, submission: number): string =>
    `${unitBase(u)}/task/${taskId}/approved/${submission}`,
  returned: (u: UnitRef, taskId: string, returnNo: number): string =>
    `${unitBase(u)}/task/${taskId}/returned/${returnNo}`,
  /** The reviewers told of submission n; its review's reminder and escalations carry the same n. */
  submitted: (u: UnitRef, taskId: string, submission: number): string =>
    `${unitBase(u)}/task/${taskId}/submitted/${submission}`,
  reviewReminder: (u: UnitRef, taskId: string, submission: number): string =>
    `${unitBase(u)}/task/${taskId}/review/${submission}/reminder`,
  reviewEscalation: (u: UnitRef, taskId: string, submission: number, level: number): string =>
    `${unitBase(u)}/task/${taskId}/review/${submission}/escalation/L${level}`,
  /** 延期申请 n of a task: the request to its decider, the decision, the wait's reminder and ladder. */
  extensionRequested: (u: UnitRef, taskId: string, n: number): string =>
    `${unitBase(u)}/task/${taskId}/extension/${n}/requested`,
  extensionDecided: (u: UnitRef, taskId: string, n: number): string =>
    `${unitBase(u)}/task/${taskId}/extension/${n}/decided`,
  extensionReminder: (u: UnitRef, taskId: string, n: number): string =>
    `${unitBase(u)}/task/${taskId}/extension/${n}/reminder`,
  extensionEscalation: (u: UnitRef, taskId: string, n: number, level: number): string =>
    `${unitBase(u)}/task/${taskId}/extension/${n}/escalation/L${level}`,
  surveyResult: (u: UnitRef, round: number): string => `${unitBase(u)}/survey/${round}/result`,
  remedialOpened: (u: UnitRef, round: number): string => `${unitBase(u)}/remedial/${round}/opened`,
  lookBackGaps: (u: UnitRef): string => `${unitBase(u)}/look_back/gaps`,
  completed: (u: UnitRef): string => `${unitBase(u)}/completed`,
  /** The unit told that a holiday year (store version n) moved its deadlines. */
  datesMoved: (u: UnitRef, year: number, version: number): string =>
    `${unitBase(u)}/calendar/${year}/v${version}/dates_moved`,
  /** The daily digest of one 指导组 (sent by the digest activities, not by a unit). */
  groupDigest: (campaignId: string, date: string, groupId: string): string =>
    `campaign/${campaignId}/digest/daily/${date}/group/${groupId}`,
  /** The office's weekly briefing. */
  officeBriefing: (campaignId: string, date: string): string =>
    `campaign/${campaignId}/digest/weekly/${date}`,
} as const;

/** The prefix of every id of one campaign (the trailing slash keeps c1 from matching c10). */
export function campaignIdPrefix(campaignId: string): string {
  return `campaign/${campaignId}/`;
}

/**
 * What an id says about where it belongs: `campaign/<campaignId>/unit/<unitId>/…` names both,
 * `campaign/<campaignId>/…` (digests) the campaign alone, anything else neither.
 */
export function parseNotificationId(id: string): { campaignId?: string; unitId?: string } {
  const [head, campaignId, unitWord, unitId] = id.split('/');
  if (head !== 'campaign' || !campaignId) return {};
  if (unitWord === 'unit' && unitId) return { campaignId, unitId };
  return { campaignId };
}
