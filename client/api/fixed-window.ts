/** A counter that empties every `windowMs` (the global limit on refused tokens). */
export class FixedWindow {
  private start = 0;
  private count = 0;
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  private roll(): void {
    const t = this.now();
    if (t - this.start >= this.windowMs) {
      this.start = t;
      this.count = 0;
    }
  }

  full(): boolean {
    this.roll();
    return this.count >= this.max;
  }

  add(): void {
    this.roll();
    this.count += 1;
  }

  secondsLeft(): number {
    return Math.max(1, Math.ceil((this.start + this.windowMs - this.now()) / 1000));
  }
}
