/**
 * Token guessing is limited before any token is read (issue 14, finding 1): refused tokens are
 * counted per client address and for all addresses together, in windows of a minute; past either
 * limit the request is refused (429) without asking the token store. A valid token never counts.
 */
import { RateLimited } from '../../domain/failures.js';

class Window {
  start = 0;
  count = 0;
}

export interface GuessLimitOptions {
  perAddress: number;
  global: number;
  windowMs?: number;
  now: () => number;
}

export class GuessLimit {
  private readonly global = new Window();
  private readonly byAddress = new Map<string, Window>();
  private readonly windowMs: number;

  constructor(private readonly o: GuessLimitOptions) {
    this.windowMs = o.windowMs ?? 60_000;
  }

  private fresh(w: Window, t: number): Window {
    if (t - w.start >= this.windowMs) {
      w.start = t;
      w.count = 0;
    }
    return w;
  }

  private of(address: string, t: number): Window {
    let w = this.byAddress.get(address);
    if (!w) {
      // Forget addresses whose window is over, so a flood of addresses cannot grow the map for ever.
      if (this.byAddress.size >= 10_000)
        for (const [a, x] of this.byAddress) if (t - x.start >= this.windowMs) this.byAddress.delete(a);
      w = new Window();
      this.byAddress.set(address, w);
    }
    return this.fresh(w, t);
  }

  /** Throws RateLimited when this address, or everyone together, has guessed too often this minute. */
  check(address: string): void {
    const t = this.o.now();
    const mine = this.of(address, t);
    const all = this.fresh(this.global, t);
    const full = mine.count >= this.o.perAddress ? mine : all.count >= this.o.global ? all : undefined;
    if (full)
      throw new RateLimited(
        `令牌核验失败次数过多，请 ${Math.max(1, Math.ceil((full.start + this.windowMs - t) / 1000))} 秒后再试`,
      );
  }

  /** A refused token (unknown, revoked, expired or malformed) from `address`. */
  failed(address: string): void {
    const t = this.o.now();
    this.of(address, t).count += 1;
    this.fresh(this.global, t).count += 1;
  }
}
