// At most one request per interval to one service, in this process (arXiv asks API clients for
// one request every three seconds). Callers wait their turn in the order they asked; the clock
// and the wait are injectable so the rule is tested without waiting.
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export class RequestSpacing {
  private next = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  /** Resolves when this caller may send its request (and books the next slot after it). */
  turn(): Promise<void> {
    const mine = this.queue.then(async () => {
      const wait = this.next - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait);
      this.next = this.clock.now() + this.intervalMs;
    });
    this.queue = mine.catch(() => undefined);
    return mine;
  }
}
