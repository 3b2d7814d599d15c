import { describe, expect, it } from 'vitest';
import { startProblem } from '../../../domain/schedule/start-text.js';

describe('campaign start as typed', () => {
  it('accepts dates and instants with an offset', () => {
    for (const ok of [
      '2009-09-15',
      '2008-02-29',
      '2009-09-15T09:00:00+08:00',
      '2009-09-15T09:00+08:00',
      '2009-09-15T01:00:00.5Z',
    ])
      expect(startProblem(ok)).toBeUndefined();
  });

  it('refuses impossible dates in Chinese, naming what is wrong', () => {
    expect(startProblem('2008-09-31')).toBe('「2008-09-31」不是有效日期：2008年9月只有30天');
    expect(startProblem('2009-02-29')).toBe('「2009-02-29」不是有效日期：2009年2月只有28天');
    expect(startProblem('2009-13-01')).toBe('「2009-13-01」不是有效日期：月份应在 1–12 之间');
    expect(startProblem('2009-09-00')).toBe('「2009-09-00」不是有效日期：2009年9月只有30天');
    expect(startProblem('2009-09-15T24:00:00+08:00')).toBe(
      '「2009-09-15T24:00:00+08:00」不是有效时刻：小时应在 00–23 之间',
    );
    expect(startProblem('2009-09-15T09:60+08:00')).toBe(
      '「2009-09-15T09:60+08:00」不是有效时刻：分、秒应在 00–59 之间',
    );
  });

  it('refuses other forms, with the forms it accepts', () => {
    for (const bad of ['2009-9-15', '2009/09/15', '明天', '2009-09-15T09:00', '2009-09-15 09:00+08:00']) {
      expect(startProblem(bad)).toBe(
        `「${bad}」不是日期（2009-09-15）或带时区的时刻（2009-09-15T09:00:00+08:00）`,
      );
    }
  });
});
