/**
 * TLS, STARTTLS and AUTH exactly as configured by environment variables, against a real SMTP server
 * on loopback whose certificate is signed by a private CA (test/fixtures/tls, as an intranet mail
 * server's would be). Nothing may travel in clear text when TLS is required.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { loadNotifyConfig } from '../../../activities/notify/config.js';
import {
  classifySmtpError,
  createSmtpMailer,
  smtpOptionsFromConfig,
  type Mailer,
} from '../../../activities/notify/mailer.js';

const TLS_DIR = resolve(import.meta.dirname, '../../fixtures/tls');
const key = readFileSync(resolve(TLS_DIR, 'server.key'));
const cert = readFileSync(resolve(TLS_DIR, 'server.pem'));

interface Accepted {
  secure: boolean;
  user: string | undefined;
  from: string;
}

interface TestServer {
  port: number;
  accepted: Accepted[];
  close(): Promise<void>;
}

async function startServer(options: Partial<SMTPServerOptions>): Promise<TestServer> {
  const accepted: Accepted[] = [];
  const server = new SMTPServer({
    key,
    cert,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'office' && auth.password === 'correct horse') callback(null, { user: 'office' });
      else callback(Object.assign(new Error('535 authentication failed'), { responseCode: 535 }));
    },
    onData(stream, session: SMTPServerSession, callback) {
      stream.resume();
      stream.on('end', () => {
        accepted.push({
          secure: session.secure,
          user: session.user as string | undefined,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        });
        callback();
      });
    },
    logger: false,
    ...options,
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    accepted,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const mail = {
  from: '区学习实践活动办公室 <office@xuexi.example.gov.cn>',
  to: { name: '张明', address: 'zhangming@dongjie.example.cn' },
  subject: '【测试】提醒',
  text: '正文',
  html: '<p>正文</p>',
  messageId: '<t@xuexi.example.gov.cn>',
};

const env = (port: number, extra: Record<string, string>) =>
  loadNotifyConfig({
    SMTP_HOST: 'localhost',
    SMTP_PORT: String(port),
    SMTP_USER: 'office',
    SMTP_PASS: 'correct horse',
    SMTP_TLS_CA_FILE: resolve(TLS_DIR, 'ca.pem'),
    ...extra,
  });

const open: { servers: TestServer[]; mailers: Mailer[] } = { servers: [], mailers: [] };
afterEach(async () => {
  for (const m of open.mailers.splice(0)) m.close();
  for (const s of open.servers.splice(0)) await s.close();
});
async function server(options: Partial<SMTPServerOptions>) {
  const s = await startServer(options);
  open.servers.push(s);
  return s;
}
function mailerFor(config: ReturnType<typeof loadNotifyConfig>) {
  const m = createSmtpMailer(smtpOptionsFromConfig(config));
  open.mailers.push(m);
  return m;
}

describe('SMTP security from configuration', () => {
  it('port 587 style: STARTTLS against a private CA, then AUTH; the message travels encrypted', async () => {
    const s = await server({ secure: false, authOptional: false });
    await mailerFor(env(s.port, { SMTP_SECURE: 'false', SMTP_REQUIRE_TLS: 'true' })).send(mail);
    expect(s.accepted).toEqual([{ secure: true, user: 'office', from: 'office@xuexi.example.gov.cn' }]);
  });

  it('port 465 style: implicit TLS with SMTP_SECURE=true', async () => {
    const s = await server({ secure: true, authOptional: false });
    await mailerFor(env(s.port, { SMTP_SECURE: 'true' })).send(mail);
    expect(s.accepted).toEqual([{ secure: true, user: 'office', from: 'office@xuexi.example.gov.cn' }]);
  });

  it('refuses to send in clear text when TLS is required and the server offers no STARTTLS', async () => {
    const s = await server({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
    });
    const error = await mailerFor(env(s.port, { SMTP_REQUIRE_TLS: 'true' }))
      .send(mail)
      .catch((e: unknown) => e);
    expect(s.accepted).toEqual([]);
    expect(classifySmtpError(error)).toMatchObject({ permanent: false });
  });

  it('does not trust a certificate from an unknown CA: without SMTP_TLS_CA_FILE nothing is sent', async () => {
    const s = await server({ secure: false, authOptional: false });
    const config = loadNotifyConfig({
      SMTP_HOST: 'localhost',
      SMTP_PORT: String(s.port),
      SMTP_USER: 'office',
      SMTP_PASS: 'correct horse',
    });
    const error = await mailerFor(config)
      .send(mail)
      .catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/certificate/i);
    expect(s.accepted).toEqual([]);
    // A configuration fault the office can fix: retried, not recorded as the recipient's failure.
    expect(classifySmtpError(error).permanent).toBe(false);
  });

  it('a wrong password is a configuration fault: retried, never marked as a bad recipient', async () => {
    const s = await server({ secure: false, authOptional: false });
    const error = await mailerFor(env(s.port, { SMTP_PASS: 'wrong' }))
      .send(mail)
      .catch((e: unknown) => e);
    expect(s.accepted).toEqual([]);
    expect(classifySmtpError(error)).toMatchObject({ permanent: false, code: 'smtp_535' });
  });

  it('names the variable when the CA file is missing or not a certificate', () => {
    expect(() =>
      smtpOptionsFromConfig(
        loadNotifyConfig({ SMTP_HOST: 'localhost', SMTP_TLS_CA_FILE: '/nonexistent/ca.pem' }),
      ),
    ).toThrow(/SMTP_TLS_CA_FILE: 读不到证书文件 \/nonexistent\/ca\.pem（ENOENT）/);
    expect(() =>
      smtpOptionsFromConfig(
        loadNotifyConfig({ SMTP_HOST: 'localhost', SMTP_TLS_CA_FILE: resolve(TLS_DIR, 'server.key') }),
      ),
    ).toThrow(/SMTP_TLS_CA_FILE: .*不是 PEM 格式的证书/);
  });
});
