// When the watchers poll Jenkins next: fast at first, so a short build is reported within a
// second or two, without more requests for a long build than polling every interval costs.
// Internal to the activities (the workflow issues the same commands whatever the delays).
//
// - Fast start: 0.5, 1, 2, 4, … s, doubling up to the interval.
// - Queue: a waiting item (quiet period) says when it becomes buildable: poll then, not before.
// - Build: Jenkins estimates a build's duration from earlier builds. With an estimate, the
//   build is polled every interval and once when it is expected to end; the fast start is
//   used only once the estimate is exceeded, or when there is none (a job's first build).

export const FIRST_DELAY_MS = 500;
/** Polled this long after the expected end, so that the build is over by then. */
export const LANDING_SLACK_MS = 300;

export class FastStart {
  private next = FIRST_DELAY_MS;

  constructor(private readonly intervalMs: number) {}

  /** The next delay: 0.5, 1, 2, … s, never more than the interval. */
  delay(): number {
    const d = Math.min(this.next, this.intervalMs);
    this.next *= 2;
    return d;
  }
}

/** Delay before the next queue poll. `dueInMs`: a waiting item's time to its quiet period's end. */
export function queuePollDelay(fast: FastStart, intervalMs: number, dueInMs: number | null): number {
  if (dueInMs !== null && dueInMs > FIRST_DELAY_MS) return Math.min(intervalMs, dueInMs + LANDING_SLACK_MS);
  return fast.delay();
}

/**
 * Delay before the next build poll. `remainingMs`: Jenkins' estimated duration minus the time
 * the build has run, or null without an estimate.
 */
export function buildPollDelay(fast: FastStart, intervalMs: number, remainingMs: number | null): number {
  if (remainingMs !== null && remainingMs > 0) {
    return remainingMs >= intervalMs ? intervalMs : remainingMs + LANDING_SLACK_MS;
  }
  return fast.delay();
}
