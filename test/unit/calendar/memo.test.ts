import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addSeconds,
  addWorkingDays,
  localDateOf,
  localInstant,
  localTimeOf,
  makeCalendar,
  type WorkCalendar,
} from '../../../domain/calendar/index.js';
import { stringMemo } from '../../../domain/calendar/memo.js';

describe('stringMemo', () => {
  it('computes once per key and answers repeats from memory', () => {
    const memo = stringMemo(10);
    let calls = 0;
    const compute = (v: string) => () => {
      calls += 1;
      return v;
    };
    expect(memo.get('a', compute('A'))).toBe('A');
    expect(memo.get('a', compute('other'))).toBe('A');
    expect(memo.get('b', compute('B'))).toBe('B');
    expect(calls).toBe(2);
    expect(memo.size).toBe(2);
  });

  it('never remembers an input that throws', () => {
    const memo = stringMemo(10);
    expect(() =>
      memo.get('bad', () => {
        throw new Error('invalid');
      }),
    ).toThrow('invalid');
    expect(memo.size).toBe(0);
    expect(memo.get('bad', () => 'fixed')).toBe('fixed');
  });

  it('stays within its bound and still answers correctly after starting over', () => {
    const limit = 5;
    const memo = stringMemo(limit);
    for (let i = 0; i < 23; i++) {
      expect(memo.get(`k${i}`, () => `v${i}`)).toBe(`v${i}`);
      expect(memo.size).toBeLessThanOrEqual(limit);
    }
    expect(memo.get('k0', () => 'v0 again')).toBe('v0 again');
  });
});

// The memoised calendar functions must answer exactly what luxon computes, whether the memo is
// cold or warm and in whatever order questions come (workflows of one worker share the memo).
describe('memoised instants agree with a direct luxon computation', () => {
  const zones = [
    'Asia/Shanghai',
    'Europe/Berlin',
    'America/New_York',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
  ];
  const date = fc
    .date({
      min: new Date('1985-01-01T00:00:00Z'),
      max: new Date('2035-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10));
  const time = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 59), fc.constantFrom(0, 30))
    .map(([h, m, s]) => [h, m, s].map((n) => String(n).padStart(2, '0')).join(':'));

  it('localInstant, localDateOf, localTimeOf and addSeconds, asked twice', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        date,
        fc.oneof(time, fc.constant('24:00')),
        fc.integer({ min: -400_000, max: 400_000 }),
        (zone, d, t, secs) => {
          const cal = makeCalendar({ kind: 'weekdays', zone });
          const [h, m, s] = t.split(':').map(Number);
          const direct = DateTime.fromISO(d, { zone })
            .startOf('day')
            .plus({ hours: h ?? 0, minutes: m ?? 0, seconds: s ?? 0 });
          const expected = direct.toISO({ suppressMilliseconds: true });
          for (let round = 0; round < 2; round++) {
            const at = localInstant(cal, d, t);
            expect(at).toBe(expected);
            const parsed = DateTime.fromISO(at, { setZone: true }).setZone(zone);
            expect(localDateOf(cal, at)).toBe(parsed.toISODate());
            expect(localTimeOf(cal, at)).toBe(parsed.toFormat('HH:mm:ss'));
            expect(addSeconds(cal, at, secs)).toBe(
              parsed.plus({ seconds: secs }).toISO({ suppressMilliseconds: true }),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps zones apart: the same local date and time in two zones are two instants', () => {
    const shanghai = makeCalendar({ kind: 'cn', zone: 'Asia/Shanghai' });
    const berlin = makeCalendar({ kind: 'weekdays', zone: 'Europe/Berlin' });
    const a = localInstant(shanghai, '2009-10-09', '17:30');
    const b = localInstant(berlin, '2009-10-09', '17:30');
    expect(a).not.toBe(b);
    expect(localDateOf(berlin, a)).toBe(DateTime.fromISO(a).setZone('Europe/Berlin').toISODate());
  });
});

describe('shared calendars', () => {
  it('one calendar per distinct options, frozen, with the caller unable to change it afterwards', () => {
    const hours = { start: '08:30', end: '17:00' };
    const overrides = [{ date: '2031-10-01', working: false, note: '国庆节' }];
    const a = makeCalendar({ kind: 'cn', zone: 'Asia/Shanghai', officeHours: hours, overrides });
    const b = makeCalendar({
      kind: 'cn',
      zone: 'Asia/Shanghai',
      officeHours: { ...hours },
      overrides: overrides.map((o) => ({ ...o })),
    });
    expect(b).toBe(a);
    expect(makeCalendar({ kind: 'cn', zone: 'Asia/Shanghai', officeHours: hours })).not.toBe(a);
    expect(
      makeCalendar({
        kind: 'cn',
        zone: 'Asia/Shanghai',
        officeHours: { start: '09:00', end: '17:00' },
        overrides,
      }),
    ).not.toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.dayInfo('2031-10-01'))).toBe(true);
    hours.start = '06:00';
    overrides[0]!.working = true;
    expect(a.officeHours.start).toBe('08:30');
    expect(a.isWorkingDay('2031-10-01')).toBe(false);
  });

  it('remembered working-day steps agree with counting on a calendar that is not shared', () => {
    const shared = makeCalendar({ kind: 'cn', zone: 'Asia/Shanghai' });
    // A hand-made calendar (not from makeCalendar) is never memoised: it is the reference.
    const reference: WorkCalendar = {
      kind: shared.kind,
      zone: shared.zone,
      officeHours: shared.officeHours,
      dayInfo: (d) => shared.dayInfo(d),
      isWorkingDay: (d) => shared.isWorkingDay(d),
      coversYear: (y) => shared.coversYear(y),
    };
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2004-01-01T00:00:00Z'),
          max: new Date('2026-12-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -30, max: 30 }),
        (d, n) => {
          const date = d.toISOString().slice(0, 10);
          const expected = addWorkingDays(reference, date, n);
          expect(addWorkingDays(shared, date, n)).toBe(expected);
          expect(addWorkingDays(shared, date, n)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
