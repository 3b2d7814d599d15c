/** What `createApiServer` is given: its clients and stores, limits, and where things are kept. */
import type { Client } from '@temporalio/client';
import type { DeliveryLog } from '../../activities/notify/log/delivery-log.js';
import type { StatusStore } from '../../activities/status/status-store.js';
import type { CalendarStore } from '../../app/calendar/store.js';
import type { Office } from '../../app/people.js';
import type { ProgressHistoryOptions, ProgressStore } from '../../app/progress-history.js';
import type { ReadinessCheck } from './ops-routes.js';
import type { TokenStore } from './tokens.js';
import type { UploadRecords } from './upload-records.js';
import type { UploadStore } from './uploads.js';

export interface ApiServerOptions {
  temporalClient: Client;
  /** The status read model the workers publish to: every unit status the API returns comes from it. */
  statusStore: StatusStore;
  store: TokenStore;
  uploads: UploadStore;
  /** Default 20 MiB. */
  maxUploadBytes?: number;
  /** Requests per minute per token (however `Bearer` is spelt), or per address without one; default 120. */
  rateLimitPerMinute?: number;
  /** Refused tokens per minute from one address; past it that address's tokens are not checked (429). Default 20. */
  tokenFailuresPerAddressPerMinute?: number;
  /** Refused tokens per minute from all addresses together; past it no token is checked (429). Default 300. */
  tokenFailuresPerMinute?: number;
  logger?: boolean;
  now?: () => number;
  /**
   * Where uploaded plans are kept as `<id>.yaml`: the worker must read the same folder. Default
   * CAMPAIGN_PLANS_DIR, else the repository's plans/ (the worker's own default).
   */
  plansDir?: string;
  /** Task queue of units started from the console; default CAMPAIGN_TASK_QUEUE, else `campaign`. */
  taskQueue?: string;
  /** The office named in launched units' input (notifications sign with it). */
  office?: Office;
  /** Holiday years the office loaded (beside the delivery log); without it /api/calendar answers 503. */
  calendarStore?: CalendarStore;
  /**
   * Progress history for the chart. `timerMs`: also sample on a timer this often (default the
   * sampling interval; 0 = only when the office reads the overview).
   */
  progress?: ProgressHistoryOptions & { timerMs?: number; store?: ProgressStore };
  /** Who uploaded which file (listed per unit); without it uploads are stored but not recorded. */
  uploadRecords?: UploadRecords;
  /** What /readyz checks besides Temporal (e.g. the database). */
  readiness?: ReadinessCheck[];
  /**
   * The worker's delivery log (same DATABASE_URL / NOTIFY_SQLITE_PATH), for the office's 通知异常
   * list. Without it that route answers 503. The caller opens and closes it.
   */
  deliveryLog?: DeliveryLog;
  /** Folder of the campaign archives; default CAMPAIGN_ARCHIVE_DIR, else .data/archive. */
  archiveDir?: string;
  /** How often completed units are looked for and their archives kept (0, the default: never, archives are then built on demand only; the API process uses 60 s). */
  archiveAtCompletionMs?: number;
}
