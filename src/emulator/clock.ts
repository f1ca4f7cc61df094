// Emulator time. Everything time-based in the emulator runs on timers owned by one Timers
// instance, so that stop() can cancel all of it at once.

export class Timers {
  private readonly handles = new Set<NodeJS.Timeout>();

  after(ms: number, fn: () => void): NodeJS.Timeout {
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, Math.min(2 ** 31 - 1, Math.max(0, ms)));
    this.handles.add(handle);
    return handle;
  }

  cancel(handle: NodeJS.Timeout): void {
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  cancelAll(): void {
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }
}
