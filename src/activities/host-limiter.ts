// maxConn as a real limit (docs/plugin-compat.md §14, quirk 8): one semaphore per remote origin,
// shared by every trigger that runs on this worker. Waiters are served in arrival order. The
// capacity follows the most recent maxConn seen for the origin (1..5).

export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(public capacity: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.capacity) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      if (this.active < this.capacity) this.waiters.shift()?.();
    }
  }
}

export class HostLimiters {
  private readonly byOrigin = new Map<string, Semaphore>();

  forOrigin(origin: string, maxConn: number): Semaphore {
    let s = this.byOrigin.get(origin);
    if (!s) {
      s = new Semaphore(maxConn);
      this.byOrigin.set(origin, s);
    }
    s.capacity = maxConn;
    return s;
  }
}
