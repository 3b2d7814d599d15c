import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  compileTemplate,
  escapeHtml,
  TemplateRenderError,
  TemplateSyntaxError,
  type CompiledTemplate,
} from './render.js';
import { EVENT_KINDS, type EventKind, type Facts } from './types.js';

/** The YAML an office edits: one file per event under templates/notify/. */
const TemplateFileSchema = z.object({
  event: z.enum(EVENT_KINDS),
  title: z.string().min(1),
  subject: z.string().min(1),
  text: z.string().min(1),
  html: z.string().min(1).optional(),
  sms: z.object({
    text: z.string().min(1),
    aliyun: z.object({ templateCode: z.string().min(1), params: z.record(z.string(), z.string()) }),
    tencent: z.object({ templateId: z.string().regex(/^\d+$/), params: z.array(z.string()) }),
  }),
  robot: z.object({ title: z.string().min(1), markdown: z.string().min(1) }),
});

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}
export interface SmsContent {
  /** Full text as the phone shows it, 【签名】 included: sent by the generic gateway, and measured for length. */
  text: string;
  aliyun: { templateCode: string; params: Record<string, string> };
  tencent: { templateId: string; params: string[] };
}
export interface RobotContent {
  title: string;
  markdown: string;
}

export interface RenderContext {
  recipient: { name: string; role: string };
  office: string;
}

interface CompiledEvent {
  file: string;
  title: string;
  subject: CompiledTemplate;
  text: CompiledTemplate;
  html?: CompiledTemplate;
  sms: {
    text: CompiledTemplate;
    aliyun: { templateCode: string; params: [string, CompiledTemplate][] };
    tencent: { templateId: string; params: CompiledTemplate[] };
  };
  robot: { title: CompiledTemplate; markdown: CompiledTemplate };
}

export class TemplateLoadError extends Error {
  constructor(readonly issues: string[]) {
    super(`通知模板有误：\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'TemplateLoadError';
  }
}

export interface TemplateSet {
  readonly events: readonly EventKind[];
  title(event: EventKind): string;
  email(event: EventKind, facts: Facts, ctx: RenderContext): EmailContent;
  sms(event: EventKind, facts: Facts, ctx: RenderContext): SmsContent;
  robot(event: EventKind, facts: Facts, ctx: RenderContext): RobotContent;
}

/** Template output is read by people: drop the blank lines left by {{#if}} lines, keep paragraphs. */
function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** A plain, mail-client-safe HTML body made from the text body: everything escaped, paragraphs kept. */
export function htmlFromText(text: string, title: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
  return `<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body style="font-family:'Microsoft YaHei','PingFang SC',sans-serif;font-size:15px;line-height:1.7">\n${paragraphs}\n</body></html>`;
}

export function loadTemplates(dir: string): TemplateSet {
  const issues: string[] = [];
  const compiled = new Map<EventKind, CompiledEvent>();
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
  } catch (e) {
    throw new TemplateLoadError([`无法读取模板目录 ${dir}：${(e as Error).message}`]);
  }

  for (const file of files.sort()) {
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(join(dir, file), 'utf8'));
    } catch (e) {
      issues.push(`${file}：YAML 格式错误：${(e as Error).message}`);
      continue;
    }
    const parsed = TemplateFileSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        issues.push(`${file}：字段 ${issue.path.join('.') || '(根)'}：${issue.message}`);
      continue;
    }
    const t = parsed.data;
    if (compiled.has(t.event)) {
      issues.push(`${file}：事件 ${t.event} 已在 ${compiled.get(t.event)?.file} 中定义`);
      continue;
    }
    const compileField = (field: string, source: string): CompiledTemplate => {
      try {
        return compileTemplate(source);
      } catch (e) {
        if (e instanceof TemplateSyntaxError)
          for (const i of e.issues) issues.push(`${file}：字段 ${field}：${i}`);
        else throw e;
        return compileTemplate('');
      }
    };
    compiled.set(t.event, {
      file,
      title: t.title,
      subject: compileField('subject', t.subject),
      text: compileField('text', t.text),
      ...(t.html ? { html: compileField('html', t.html) } : {}),
      sms: {
        text: compileField('sms.text', t.sms.text),
        aliyun: {
          templateCode: t.sms.aliyun.templateCode,
          params: Object.entries(t.sms.aliyun.params).map(([k, v]) => [
            k,
            compileField(`sms.aliyun.params.${k}`, v),
          ]),
        },
        tencent: {
          templateId: t.sms.tencent.templateId,
          params: t.sms.tencent.params.map((v, i) => compileField(`sms.tencent.params[${i}]`, v)),
        },
      },
      robot: {
        title: compileField('robot.title', t.robot.title),
        markdown: compileField('robot.markdown', t.robot.markdown),
      },
    });
  }
  for (const event of EVENT_KINDS)
    if (!compiled.has(event)) issues.push(`缺少事件 ${event} 的模板文件（${event}.yaml）`);
  if (issues.length > 0) throw new TemplateLoadError(issues);

  const get = (event: EventKind): CompiledEvent => {
    const c = compiled.get(event);
    if (!c) throw new Error(`no template for ${event}`);
    return c;
  };
  const scope = (facts: Facts, ctx: RenderContext): Facts => ({
    ...facts,
    recipient: { ...ctx.recipient },
    office: ctx.office,
  });
  /** Renders every part of one variant and reports all missing facts together, by field. */
  const collect = <T>(
    build: (r: (field: string, t: CompiledTemplate, facts: Facts, mode?: 'text' | 'html') => string) => T,
  ): T => {
    const issues: string[] = [];
    const r = (field: string, t: CompiledTemplate, facts: Facts, mode: 'text' | 'html' = 'text') => {
      try {
        return t.render(facts, mode);
      } catch (e) {
        if (!(e instanceof TemplateRenderError)) throw e;
        issues.push(...e.issues.map((i) => `${field} ${i}`));
        return '';
      }
    };
    const out = build(r);
    if (issues.length > 0) throw new TemplateRenderError(issues);
    return out;
  };

  return {
    events: [...compiled.keys()],
    title: (event) => get(event).title,
    email(event, facts, ctx) {
      const c = get(event);
      const s = scope(facts, ctx);
      return collect((r) => {
        const subject = oneLine(r('subject', c.subject, s));
        const text = tidy(r('text', c.text, s));
        const html = c.html ? r('html', c.html, s, 'html') : htmlFromText(text, subject);
        return { subject, text, html };
      });
    },
    sms(event, facts, ctx) {
      const c = get(event);
      const s = scope(facts, ctx);
      return collect((r) => ({
        text: oneLine(r('sms.text', c.sms.text, s)),
        aliyun: {
          templateCode: c.sms.aliyun.templateCode,
          params: Object.fromEntries(
            c.sms.aliyun.params.map(([k, t]) => [k, oneLine(r(`sms.aliyun.params.${k}`, t, s))]),
          ),
        },
        tencent: {
          templateId: c.sms.tencent.templateId,
          params: c.sms.tencent.params.map((t, i) => oneLine(r(`sms.tencent.params[${i}]`, t, s))),
        },
      }));
    },
    robot(event, facts, ctx) {
      const c = get(event);
      const s = scope(facts, ctx);
      return collect((r) => ({
        title: oneLine(r('robot.title', c.robot.title, s)),
        markdown: tidy(r('robot.markdown', c.robot.markdown, s)),
      }));
    },
  };
}
