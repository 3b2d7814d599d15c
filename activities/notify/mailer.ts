import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { NotifyConfig } from './config.js';
import { gate, type Gate } from './gate.js';

export interface OutgoingMail {
  from: string;
  to: { name: string; address: string };
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  /** Resolves once the SMTP server accepted the message (250 after DATA). */
  send(mail: OutgoingMail): Promise<{ response: string }>;
  /** Held from the delivery's claim to its outcome: one per pooled connection (see gate.ts). */
  slot?: Gate;
  close(): void;
}

export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  requireTLS: boolean;
  rejectUnauthorized: boolean;
  /** PEM of a private CA to trust for the server's certificate. */
  ca?: string;
  user?: string;
  pass?: string;
  maxConnections: number;
  /** Messages per second across the pool; 0 = unlimited. */
  ratePerSecond: number;
}

export function smtpOptionsFromConfig(config: NotifyConfig): SmtpOptions {
  if (!config.SMTP_HOST) throw new Error('SMTP_HOST is not set');
  return {
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    requireTLS: config.SMTP_REQUIRE_TLS,
    rejectUnauthorized: config.SMTP_TLS_REJECT_UNAUTHORIZED,
    ...(config.SMTP_TLS_CA_FILE ? { ca: readCaFile(config.SMTP_TLS_CA_FILE) } : {}),
    ...(config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASS ?? '' } : {}),
    maxConnections: config.SMTP_POOL_MAX_CONNECTIONS,
    ratePerSecond: config.SMTP_RATE_PER_SECOND,
  };
}

function readCaFile(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(
      `环境变量配置有误：\n  SMTP_TLS_CA_FILE: 读不到证书文件 ${path}（${(e as NodeJS.ErrnoException).code ?? String(e)}）`,
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new Error(`环境变量配置有误：\n  SMTP_TLS_CA_FILE: ${path} 不是 PEM 格式的证书`);
  return pem;
}

/**
 * Pooled SMTP: connections are reused across activity calls in the worker process. Every mail the
 * worker sends (notifications, digests with attachments) goes through a transport made here, so
 * TLS, the private CA and AUTH apply to all of them alike.
 */
export function createSmtpTransport(o: SmtpOptions) {
  return nodemailer.createTransport({
    pool: true,
    host: o.host,
    port: o.port,
    secure: o.secure,
    requireTLS: o.requireTLS,
    ignoreTLS: !o.secure && !o.requireTLS && o.host === '127.0.0.1',
    tls: { rejectUnauthorized: o.rejectUnauthorized, minVersion: 'TLSv1.2', ...(o.ca ? { ca: o.ca } : {}) },
    ...(o.user ? { auth: { user: o.user, pass: o.pass ?? '' } } : {}),
    maxConnections: o.maxConnections,
    maxMessages: 500,
    ...(o.ratePerSecond > 0 ? { rateDelta: 1000, rateLimit: o.ratePerSecond } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    logger: false,
  });
}

export function createSmtpMailer(o: SmtpOptions): Mailer {
  const transport = createSmtpTransport(o);
  return {
    slot: gate(Math.max(1, o.maxConnections)),
    async send(mail) {
      const info = (await transport.sendMail({
        from: mail.from,
        to: mail.to,
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        textEncoding: 'base64',
        ...(mail.headers ? { headers: mail.headers } : {}),
      })) as { response?: string };
      return { response: String(info.response ?? '') };
    },
    close: () => transport.close(),
  };
}

/**
 * The same delivery always carries the same Message-ID, so if the crash window ever makes the
 * SMTP server see a message twice, mail stores and clients that de-duplicate by Message-ID show it once.
 */
export function messageIdFor(deliveryKey: string, domain: string): string {
  const digest = createHash('sha256').update(deliveryKey).digest('hex').slice(0, 32);
  return `<notify.${digest}@${domain}>`;
}

export interface SmtpFailure {
  permanent: boolean;
  code: string;
  reason: string;
}

/**
 * 5xx replies to RCPT/DATA mean the server will never take this message (no such mailbox, policy):
 * permanent. 4xx, connection and TLS trouble, and 5xx to the session's own commands (STARTTLS,
 * AUTH, MAIL FROM: a configuration fault the office can fix, not the recipient's) are transient,
 * so the retry policy carries them over the fix.
 */
export function classifySmtpError(error: unknown): SmtpFailure {
  const e = error as {
    responseCode?: number;
    code?: string;
    command?: string;
    response?: string;
    message?: string;
  };
  const code = e.responseCode;
  const text = e.response ?? e.message ?? String(error);
  const aboutThisMessage =
    e.code === 'EENVELOPE' || e.code === 'EMESSAGE' || e.command === 'RCPT TO' || e.command === 'DATA';
  if (code !== undefined && code >= 500 && code < 600 && aboutThisMessage) {
    return { permanent: true, code: `smtp_${code}`, reason: `邮件服务器拒收（${code}）：${text}` };
  }
  // The server's reply code says more than nodemailer's category (EENVELOPE for any RCPT refusal).
  return {
    permanent: false,
    code: code ? `smtp_${code}` : e.code ? `smtp_${e.code}` : 'smtp_error',
    reason: text,
  };
}
