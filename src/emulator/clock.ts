// Emulator time. Everything time-based in the emulator (quiet periods, the gap before a left
// item names its build, a build's console lines, result and end, slow answers, restarts) runs
// on one Clock, so that stop() can cancel all of it at once and a test can hold it still.
//
// The clock runs with real time until a test pauses it. Paused, emulator time stands still:
// queue items stay in their state, builds in their phase, slow answers unanswered, however long
// the test takes to poll. advance(ms) then moves emulator time on by exactly ms, running what
// falls due in between in order, each at its own time; resume() lets it run with real time
// again from where it stood.
import type { EmulatorClock } from './types.js';

interface Timer {
  due: number;
  /** Order among timers due at the same time: the order they were set. */
  seq: number;
  fn: () => void;
  /** The real timeout while the clock runs. */
  real: NodeJS.Timeout | undefined;
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class Clock implements EmulatorClock {
  /** While running, emulator time = Date.now() - offset. */
  private offset = 0;
  /** Emulator time while paused, null while running. */
  private pausedAt: number | null = null;
  private readonly timers = new Map<number, Timer>();
  private seq = 0;

  now(): number {
    return this.pausedAt ?? Date.now() - this.offset;
  }

  get paused(): boolean {
    return this.pausedAt !== null;
  }

  /** Runs `fn` once `ms` of emulator time have passed. Returns a handle for cancel(). */
  after(ms: number, fn: () => void): number {
    const id = ++this.seq;
    const timer: Timer = { due: this.now() + Math.min(MAX_TIMEOUT_MS, Math.max(0, ms)), seq: id, fn, real: undefined };
    this.timers.set(id, timer);
    if (!this.paused) this.arm(id, timer);
    return id;
  }

  cancel(handle: number): void {
    const timer = this.timers.get(handle);
    if (timer?.real) clearTimeout(timer.real);
    this.timers.delete(handle);
  }

  cancelAll(): void {
    for (const handle of [...this.timers.keys()]) this.cancel(handle);
  }

  pause(): void {
    if (this.paused) return;
    this.pausedAt = this.now();
    for (const timer of this.timers.values()) {
      if (timer.real) clearTimeout(timer.real);
      timer.real = undefined;
    }
  }

  resume(): void {
    if (this.pausedAt === null) return;
    this.offset = Date.now() - this.pausedAt;
    this.pausedAt = null;
    for (const [id, timer] of this.timers) this.arm(id, timer);
  }

  /** Moves a paused clock on by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void {
    if (this.pausedAt === null) throw new Error('advance() needs a paused clock: call pause() first');
    const target = this.pausedAt + Math.max(0, ms);
    for (;;) {
      let next: [number, Timer] | undefined;
      for (const entry of this.timers) {
        const t = entry[1];
        if (t.due <= target && (!next || t.due < next[1].due || (t.due === next[1].due && t.seq < next[1].seq))) next = entry;
      }
      if (!next) break;
      this.pausedAt = Math.max(this.pausedAt, next[1].due);
      this.timers.delete(next[0]);
      next[1].fn();
    }
    this.pausedAt = target;
  }

  private arm(id: number, timer: Timer): void {
    timer.real = setTimeout(
      () => {
        this.timers.delete(id);
        timer.fn();
      },
      Math.min(MAX_TIMEOUT_MS, Math.max(0, timer.due - this.now())),
    );
  }
}
