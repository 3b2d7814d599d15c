/**
 * The console's only way to the server: the HTTP API (docs/api.md), with the token from the login
 * page. The request and reply shapes are the server's own (client/api/wire, type-only imports:
 * nothing of the server is bundled), so a changed field fails `npm run typecheck` on both sides.
 */
import type { UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';
import type { CampaignArchiveProgress } from '../../client/api/wire/archive.js';
import type { CampaignPreview } from '../../client/api/wire/campaign-preview.js';
import type {
  DeliveryProblem,
  DeliveryProblemList,
  DeliveryProblemQuery,
} from '../../client/api/wire/delivery-problems.js';
import type { ErrorBody } from '../../client/api/wire/errors.js';
import type { LaunchSummary } from '../../client/api/wire/launch.js';
import type { OverdueList } from '../../client/api/wire/overdue.js';
import type { CampaignOverview } from '../../client/api/wire/overview.js';
import type { ProgressReply } from '../../client/api/wire/progress.js';
import type { ResolutionRequest } from '../../client/api/wire/resolution-body.js';
import type { Me, Role } from '../../client/api/wire/session.js';
import type { OperationBodies } from '../../client/api/wire/unit-operations.js';
import type { UnitList, UnitListQuery } from '../../client/api/wire/units.js';
import type {
  ExtensionBatchBody,
  ExtensionBatchReply,
  PendingExtensionList,
} from '../../client/api/wire/extensions.js';
import type { UnitHealthList } from '../../client/api/wire/unit-health.js';
import type {
  BoardEscalationPage,
  BoardOverview,
  BoardPageQuery,
  BoardReviewPage,
  BoardSurveySummary,
  BoardUnitPage,
  BoardUnitsQuery,
} from '../../client/api/wire/board.js';
import type { UploadReply } from '../../client/api/wire/uploads.js';

export type {
  UnitCampaignStatus,
  TaskView,
  EscalationView,
  SurveyRecord,
} from '../../workflows/unit-campaign/messages.js';
export type { CampaignArchiveProgress } from '../../client/api/wire/archive.js';
export type {
  CampaignPreview,
  PreviewTask,
  UnitKindPreview,
} from '../../client/api/wire/campaign-preview.js';
export type {
  DeliveryProblem,
  DeliveryProblemList,
  ProblemResolution,
  ResolutionKind,
  WorkflowProblem,
} from '../../client/api/wire/delivery-problems.js';
export type { UnitHealthList } from '../../client/api/wire/unit-health.js';
export type {
  BoardEscalationItem,
  BoardEscalationPage,
  BoardOverview,
  BoardPageQuery,
  BoardRag,
  BoardReviewPage,
  BoardSurveySummary,
  BoardUnitPage,
  BoardUnitRow,
  BoardUnitsQuery,
} from '../../client/api/wire/board.js';
export type { CalendarAddResult, CalendarYears, StoredCalendarYear } from '../../client/api/wire/calendar.js';
import type { CalendarAddResult, CalendarYears } from '../../client/api/wire/calendar.js';
export type { LaunchSummary, UnitLaunchOutcome } from '../../client/api/wire/launch.js';
export type { OverdueItem } from '../../client/api/wire/overdue.js';
export type { CampaignOverview, CountBucket } from '../../client/api/wire/overview.js';
export type { ProgressSample } from '../../client/api/wire/progress.js';
export type { IssuedToken, Me, Role } from '../../client/api/wire/session.js';
export type { UnitListQuery, UnitRow } from '../../client/api/wire/units.js';
export type { PendingExtensionRow, ExtensionBatchReply } from '../../client/api/wire/extensions.js';
// The one value shared with the server: the labels it writes into kindLabel (a plain constant).
export { RESOLUTION_LABELS } from '../../client/api/wire/delivery-problems.js';

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

async function call<T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  token = session.token(),
): Promise<T> {
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
      const err = (await res.json()) as Partial<ErrorBody>;
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

const query = (f: UnitListQuery | BoardUnitsQuery | BoardPageQuery): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

const c = (campaignId: string) => `/api/campaigns/${encodeURIComponent(campaignId)}`;
const u = (campaignId: string, unitId: string) => `${c(campaignId)}/units/${encodeURIComponent(unitId)}`;

export const api = {
  me: (token?: string) => call<Me>('GET', '/api/me', undefined, token ?? session.token()),
  overview: (campaignId: string) => call<CampaignOverview>('GET', `${c(campaignId)}/overview`),
  progress: (campaignId: string) => call<ProgressReply>('GET', `${c(campaignId)}/progress`),
  units: (campaignId: string, f: UnitListQuery = {}) =>
    call<UnitList>('GET', `${c(campaignId)}/units${query({ ...f, limit: 500 })}`).then((r) => r.units),
  overdue: (campaignId: string, f: UnitListQuery = {}) =>
    call<OverdueList>('GET', `${c(campaignId)}/overdue${query(f)}`).then((r) => r.items),
  unit: (campaignId: string, unitId: string) => call<UnitCampaignStatus>('GET', u(campaignId, unitId)),
  upload: (campaignId: string, unitId: string, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return call<UploadReply>('POST', `${u(campaignId, unitId)}/files`, form);
  },
  submit: (campaignId: string, unitId: string, body: OperationBodies['submit']) =>
    call<UnitCampaignStatus>('POST', `${u(campaignId, unitId)}/submit`, body),
  review: (campaignId: string, unitId: string, body: OperationBodies['review']) =>
    call<UnitCampaignStatus>('POST', `${u(campaignId, unitId)}/review`, body),
  acknowledge: (campaignId: string, unitId: string, body: OperationBodies['acknowledge']) =>
    call<UnitCampaignStatus>('POST', `${u(campaignId, unitId)}/acknowledge`, body),
  extend: (campaignId: string, unitId: string, body: OperationBodies['extend']) =>
    call<UnitCampaignStatus>('POST', `${u(campaignId, unitId)}/extend`, body),
  extensionRequests: (campaignId: string) =>
    call<PendingExtensionList>('GET', `${c(campaignId)}/extension-requests`).then((r) => r.requests),
  requestExtension: (campaignId: string, unitId: string, body: OperationBodies['requestExtension']) =>
    call<UnitCampaignStatus>('POST', `${u(campaignId, unitId)}/extension-request`, body),
  decideExtension: (campaignId: string, unitId: string, body: OperationBodies['decideExtension']) =>
    call<UnitCampaignStatus>('POST', `${u(campaignId, unitId)}/extension-decision`, body),
  decideExtensions: (campaignId: string, body: ExtensionBatchBody) =>
    call<ExtensionBatchReply>('POST', `${c(campaignId)}/extension-requests/decide`, body),
  addGap: (campaignId: string, unitId: string, body: OperationBodies['addGap']) =>
    call<UnitCampaignStatus>('POST', `${u(campaignId, unitId)}/gap-items`, body),
  preview: (campaignId: string, f: LaunchFiles) =>
    call<CampaignPreview>('POST', `${c(campaignId)}/preview`, launchForm(f)),
  start: (campaignId: string, f: LaunchFiles) =>
    call<LaunchSummary>('POST', `${c(campaignId)}/start`, launchForm(f)),
  report: (campaignId: string) => call<Blob>('GET', `${c(campaignId)}/report.xlsx`),
  briefing: (campaignId: string) => call<Blob>('GET', `${c(campaignId)}/briefing.docx`),
  unitArchive: (campaignId: string, unitId: string) =>
    call<Blob>('GET', `${u(campaignId, unitId)}/archive.zip`),
  campaignArchive: (campaignId: string) => call<CampaignArchiveProgress>('GET', `${c(campaignId)}/archive`),
  startCampaignArchive: (campaignId: string) =>
    call<CampaignArchiveProgress>('POST', `${c(campaignId)}/archive`),
  campaignArchiveZip: (campaignId: string) => call<Blob>('GET', `${c(campaignId)}/archive.zip`),
  board: (campaignId: string) => call<BoardOverview>('GET', `${c(campaignId)}/board`),
  boardUnits: (campaignId: string, q: BoardUnitsQuery = {}) =>
    call<BoardUnitPage>('GET', `${c(campaignId)}/board/units${query(q)}`),
  boardEscalations: (campaignId: string, q: BoardPageQuery = {}) =>
    call<BoardEscalationPage>('GET', `${c(campaignId)}/board/escalations${query(q)}`),
  boardSurveys: (campaignId: string, q: BoardPageQuery = {}) =>
    call<BoardSurveySummary>('GET', `${c(campaignId)}/board/surveys${query(q)}`),
  boardReviews: (campaignId: string, q: BoardPageQuery = {}) =>
    call<BoardReviewPage>('GET', `${c(campaignId)}/board/reviews${query(q)}`),
  unitHealth: (campaignId: string) => call<UnitHealthList>('GET', `${c(campaignId)}/unit-health`),
  notificationProblems: (campaignId: string, o: DeliveryProblemQuery = {}) =>
    call<DeliveryProblemList>(
      'GET',
      `${c(campaignId)}/notification-problems?limit=${o.limit ?? 100}${o.includeResolved ? '&includeResolved=true' : ''}`,
    ),
  calendarYears: () => call<CalendarYears>('GET', '/api/calendar'),
  addCalendarYear: (body: { format: 'yaml' | 'ics'; text: string }) =>
    call<CalendarAddResult>('POST', '/api/calendar', body),
  resolveNotificationProblem: (campaignId: string, id: string, body: ResolutionRequest) =>
    call<DeliveryProblem>(
      'POST',
      `${c(campaignId)}/notification-problems/${encodeURIComponent(id)}/resolution`,
      body,
    ),
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
