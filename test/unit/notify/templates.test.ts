import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileTemplate,
  TemplateRenderError,
  TemplateSyntaxError,
} from '../../../activities/notify/render.js';
import { smsSegments } from '../../../activities/notify/sms/sms-sender.js';
import { loadTemplates, TemplateLoadError } from '../../../activities/notify/templates.js';
import { EVENT_KINDS } from '../../../activities/notify/types.js';
import { TEMPLATES_DIR } from './support/notify-fixture.js';
import { SAMPLE_FACTS } from './support/sample-facts.js';

const ctx = { recipient: { name: '张明', role: 'liaison' }, office: '区学习实践活动办公室' };
const templates = loadTemplates(TEMPLATES_DIR);

describe('notification templates', () => {
  it('has one template per event', () => {
    expect([...templates.events].sort()).toEqual([...EVENT_KINDS].sort());
  });

  for (const event of EVENT_KINDS) {
    it(`renders ${event} for every channel`, () => {
      const facts = SAMPLE_FACTS[event];
      const email = templates.email(event, facts, ctx);
      const sms = templates.sms(event, facts, ctx);
      const robot = templates.robot(event, facts, ctx);
      expect({ email: { subject: email.subject, text: email.text }, sms, robot }).toMatchSnapshot();
      expect(email.text).toContain('张明同志');
      expect(email.html).toContain('<p>张明同志：</p>');
      expect(email.subject).not.toMatch(/\n/);
      // A single SMS part where possible, never more than the configured cap of 3.
      expect(smsSegments(sms.text)).toBeLessThanOrEqual(2);
      expect(sms.text.startsWith('【区学习实践活动办公室】')).toBe(true);
      expect(Object.values(sms.aliyun.params).every((v) => v.length > 0)).toBe(true);
      expect(sms.tencent.params.length).toBeGreaterThan(0);
      expect(robot.markdown).toContain('城关镇东街社区');
    });
  }

  it('lists return reasons and gap items with numbers', () => {
    const returned = templates.email('returned', SAMPLE_FACTS.returned, ctx).text;
    expect(returned).toContain('1. 征求意见范围不广\n2. 查找突出问题不准');
    const gaps = templates.email('lookback_gaps', SAMPLE_FACTS.lookback_gaps, ctx).text;
    expect(gaps).toContain('1. 谈心谈话记录（缺少3名党员）\n2. 专题组织生活会会议记录\n');
  });

  it('escapes facts in HTML so a roster cannot inject markup', () => {
    const email = templates.email(
      'approved',
      { ...SAMPLE_FACTS.approved, unit: '<script>alert(1)</script>&"' },
      ctx,
    );
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;');
    expect(email.text).toContain('<script>alert(1)</script>');
  });

  it('names every missing fact at once', () => {
    try {
      templates.email('reminder', { campaign: 'x' }, ctx);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateRenderError);
      const msg = (e as Error).message;
      for (const name of ['unit', 'task', 'deadline']) expect(msg).toContain(`「${name}」`);
    }
  });

  it('reports every broken template file with its name and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'));
    cpSync(TEMPLATES_DIR, dir, { recursive: true });
    const urge = join(dir, 'urge.yaml');
    writeFileSync(urge, readFileSync(urge, 'utf8').replace('subject: "', 'subject: "{{#if x}}'));
    writeFileSync(join(dir, 'approved.yaml'), 'event: approved\ntitle: 审核通过\n');
    try {
      loadTemplates(dir);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateLoadError);
      const issues = (e as TemplateLoadError).issues.join('\n');
      expect(issues).toMatch(/urge\.yaml：字段 subject：第 1 行：\{\{#if\}\} 缺少结束标记/);
      expect(issues).toMatch(/approved\.yaml：字段 subject/);
      expect(issues).toMatch(/approved\.yaml：字段 sms/);
    }
  });
});

describe('placeholder syntax', () => {
  it('supports optional values, if/else and each with objects', () => {
    const t = compileTemplate(
      '{{a}}{{b?}}|{{#if c}}yes{{else}}no{{/if}}|{{#each xs}}{{@n}}:{{.k}};{{/each}}',
    );
    expect(t.render({ a: 'A', c: false, xs: [{ k: 'p' }, { k: 'q' }] }, 'text')).toBe('A|no|1:p;2:q;');
    expect(t.paths).toEqual(['a', 'b', 'c', 'xs']);
  });

  it('rejects malformed tags with line numbers', () => {
    try {
      compileTemplate('ok\n{{#loop x}}\n{{/if}}\n{{bad name}}');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateSyntaxError);
      const issues = (e as TemplateSyntaxError).issues;
      expect(issues).toHaveLength(3);
      expect(issues[0]).toContain('第 2 行');
      expect(issues[1]).toContain('第 3 行');
      expect(issues[2]).toContain('第 4 行');
    }
  });

  it('drops control characters from facts', () => {
    expect(compileTemplate('{{x}}').render({ x: 'a\u0000b\u001bc\nd' }, 'text')).toBe('abc\nd');
  });
});
