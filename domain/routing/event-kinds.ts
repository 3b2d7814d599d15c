/**
 * Every event the campaign workflow announces. The plan's routing section is keyed by these, and
 * each has one template file in templates/notify/; kept in domain so the plan schema, the
 * workflow and the notification activities share one list.
 */
export const EVENT_KINDS = [
  'kickoff',
  'stage_opened',
  'reminder',
  'due_today',
  'urge',
  'supervise',
  'bulletin',
  'returned',
  'approved',
  'submitted',
  'review_reminder',
  'review_overdue',
  'extension_requested',
  'extension_decided',
  'extension_reminder',
  'extension_overdue',
  'lookback_gaps',
  'survey_result',
  'remedial_opened',
  'completed',
  'dates_moved',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENT_LABELS: Record<EventKind, string> = {
  kickoff: '启动通知',
  stage_opened: '阶段开启',
  reminder: '到期提醒',
  due_today: '今日到期',
  urge: '催办',
  supervise: '督办',
  bulletin: '通报',
  returned: '退回修改',
  approved: '审核通过',
  submitted: '报送待审',
  review_reminder: '审查提醒',
  review_overdue: '审查超期',
  extension_requested: '延期申请',
  extension_decided: '延期审批结果',
  extension_reminder: '延期审批提醒',
  extension_overdue: '延期审批超期',
  lookback_gaps: '回头看查缺补缺',
  survey_result: '满意度测评结果',
  remedial_opened: '补课',
  completed: '完成',
  dates_moved: '期限调整',
};

/** The kinds an overdue item's escalation ladder sends; their recipients come from escalation.levels. */
export const ESCALATION_EVENT_KINDS = [
  'urge',
  'supervise',
  'bulletin',
] as const satisfies readonly EventKind[];
export type EscalationEventKind = (typeof ESCALATION_EVENT_KINDS)[number];

export function isEscalationEvent(kind: EventKind): kind is EscalationEventKind {
  return (ESCALATION_EVENT_KINDS as readonly EventKind[]).includes(kind);
}
