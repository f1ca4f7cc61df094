// The range of every number a trigger accepts. Each range fits the timers that use it: Node's
// setTimeout/setInterval hold at most 2^31−1 ms (about 24.8 days) and turn anything larger into
// 1 ms, which would make a poll loop hammer Jenkins. Values outside a range are errors naming the
// field and the range; the plugin's "≤ 0 (or < 1000 ms) becomes the default" rules stay.
//
// This module is pure (no Node imports) because the workflow validates its input with it.

export const MAX_TIMER_MS = 2 ** 31 - 1;

export const LIMITS = {
  /** Seconds between build polls. */
  pollInterval: { min: 1, max: 24 * 3600, default: 10 },
  /** Seconds between queue polls (Jenkins forgets a left item after 5 min). */
  queuePollInterval: { min: 1, max: 30 },
  /** Overall limit in seconds for queue + build: up to 24 days, the whole days a timer can hold. */
  timeout: { min: 1, max: 24 * 24 * 3600 },
  /** Milliseconds per GET (and crumb) request. */
  httpGetReadTimeout: { min: 1000, max: 10 * 60_000, default: 10_000 },
  /** Milliseconds per POST request. */
  httpPostReadTimeout: { min: 1000, max: 10 * 60_000, default: 30_000 },
  /** Concurrent requests per remote host; values outside are clamped, as in the plugin. */
  maxConn: { min: 1, max: 5, default: 1 },
  /** Bytes per file parameter: the content travels in workflow history. */
  fileParameterBytes: { max: 256 * 1024 },
  /** Parameters per trigger, and characters per name and value (workflow input is bounded by Temporal). */
  parameters: { maxCount: 500, maxNameLength: 255, maxValueLength: 64 * 1024 },
  /** Completion webhooks per trigger. */
  notify: { maxTargets: 5 },
  /** Characters of a trigger id (its workflow id). */
  triggerId: { maxLength: 255 },
  /**
   * Seconds of a wait's heartbeat timeout (a worker setting, REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS):
   * how long the waits of a killed worker take to move to another, against 1 / (0.4 × this)
   * heartbeats per waiting trigger (docs/design.md §16).
   */
  waitHeartbeatTimeout: { min: 10, max: 600, default: 240 },
} as const;

export function describeRange(r: { min: number; max: number }, unit: string): string {
  return `${r.min} to ${r.max} ${unit}`;
}

/**
 * Attempts of the workflow's short activities (metadata, trigger, abort). A worker lacking a
 * host or credential gives up for good at the last of them (activities/trust.ts).
 */
export const SHORT_ACTIVITY_MAX_ATTEMPTS = 6;
