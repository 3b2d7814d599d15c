import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface Mailbox {
  /** SMTP port on 127.0.0.1. */
  port: number;
  /** Every message received so far, in arrival order. */
  messages(): ParsedMail[];
  /** Resolves once at least `count` messages arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** Called for each message as it arrives (the demo's mail page subscribes to this). */
  onMessage(listener: (mail: ParsedMail) => void): void;
  /**
   * For the next `ms`, answer every new connection and every MAIL FROM on an open one with 421
   * (service not available, a transient refusal): a relay that is down for a stretch. Fault tests.
   */
  refuse(ms: number): void;
  /** Connections and transactions refused so far. */
  refusals(): number;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback that keeps what it receives, parsed. Tests read the mail that
 * nodemailer really sent; the demo shows it on a web page. No TLS and no auth: loopback only.
 */
export interface MailboxOptions {
  port?: number;
  storeDir?: string;
  /**
   * Addresses this server says do not exist: RCPT TO is answered 550, as a real server answers for
   * an unknown mailbox (the demo uses one so the office's 通知异常 list shows a real permanent failure).
   */
  unknownMailboxes?: readonly string[];
}

export async function startMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
  const unknown = new Set((options.unknownMailboxes ?? []).map((a) => a.toLowerCase()));
  const received: ParsedMail[] = [];
  // With a store, each message is kept as an .eml file, so a restarted demo still shows its mail.
  const storeDir = options.storeDir;
  let stored = 0;
  if (storeDir) {
    await mkdir(storeDir, { recursive: true });
    const files = (await readdir(storeDir)).filter((f) => f.endsWith('.eml')).sort();
    for (const f of files) received.push(await simpleParser(await readFile(path.join(storeDir, f))));
    stored = files.length;
  }
  const listeners: ((mail: ParsedMail) => void)[] = [];
  const waiters: { count: number; resolve: (m: ParsedMail[]) => void }[] = [];
  let refuseUntil = 0;
  let refused = 0;
  const refusal = () => {
    refused += 1;
    const err = new Error('4.3.2 服务暂不可用 / service not available, try again later') as Error & {
      responseCode: number;
    };
    err.responseCode = 421;
    return err;
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 25 * 1024 * 1024,
    onConnect(_session, callback) {
      callback(Date.now() < refuseUntil ? refusal() : undefined);
    },
    onMailFrom(_address, _session, callback) {
      callback(Date.now() < refuseUntil ? refusal() : undefined);
    },
    onRcptTo(address, _session, callback) {
      if (!unknown.has(address.address.toLowerCase())) return callback();
      const err = new Error(`5.1.1 <${address.address}>: 用户不存在 / mailbox unavailable`) as Error & {
        responseCode: number;
      };
      err.responseCode = 550;
      callback(err);
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      new Promise<Buffer>((resolve, reject) => {
        stream.once('end', () => resolve(Buffer.concat(chunks)));
        stream.once('error', reject);
      })
        .then(async (raw) => {
          if (storeDir) await writeFile(path.join(storeDir, `${String(++stored).padStart(6, '0')}.eml`), raw);
          return simpleParser(raw);
        })
        .then((mail) => {
          received.push(mail);
          for (const listener of listeners) listener(mail);
          for (const waiter of waiters.splice(0)) {
            if (received.length >= waiter.count) waiter.resolve([...received]);
            else waiters.push(waiter);
          }
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });

  // A client that dies mid-session (a worker killed while sending) resets its connection: a real
  // server logs it and carries on, and so does this one. Anything else is a fault worth seeing.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return;
    console.error(`[mailbox] ${err.message}`);
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  return {
    port,
    messages: () => [...received],
    waitFor(count, timeoutMs = 10_000) {
      if (received.length >= count) return Promise.resolve([...received]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`mailbox: expected ${count} messages, got ${received.length} within ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    onMessage: (listener) => void listeners.push(listener),
    refuse: (ms) => void (refuseUntil = Date.now() + ms),
    refusals: () => refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
