/**
 * The handout of plain tokens the office passes on: one CSV, the same whether `campaign tokens
 * issue` writes it or the console offers it for download after a launch. Pure (no Node built-ins):
 * the web console bundles it.
 */
import type { IssuedToken, Role } from './session.js';

export const ROLE_LABELS: Record<Role, string> = { office: '活动办', group: '指导组成员', unit: '参学单位' };

/** The handout's text, with a BOM so Excel opens the Chinese columns. */
export function handoutCsv(issued: readonly IssuedToken[]): string {
  const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['角色,姓名,人员编号,单位编号,指导组,邮箱,手机,令牌'];
  for (const t of issued)
    lines.push(
      [
        ROLE_LABELS[t.role],
        t.name,
        t.personId,
        t.unitId ?? '',
        t.groupId ?? '',
        t.email ?? '',
        t.mobile ?? '',
        t.token,
      ]
        .map(cell)
        .join(','),
    );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
