/**
 * The Word 简报 from fixed report data, opened as XML: the masthead, the four headings in order,
 * the 红黄绿 tables (each row and the 合计 agreeing with the units), the chart as a PNG, the
 * period's 督办/通报 and the surveys; the same data gives the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { briefingOf, issueNumber } from '../../../app/report/briefing.js';
import { BRIEFING_HEADINGS, briefingDocx } from '../../../app/report/briefing-docx.js';
import { readDocx } from './docx-xml.js';
import { SAMPLE_REPORT } from './sample-report.js';

const OPTIONS = {
  campaignTitle: '全区镇机关深入学习实践科学发展观活动',
  officeName: '区学习实践活动办公室',
  date: '2009-11-10',
};

describe('the 简报 in Word', () => {
  it('has the masthead, the headings and the tables of the report data', async () => {
    const doc = await readDocx(await briefingDocx(briefingOf(SAMPLE_REPORT, OPTIONS)));
    const texts = doc.paragraphs.map((p) => p.text).filter((t) => t !== '');
    expect(texts.slice(0, 4)).toEqual([
      '学习实践活动简报',
      '第9期',
      '区学习实践活动办公室\t2009年11月10日',
      '全区镇机关深入学习实践科学发展观活动进展情况',
    ]);
    expect(doc.xml).toContain('w:color w:val="C00000"');
    expect(doc.paragraphs.filter((p) => p.style === 'Heading1').map((p) => p.text)).toEqual([
      ...BRIEFING_HEADINGS,
    ]);
    expect(texts).toContain(
      '截至2009年11月10日，本次活动共有参学单位 5 个，其中已完成全部工作、进入资料归档的 1 个，正在进行的 4 个。',
    );
    expect(texts).toContain(
      '按红黄绿三色督办：红色 1 个，黄色 2 个，绿色 2 个。有逾期事项的单位 2 个，逾期事项共 3 项；正在补课的单位 1 个。',
    );

    const [byStage, byGroup, escalations, surveys] = doc.tables;
    expect(byStage).toEqual([
      ['阶段', '红', '黄', '绿', '合计'],
      ['学习调研阶段', '0', '1', '0', '1'],
      ['分析检查阶段', '1', '0', '1', '2'],
      ['整改落实阶段', '0', '1', '0', '1'],
      ['已完成', '0', '0', '1', '1'],
      ['合计', '1', '2', '2', '5'],
    ]);
    expect(byGroup).toEqual([
      ['指导组', '红', '黄', '绿', '合计'],
      ['第一指导检查组', '1', '0', '1', '2'],
      ['第二指导检查组', '0', '2', '1', '3'],
      ['合计', '1', '2', '2', '5'],
    ]);
    // The week's 督办 and 通报 only: not the 催办 to the unit itself, nor October's 督办.
    expect(escalations!.slice(1)).toEqual([
      ['1', '青山镇机关', '撰写分析检查报告', '通报（第4级）', '2009-11-09 09:00', '未签收', '未办结'],
      ['2', '东岭镇机关', '开展调研走访', '指导组督办（第3级）', '2009-11-06 09:00', '已签收', '未办结'],
    ]);
    expect(surveys!.slice(1)).toEqual([
      ['西湾镇机关', '第1次', '50', '40.0%', '60.0%', '须补课'],
      ['南坪镇机关', '第1次', '50', '90.0%', '10.0%', '通过'],
    ]);
    expect(doc.media).toHaveLength(1);
    expect(doc.media[0]!.subarray(1, 4).toString()).toBe('PNG');
  });

  it('is the same bytes for the same data, and says so when nothing happened', async () => {
    const b = briefingOf(SAMPLE_REPORT, OPTIONS);
    expect((await briefingDocx(b)).equals(await briefingDocx(b))).toBe(true);
    const quiet = await readDocx(
      await briefingDocx(briefingOf({ ...SAMPLE_REPORT, escalations: [], surveys: [] }, OPTIONS)),
    );
    const texts = quiet.paragraphs.map((p) => p.text);
    expect(texts).toContain('2009年11月4日至2009年11月10日，没有发出督办或通报。');
    expect(texts).toContain('目前还没有单位开展群众满意度测评。');
  });

  it('numbers the issues by the week of the campaign', () => {
    expect(issueNumber('2009-09-15', '2009-09-15')).toBe(1);
    expect(issueNumber('2009-09-15', '2009-09-21')).toBe(1);
    expect(issueNumber('2009-09-15', '2009-09-22')).toBe(2);
    expect(issueNumber('2009-09-15T09:00:00+08:00', '2009-11-10')).toBe(9);
    expect(issueNumber(undefined, '2009-11-10')).toBe(1);
  });
});
