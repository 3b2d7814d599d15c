import http from 'node:http';
import type { ParsedMail } from 'mailparser';
import type { Mailbox } from './mailbox.js';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const addresses = (field: unknown): string => {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list
    .flatMap((a: { value?: { name?: string; address?: string }[] }) => a.value ?? [])
    .map((v) => (v.name ? `${v.name} <${v.address ?? ''}>` : (v.address ?? '')))
    .join('，');
};

/** What a notification is about, from its subject (【活动】kind：unit), for counting and filtering. */
export function mailKind(subject: string): string {
  // One mail listing several notifications for one person (activities/notify/bundle-mail.ts).
  if (subject.startsWith('学习实践活动提醒：您有')) return '合并通知';
  const m = /】([^：:]+)/.exec(subject);
  const k = (m?.[1] ?? subject).trim();
  if (/已完成全部环节$/.test(k)) return '完成';
  if (/阶段已开始$/.test(k)) return '阶段开始';
  return k || '（无主题）';
}

/** Newest first; a page shows at most this many so a demo with thousands of mails stays quick. */
const PAGE_SIZE = 200;

/**
 * The demo's mailbox as a web page: counts by kind (提醒, 催办, 督办, 通报, 回头看, 补课…) that
 * filter the list when clicked, newest first, refreshing itself, so a newcomer watches reminders
 * and escalations arrive without a mail client.
 */
export async function startMailPage(
  mailbox: Mailbox,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const kind = url.searchParams.get('kind') ?? '';
    const who = (url.searchParams.get('to') ?? '').trim();
    const all = mailbox.messages().reverse();
    const counts = new Map<string, number>();
    for (const m of all)
      counts.set(mailKind(m.subject ?? ''), (counts.get(mailKind(m.subject ?? '')) ?? 0) + 1);
    const matches = (m: ParsedMail) =>
      (!kind || mailKind(m.subject ?? '') === kind) &&
      (!who || `${addresses(m.to)} ${addresses(m.cc)}`.includes(who));
    const shown = all.filter(matches);
    const link = (k: string) =>
      `?${new URLSearchParams({ ...(k ? { kind: k } : {}), ...(who ? { to: who } : {}) }).toString()}`;
    const chips = [`<a class="chip${kind ? '' : ' on'}" href="${link('')}">全部 ${all.length}</a>`]
      .concat(
        [...counts]
          .sort((a, b) => b[1] - a[1])
          .map(
            ([k, n]) =>
              `<a class="chip${k === kind ? ' on' : ''}" href="${escapeHtml(link(k))}">${escapeHtml(k)} ${n}</a>`,
          ),
      )
      .join(' ');
    const rows = shown
      .slice(0, PAGE_SIZE)
      .map(
        (m, i) => `<details ${i === 0 ? 'open' : ''}><summary><b>${escapeHtml(m.subject ?? '（无主题）')}</b>
<span class="meta">${escapeHtml(m.date?.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }) ?? '')} · 收件人：${escapeHtml(addresses(m.to))}${m.cc ? ` · 抄送：${escapeHtml(addresses(m.cc))}` : ''}</span></summary>
<pre>${escapeHtml(m.text ?? '')}</pre></details>`,
      )
      .join('\n');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5"><title>演示邮箱（${all.length} 封）</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}
details{border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.5rem}.meta{display:block;color:#666;font-size:.85rem}
pre{white-space:pre-wrap;font-family:inherit}.chip{display:inline-block;margin:.15rem;padding:.1rem .5rem;border:1px solid #ccc;border-radius:999px;text-decoration:none;color:#333;font-size:.85rem}
.chip.on{background:#b91c1c;color:#fff;border-color:#b91c1c}form{margin:.5rem 0}</style></head>
<body><h1>演示邮箱</h1><p>共收到 ${all.length} 封邮件，每 5 秒自动刷新。点类别只看这一类：</p><p>${chips}</p>
<form><input type="hidden" name="kind" value="${escapeHtml(kind)}"><input name="to" placeholder="按收件人筛选（姓名或邮箱）" value="${escapeHtml(who)}"> <button>筛选</button></form>
<p>${shown.length > PAGE_SIZE ? `显示最新的 ${PAGE_SIZE} 封（共 ${shown.length} 封）。` : `${shown.length} 封。`}</p>${rows || '<p>暂无邮件。</p>'}</body></html>`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
