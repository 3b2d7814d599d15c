/**
 * The console's only way to the server: the HTTP API (docs/api.md), with the token from the login
 * page. Types mirror the API's JSON; the workflow's own view types are imported type-only.
 */
import type { UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';

export type { UnitCampaignStatus, TaskView, EscalationView, SurveyRecord } from '../../workflows/unit-campaign/messages.js';

export type Role = 'office' | 'group' | 'unit';

export interface Me {
  role: Role;
  personId: string;
  name: string;
  campaignId: string;
  unitId?: string;
  groupId?: string;
  units?: string[];
}

export interface CountBucket {
  value: string;
  count: number;
}

export interface Overview {
  campaignId: string;
  total: number;
  running: number;
  overdueUnits: number;
  byStage: CountBucket[];
  byUnitType: CountBucket[];
  byGroup: CountBucket[];
  byRemedialRound: CountBucket[];
}

export interface UnitRow {
  workflowId: string;
  unitId: string;
  /** From the memo set at start; units started before that fall back to their status. */
  unitName?: string;
  groupName?: string;
  unitType: string;
  group: string;
  stage: string;
  overdueCount: number;
  remedialRound: number;
  status: string;
}

export interface OverdueItem {
  unitId: string;
  unitName: string;
  group: string;
  unitType: string;
  taskId: string;
  title: string;
  stageId: string;
  dueAt: string;
  hoursLate: number;
  escalationLevel: number;
  escalationLabel?: string;
  acknowledged: boolean;
}

export interface UnitFilter {
  unitType?: string;
  group?: string;
  stage?: string;
  overdue?: boolean;
  remedialRound?: number;
}

export interface RosterProblem {
  sheet: 'units' | 'groups' | 'file';
  row?: number;
  column?: string;
  code: string;
  message: string;
}

export interface PreviewTask {
  taskId: string;
  no?: number;
  title: string;
  opensAt: string;
  dueAt: string;
  review?: string;
  reminders: { at: string; label: string }[];
  escalations: { level: number; at: string; label: string }[];
}

export interface UnitKindPreview {
  unitType: string;
  unitTypeLabel: string;
  flags: string[];
  flagLabels: string[];
  unitCount: number;
  refusedReason?: string;
  stages: { stageId: string; title: string; opensAt: string; dueAt: string; afterPrevious: boolean; tasks: PreviewTask[] }[];
  warnings: string[];
}

export interface CampaignPreview {
  ok: boolean;
  plan?: { id: string; title: string; stages: number; steps: number; calendar: string; escalation: string[] };
  planErrors: { file: string; line: number; path: string; message: string; text: string }[];
  inputErrors: string[];
  rosterErrors: RosterProblem[];
  rosterWarnings: RosterProblem[];
  roster?: { units: number; usableUnits: number; rowsWithErrors: number[]; fatal: boolean };
  previews: UnitKindPreview[];
}

export interface LaunchSummary {
  campaignId: string;
  planTitle: string;
  started: number;
  alreadyRunning: number;
  refused: number;
  units: { unitId: string; unitName: string; outcome: 'started' | 'already_running' | 'refused'; reason?: string }[];
  skippedRows: number[];
  elapsedMs: number;
  /** Logins issued by this start; the plain tokens are shown only now. */
  tokens?: IssuedLogin[];
}

/** One point of the server's progress history. */
export interface ProgressSample {
  at: string;
  byStage: Record<string, number>;
  overdue: number;
  remedial: number;
}

export type ResolutionKind = 'received' | 'resent' | 'address_fixed' | 'other';

export const RESOLUTION_LABELS: Record<ResolutionKind, string> = {
  received: '已核实收到',
  resent: '已人工补发',
  address_fixed: '已更正地址',
  other: '其他',
};

/** How the office dealt with a problem delivery; the delivery's own status does not change. */
export interface ProblemResolution {
  kind: ResolutionKind;
  kindLabel: string;
  by: string;
  at: string;
  note?: string;
}

/** One delivery the office must look at (GET …/notification-problems). */
export interface DeliveryProblem {
  /** Short id (sha256 prefix of the delivery key) the resolution route accepts. */
  id: string;
  deliveryKey: string;
  at: string;
  /** failed: not delivered, never retried; uncertain: a send was interrupted, never resent automatically. */
  status: 'failed' | 'uncertain';
  statusLabel: string;
  channel: string;
  channelLabel: string;
  role: string;
  roleLabel: string;
  recipientName: string;
  recipient: string;
  address: string;
  notificationId: string;
  campaignId?: string;
  unitId?: string;
  event: string;
  eventLabel: string;
  errorCode: string;
  reason: string;
  attempts: number;
  resolution?: ProblemResolution;
}

export interface DeliveryProblemList {
  campaignId?: string;
  problems: DeliveryProblem[];
  /** Open (unresolved) ones. */
  failed: number;
  uncertain: number;
  resolved: number;
  includeResolved: boolean;
  truncated: boolean;
}

export interface IssuedLogin {
  token: string;
  role: 'office' | 'group' | 'unit';
  personId: string;
  name: string;
  unitId?: string;
  groupId?: string;
  email?: string;
  mobile?: string;
}

export interface LaunchFiles {
  plan?: File;
  roster?: File;
  groups?: File;
  start: string;
  skipBadRows?: boolean;
}

const launchForm = (f: LaunchFiles): FormData => {
  const form = new FormData();
  // Text fields first: the server reads the parts in order.
  form.append('start', f.start);
  if (f.skipBadRows) form.append('skipBadRows', 'true');
  for (const k of ['plan', 'roster', 'groups'] as const) {
    const file = f[k];
    if (file) form.append(k, file, file.name);
  }
  return form;
};

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'campaign-console-token';

export const session = {
  token: (): string | null => localStorage.getItem(TOKEN_KEY),
  save: (token: string) => localStorage.setItem(TOKEN_KEY, token),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, token = session.token()): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload ?? null });
  } catch {
    throw new ApiFailure(0, '无法连接服务器，请检查网络后重试');
  }
  if (!res.ok) {
    let message = `请求失败（${res.status}）`;
    let problems: string[] = [];
    try {
      const err = (await res.json()) as { message?: string; problems?: string[] };
      message = err.message ?? message;
      problems = err.problems ?? [];
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiFailure(res.status, message, problems);
  }
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.blob()) as T;
}

