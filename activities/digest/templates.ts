/** The two digest templates (templates/notify/digest/*.yaml), in the notification templates' syntax. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { compileTemplate, type CompiledTemplate } from '../notify/render.js';
import { htmlFromText } from '../notify/templates.js';
import type { Facts } from '../notify/types.js';
import { repoRoot } from '../../toolchain/paths.js';

export const DEFAULT_DIGEST_TEMPLATES = path.join(repoRoot, 'templates', 'notify', 'digest');

const FileSchema = z.object({ subject: z.string().min(1), text: z.string().min(1) });

export interface DigestTemplate {
  render(facts: Facts, office: string): { subject: string; text: string; html: string };
}

function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function loadDigestTemplate(dir: string, name: 'group_daily' | 'office_weekly'): DigestTemplate {
  const file = path.join(dir, `${name}.yaml`);
  const parsed = FileSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `摘要模板 ${file} 有误：${parsed.error.issues.map((i) => `${i.path.join('.')}：${i.message}`).join('；')}`,
    );
  const subject: CompiledTemplate = compileTemplate(parsed.data.subject);
  const text: CompiledTemplate = compileTemplate(parsed.data.text);
  return {
    render(facts, office) {
      const all = { ...facts, office };
      const s = subject
        .render(all, 'text')
        .replace(/\s*\n\s*/g, ' ')
        .trim();
      const t = tidy(text.render(all, 'text'));
      return { subject: s, text: t, html: htmlFromText(t, s) };
    },
  };
}
