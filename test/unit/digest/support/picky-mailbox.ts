import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface PickyMailbox {
  port: number;
  /** Every message accepted so far, with the envelope recipients it was accepted for. */
  messages(): { rcpt: string[]; mail: ParsedMail }[];
  /** Refuse RCPT TO for this address: 451 (try later) the next `times` times, or 550 for good. */
  refuse(address: string, how: { temporary: number } | 'permanent'): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback that refuses chosen recipients, as a real one does for a full
 * mailbox (451) or an unknown one (550), and keeps what it accepted, parsed.
 */
export async function startPickyMailbox(): Promise<PickyMailbox> {
  const received: { rcpt: string[]; mail: ParsedMail }[] = [];
  const refusals = new Map<string, { temporary: number } | 'permanent'>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 25 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const how = refusals.get(address.address);
      if (how === 'permanent' || (how && how.temporary > 0)) {
        if (how !== 'permanent') how.temporary -= 1;
        const code = how === 'permanent' ? 550 : 451;
        const err = new Error(
          code === 550 ? '5.1.1 用户不存在 / mailbox unavailable' : '4.2.2 邮箱已满，请稍后再试',
        ) as Error & { responseCode: number };
        err.responseCode = code;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.once('end', () => {
        simpleParser(Buffer.concat(chunks))
          .then((mail) => {
            received.push({ rcpt: session.envelope.rcptTo.map((r) => r.address), mail });
            callback();
          })
          .catch((e: Error) => callback(e));
      });
    },
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    }),
  );
  return {
    port,
    messages: () => [...received],
    refuse: (address, how) => refusals.set(address, how),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
