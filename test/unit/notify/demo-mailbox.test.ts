import nodemailer from 'nodemailer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { classifySmtpError } from '../../../activities/notify/mailer.js';
import { startMailbox, type Mailbox } from '../../../toolchain/mailbox.js';

// The demo's mailbox answers 550 for one address, so the office sees a real permanent failure.
let mailbox: Mailbox;
beforeAll(async () => {
  mailbox = await startMailbox({ unknownMailboxes: ['Head-U04@units.example.cn'] });
});
afterAll(() => mailbox?.close());

it('refuses an unknown mailbox with 550 (classified permanent) and keeps the mail of everyone else', async () => {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: mailbox.port,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const refused = await transport
      .sendMail({ from: 'office@x.cn', to: 'head-u04@units.example.cn', subject: '启动通知', text: '…' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(classifySmtpError(refused)).toMatchObject({ permanent: true, code: 'smtp_550' });
    expect(classifySmtpError(refused).reason).toContain('head-u04@units.example.cn');
    await transport.sendMail({
      from: 'office@x.cn',
      to: 'head-u05@units.example.cn',
      subject: '启动通知',
      text: '…',
    });
    expect((await mailbox.waitFor(1)).map((m) => m.subject)).toEqual(['启动通知']);
  } finally {
    transport.close();
  }
});
