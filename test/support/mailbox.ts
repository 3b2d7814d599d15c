// Tests use the same loopback SMTP server as the demo.
import { createSmtpMailer, type Mailer } from '../../activities/notify/mailer.js';
import { startMailbox, type Mailbox } from '../../toolchain/mailbox.js';

export { startMailbox, type Mailbox };

export interface LoopbackMailerOptions {
  maxConnections?: number;
  rejectUnauthorized?: boolean;
}

/** The notification mailer pointed at a loopback mailbox: plain SMTP, no rate limit. */
export function loopbackMailer(port: number, o: LoopbackMailerOptions = {}): Mailer {
  return createSmtpMailer({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTLS: false,
    rejectUnauthorized: o.rejectUnauthorized ?? true,
    maxConnections: o.maxConnections ?? 2,
    ratePerSecond: 0,
  });
}

/** A fresh loopback mailbox and a mailer to it, closed together. */
export async function openLoopbackMail(
  o: LoopbackMailerOptions = {},
): Promise<{ mailbox: Mailbox; mailer: Mailer; close(this: void): Promise<void> }> {
  const mailbox = await startMailbox();
  const mailer = loopbackMailer(mailbox.port, o);
  return {
    mailbox,
    mailer,
    close: async () => {
      mailer.close();
      await mailbox.close();
    },
  };
}
