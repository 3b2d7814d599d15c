/**
 * Who may act on a unit, as ids the workflow and the API agree on. The roster has names and
 * contacts but no ids, so ids are derived from it deterministically: the same roster always gives
 * the same ids, and a token issued from it names the person its workflow knows.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { RosterUnit } from '../domain/roster/types.js';
import type { CampaignPerson, CampaignUnit } from '../workflows/unit-campaign/messages.js';

import { DEFAULT_OFFICE, groupMemberId, headId, liaisonId, type Office } from './people-ids.js';

export { DEFAULT_OFFICE, groupMemberId, headId, liaisonId, type Office };

export function campaignUnitOf(u: RosterUnit): CampaignUnit {
  const person = (id: string, p: { name: string; email?: string; mobile?: string }): CampaignPerson => ({
    id,
    name: p.name,
    ...(p.email ? { email: p.email } : {}),
    ...(p.mobile ? { mobile: p.mobile } : {}),
  });
  return {
    id: u.id,
    name: u.name,
    type: u.type,
    flags: [...u.flags],
    head: person(headId(u.id), u.head),
    liaison: person(liaisonId(u.id), u.liaison),
    group: {
      id: u.group.id,
      name: u.group.name,
      members: u.group.members.map((m, i) => ({
        ...person(groupMemberId(u.group.id, i + 1), m),
        role: m.role,
      })),
      ...(u.group.dingtalkWebhook ? { dingtalkWebhook: u.group.dingtalkWebhook } : {}),
      ...(u.group.wecomWebhook ? { wecomWebhook: u.group.wecomWebhook } : {}),
    },
    ...(u.pairedAgency ? { pairedAgency: { ...u.pairedAgency } } : {}),
  };
}

const OfficeSchema = z.object({
  name: z.string().min(1, '请填写活动办名称'),
  members: z
    .array(
      z.object({
        id: z.string().regex(/^[A-Za-z0-9_.-]+$/, '编号只能用字母、数字、点、横线和下划线'),
        name: z.string().min(1, '请填写姓名'),
        email: z.email('不是有效的邮箱地址').optional(),
        mobile: z
          .string()
          .regex(/^1[3-9]\d{9}$/, '不是 11 位大陆手机号')
          .optional(),
      }),
    )
    .min(1, '至少要有一名活动办成员'),
});

/** `--office FILE`: `{ name, members: [{ id, name, email?, mobile? }] }` in YAML or JSON. */
export async function loadOfficeFile(
  path: string,
): Promise<{ ok: true; office: Office } | { ok: false; errors: string[] }> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      errors: [
        code === 'ENOENT'
          ? `找不到活动办文件「${path}」`
          : `活动办文件「${path}」无法读取：${(e as Error).message}`,
      ],
    };
  }
  const r = OfficeSchema.safeParse(raw);
  if (!r.success)
    return {
      ok: false,
      errors: r.error.issues.map(
        (i) => `活动办文件「${path}」字段 ${i.path.join('.') || '(根)'}：${i.message}`,
      ),
    };
  return { ok: true, office: r.data };
}
