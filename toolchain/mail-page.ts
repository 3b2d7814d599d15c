import http from 'node:http';
import type { Mailbox } from './mailbox.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const addresses = (field: unknown): string => {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list
    .flatMap((a: { value?: { name?: string; address?: string }[] }) => a.value ?? [])
    .map((v) => (v.name ? `${v.name} <${v.address ?? ''}>` : (v.address ?? '')))
    .join('，');
};

/**
 * The demo's mailbox as a web page: newest first, refreshing itself, so a newcomer watches
 * reminders and escalations arrive without a mail client.
 */
export async function startMailPage(mailbox: Mailbox, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const mails = mailbox.messages().reverse();
    const rows = mails
      .map(
        (m, i) => `<details ${i === 0 ? 'open' : ''}><summary><b>${escapeHtml(m.subject ?? '（无主题）')}</b>
<span class="meta">${escapeHtml(m.date?.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }) ?? '')} · 收件人：${escapeHtml(addresses(m.to))}${m.cc ? ` · 抄送：${escapeHtml(addresses(m.cc))}` : ''}</span></summary>
<pre>${escapeHtml(m.text ?? '')}</pre></details>`,
      )
      .join('\n');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="3"><title>演示邮箱（${mails.length} 封）</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}
details{border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.5rem}.meta{display:block;color:#666;font-size:.85rem}
pre{white-space:pre-wrap;font-family:inherit}</style></head>
<body><h1>演示邮箱</h1><p>共收到 ${mails.length} 封邮件，每 3 秒自动刷新。</p>${rows || '<p>暂无邮件。</p>'}</body></html>`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
