/**
 * A counting gate: at most `n` holders at once, the rest wait in arrival order. The mailer uses
 * one sized like its SMTP pool so a delivery is claimed only when a connection can take it at
 * once: a claim never sits in nodemailer's queue, where a killed worker would leave it
 * 'uncertain' although nothing was sent (activities/notify/README.md).
 */
export type Gate = () => Promise<() => void>;

export function gate(n: number): Gate {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`gate size must be a positive integer, got ${n}`);
  let free = n;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };
  return () => {
    let released = false;
    const once = () => {
      if (released) return;
      released = true;
      release();
    };
    if (free > 0) {
      free -= 1;
      return Promise.resolve(once);
    }
    return new Promise((resolve) => waiting.push(() => resolve(once)));
  };
}
