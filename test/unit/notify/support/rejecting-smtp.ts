import { SMTPServer } from 'smtp-server';

/** An SMTP server that refuses some recipients with 550, as a real one does for unknown mailboxes. */
export async function startRejectingSmtp(
  rejects: (address: string) => boolean,
): Promise<{ port: number; accepted(): number; close(): Promise<void> }> {
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (rejects(address.address)) {
        const err = new Error('5.1.1 用户不存在 / mailbox unavailable') as Error & { responseCode: number };
        err.responseCode = 550;
        return callback(err);
      }
      callback();
    },
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        accepted++;
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    }),
  );
  return { port, accepted: () => accepted, close: () => new Promise((r) => server.close(() => r())) };
}