const query = (f: UnitFilter & { limit?: number }): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

const c = (campaignId: string) => `/api/campaigns/${encodeURIComponent(campaignId)}`;
const u = (campaignId: string, unitId: string) => `${c(campaignId)}/units/${encodeURIComponent(unitId)}`;

export const api = {
  me: (token?: string) => call<Me>('GET', '/api/me', undefined, token ?? session.token()),
  overview: (campaignId: string) => call<Overview>('GET', `${c(campaignId)}/overview`),
  progress: (campaignId: string) => call<{ intervalMs: number; samples: ProgressSample[] }>('GET', `${c(campaignId)}/progress`),
  units: (campaignId: string, f: UnitFilter = {}) => call<{ units: UnitRow[] }>('GET', `${c(campaignId)}/units${query({ ...f, limit: 500 })}`).then((r) => r.units),
  overdue: (campaignId: string, f: UnitFilter = {}) => call<OverdueItem[] | { items: OverdueItem[] }>('GET', `${c(campaignId)}/overdue${query(f)}`).then((r) => (Array.isArray(r) ? r : r.items)),
  unit: (campaignId: string, unitId: string) => call<UnitCampaignStatus>('GET', u(campaignId, unitId)),
  upload: (campaignId: string, unitId: string, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return call<{ ref: string; filename: string; size: number }>('POST', `${u(campaignId, unitId)}/files`, form);
  },
  submit: (campaignId: string, unitId: string, body: { taskId: string; summary: string; fileRefs: string[] }) => call<UnitCampaignStatus>('POST', `${u(campaignId, unitId)}/submit`, body),
  review: (campaignId: string, unitId: string, body: { taskId: string; decision: 'approve' | 'return'; reasons?: string[]; failedItems?: string[] }) =>
    call<UnitCampaignStatus>('POST', `${u(campaignId, unitId)}/review`, body),
  acknowledge: (campaignId: string, unitId: string, body: { taskId: string; level: number; note?: string }) => call<UnitCampaignStatus>('POST', `${u(campaignId, unitId)}/acknowledge`, body),
  extend: (campaignId: string, unitId: string, body: { taskId: string; newDue: string; reason: string }) => call<UnitCampaignStatus>('POST', `${u(campaignId, unitId)}/extend`, body),
  addGap: (campaignId: string, unitId: string, body: { title: string; note?: string }) => call<UnitCampaignStatus>('POST', `${u(campaignId, unitId)}/gap-items`, body),
  preview: (campaignId: string, f: LaunchFiles) => call<CampaignPreview>('POST', `${c(campaignId)}/preview`, launchForm(f)),
  start: (campaignId: string, f: LaunchFiles) => call<LaunchSummary>('POST', `${c(campaignId)}/start`, launchForm(f)),
  report: (campaignId: string) => call<Blob>('GET', `${c(campaignId)}/report.xlsx`),
  notificationProblems: (campaignId: string, o: { limit?: number; includeResolved?: boolean } = {}) =>
    call<DeliveryProblemList>('GET', `${c(campaignId)}/notification-problems?limit=${o.limit ?? 100}${o.includeResolved ? '&includeResolved=true' : ''}`),
  resolveNotificationProblem: (campaignId: string, id: string, body: { kind: ResolutionKind; note?: string }) =>
    call<DeliveryProblem>('POST', `${c(campaignId)}/notification-problems/${encodeURIComponent(id)}/resolution`, body),
};

/** Ready-made logins, served next to the console only when the demo runs. */
export interface DemoLogin {
  role: Role;
  label: string;
  token: string;
}

export async function demoLogins(): Promise<DemoLogin[]> {
  try {
    const res = await fetch('/demo-logins.json');
    return res.ok ? ((await res.json()) as DemoLogin[]) : [];
  } catch {
    return [];
  }
}
