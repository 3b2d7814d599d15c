import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addWorkingDays,
  isInOfficeHours,
  localDateOf,
  makeCalendar,
  ms,
  shiftDeadline,
  workingDaysBefore,
  workingDaysBetween,
  type DeadlineRule,
} from '../../../domain/calendar/index.js';
import { computeEscalations } from '../../../domain/schedule/escalations.js';
import { computeReminders } from '../../../domain/schedule/reminders.js';

const cal = makeCalendar({ kind: 'cn' });

// Any date in the years the holiday data covers, weighted towards the seeds' 2009–2010.
const date = fc.oneof(
  fc.integer({ min: 0, max: 8400 }).map((n) => addDays('2004-01-01', n)),
  fc.integer({ min: 0, max: 540 }).map((n) => addDays('2009-08-01', n)),
);

describe('calendar rules (property tests)', () => {
  it('N working days before X is a working day with exactly N−1 working days strictly between', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 40 }), (x, n) => {
        const d = workingDaysBefore(cal, x, n);
        expect(cal.isWorkingDay(d)).toBe(true);
        expect(d < x).toBe(true);
        expect(workingDaysBetween(cal, d, x)).toBe(n - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('adding N working days and going back N returns to the working day', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 40 }), (x, n) => {
        const start = cal.isWorkingDay(x) ? x : addWorkingDays(cal, x, 1);
        expect(addWorkingDays(cal, addWorkingDays(cal, start, n), -n)).toBe(start);
      }),
      { numRuns: 200 },
    );
  });

  it('a shifted deadline is a working day with no working day between it and the original', () => {
    fc.assert(
      fc.property(
        date,
        fc.constantFrom<DeadlineRule>('previous_working_day', 'next_working_day'),
        (x, rule) => {
          const d = shiftDeadline(cal, x, rule);
          expect(cal.isWorkingDay(d)).toBe(true);
          if (cal.isWorkingDay(x)) expect(d).toBe(x);
          const [a, b] = d <= x ? [d, x] : [x, d];
          expect(workingDaysBetween(cal, a, b)).toBe(0);
          expect(rule === 'previous_working_day' ? d <= x : d >= x).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reminders land on working days in office hours, within [opening, due), without duplicates', () => {
    const policy = {
      workingDaysBefore: [5, 3, 1],
      onDueDay: '09:00',
      before: ['2h', '1d'],
      onOpen: true,
      to: ['liaison' as const],
    };
    fc.assert(
      fc.property(
        date,
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom<DeadlineRule>('keep', 'previous_working_day', 'next_working_day'),
        (open, len, oh, dh, rule) => {
          const due = shiftDeadline(cal, addDays(open, len), rule);
          const opensAt = `${open}T${String(oh).padStart(2, '0')}:00:00+08:00`;
          const dueAt = `${due}T${String(dh).padStart(2, '0')}:30:00+08:00`;
          fc.pre(ms(dueAt) > ms(opensAt));
          const rs = computeReminders(cal, policy, opensAt, dueAt);
          const times = rs.map((r) => ms(r.at));
          expect(new Set(times).size).toBe(times.length);
          for (const r of rs) {
            expect(isInOfficeHours(cal, r.at), r.at).toBe(true);
            expect(cal.isWorkingDay(localDateOf(cal, r.at))).toBe(true);
            expect(ms(r.at)).toBeGreaterThanOrEqual(ms(opensAt));
            expect(ms(r.at)).toBeLessThan(ms(dueAt));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('escalation levels fire after the due instant, in order, in office hours', () => {
    const policy = {
      levels: [
        { level: 1, after: '0d', to: ['liaison' as const], cc: [] },
        { level: 2, after: '1d', to: ['unit_head' as const], cc: [] },
        { level: 3, after: '2d', to: ['supervisor_group' as const], cc: [] },
        { level: 4, after: '3wd', to: ['office' as const], cc: ['paired_agency' as const] },
      ],
    };
    fc.assert(
      fc.property(date, fc.integer({ min: 0, max: 23 }), (due, h) => {
        const dueAt = `${due}T${String(h).padStart(2, '0')}:15:00+08:00`;
        const es = computeEscalations(cal, policy, dueAt);
        let prev = ms(dueAt);
        for (const e of es) {
          expect(isInOfficeHours(cal, e.at), e.at).toBe(true);
          expect(ms(e.at)).toBeGreaterThan(prev);
          prev = ms(e.at);
        }
      }),
      { numRuns: 300 },
    );
  });
});
