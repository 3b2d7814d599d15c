/**
 * Next year's holidays over HTTP: the office uploads a year's 国务院办公厅 arrangement (YAML or
 * ICS text) and sees the stored versions. The upload is stored as a new version and sent to every
 * running unit (app/calendar/service.ts); the answer says how many units moved deadlines.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseHolidayFile } from '../../domain/calendar/holiday-file.js';
import { text } from '../../domain/input/fields.js';
import { addHolidayYear, type CalendarAddResult } from '../../app/calendar/service.js';
import type { CalendarStore, StoredCalendarYear } from '../../app/calendar/store.js';
import { InvalidRequest, Unavailable } from '../../domain/failures.js';
import { requireRole } from './access.js';
import { errorSchema } from './route-schemas.js';
import type { Principal } from './tokens.js';

export interface CalendarRouteOptions {
  client: Client;
  /** Absent when the API runs without the delivery log's store: the routes answer 503. */
  calendar?: CalendarStore | undefined;
  principalOf: (request: FastifyRequest) => Principal;
  now: () => number;
}

// A year is about 3 KB; 32 K characters stay below the server's 256 KB body limit in any script.
const TEXT_LIMIT = 32 * 1024;
const AddBody = z
  .object({
    format: z.enum(['yaml', 'ics'], { message: '只能是 yaml 或 ics' }),
    // Clean like every other input (no control characters); line breaks and tabs are text.
    text: text('节假日安排文件的内容', TEXT_LIMIT),
  })
  .strict();

const responses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  429: errorSchema,
  503: errorSchema,
};

export function registerCalendarRoutes(app: FastifyInstance, o: CalendarRouteOptions): void {
  const store = (): CalendarStore => {
    if (!o.calendar)
      throw new Unavailable('节假日安排库未配置（与通知记录库相同：DATABASE_URL 或 NOTIFY_SQLITE_PATH）');
    return o.calendar;
  };

  app.get<{ Reply: { years: StoredCalendarYear[] } }>(
    '/api/calendar',
    {
      schema: {
        summary: '已载入的节假日安排：每年每个版本（所依据的通知、载入人、时间、日期）',
        tags: ['节假日安排'],
        response: responses,
      },
    },
    async (request) => {
      requireRole(o.principalOf(request), 'calendar');
      return { years: await store().history() };
    },
  );

  app.post<{ Body: unknown; Reply: CalendarAddResult }>(
    '/api/calendar',
    {
      schema: {
        summary:
          '载入一年的节假日安排（国务院办公厅通知，YAML 或 ICS 文本）：存为新版本，并发给所有进行中的单位，落在放假日的期限按计划规则调整并通知单位',
        tags: ['节假日安排'],
        body: AddBody,
        response: responses,
      },
    },
    async (request) => {
      const p = o.principalOf(request);
      requireRole(p, 'calendar');
      const parsed = AddBody.safeParse(request.body);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '请求'}：${i.message}`);
        throw new InvalidRequest(problems.join('；'), problems);
      }
      // The file's own problems come first (400), whether or not a store is configured.
      const file = parseHolidayFile(parsed.data.text, parsed.data.format);
      if (!file.ok) {
        const problems = file.problems.map((m) => `text：${m}`);
        throw new InvalidRequest(problems.join('；'), problems);
      }
      return addHolidayYear({ client: o.client, calendar: store() }, parsed.data, p.personId, {
        now: () => new Date(o.now()),
      });
    },
  );
}
