import { makeCalendar, type WorkCalendar } from '../../domain/calendar/index.js';

/**
 * @deprecated Kept only for existing imports: it is now the project calendar (domain/calendar,
 * which reads chinese-days plus its own overrides). Pass `calendarForPlan(plan)` or omit the
 * calendar (the worker builds one from its configured office hours).
 */
export const chineseDaysCalendar: WorkCalendar = makeCalendar({ kind: 'cn', zone: 'Asia/Shanghai' });
