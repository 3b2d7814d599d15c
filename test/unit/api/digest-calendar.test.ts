import { describe, expect, it } from 'vitest';
import { makeCalendar } from '../../../domain/calendar/index.js';
import { digestsDue } from '../../../workflows/digest/decide.js';

const cn = makeCalendar({ kind: 'cn' });

describe('digest days follow the working-day calendar', () => {
  it('an ordinary week: daily every weekday, the 简报 on Monday, nothing at the weekend', () => {
    expect(digestsDue(cn, '2009-09-14')).toEqual(['daily', 'weekly']); // Monday
    expect(digestsDue(cn, '2009-09-15')).toEqual(['daily']);
    expect(digestsDue(cn, '2009-09-19')).toEqual([]); // Saturday
  });

  it('National Day 2009: nothing during the holiday, the 简报 on the first working day after it, 调休 Saturday works', () => {
    for (const d of ['2009-10-01', '2009-10-05', '2009-10-08']) expect(digestsDue(cn, d), d).toEqual([]);
    expect(digestsDue(cn, '2009-10-09')).toEqual(['daily', 'weekly']); // Friday, first working day of that week
    expect(digestsDue(cn, '2009-10-10')).toEqual(['daily']); // make-up Saturday
    expect(digestsDue(cn, '2009-09-27')).toEqual(['daily']); // make-up Sunday in a week that already worked
  });

  it('Spring Festival 2010 week: the 简报 waits for the first working day', () => {
    // 2010-02-13..19 holiday (Sat–Fri); 20 and 21 (Sat, Sun) are make-up working days.
    expect(digestsDue(cn, '2010-02-15')).toEqual([]);
    expect(digestsDue(cn, '2010-02-20')).toEqual(['daily', 'weekly']);
    expect(digestsDue(cn, '2010-02-21')).toEqual(['daily']);
  });
});
