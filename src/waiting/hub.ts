/**
 * The worker's wait hub (docs/design.md §16). A trigger's waits (job idle, queue item, build)
 * are activities completed asynchronously: the activity registers its wait here and returns at
 * once, so it holds no slot while it waits. The hub then:
 *
 * - polls Jenkins for all waits of one job together (`group`): one read of the job's build pages
 *   and of the host's queue answers them all; a wait alone in its group reads exactly what one
 *   trigger read before (its queue item, its build);
 * - heartbeats each wait rarely (40 % of its heartbeat timeout), which is how a killed worker's
 *   waits move to another worker, and how a cancellation reaches a wait;
 * - completes or fails the activity through the worker's client when the wait is over.
 */
import { context as traceContext, type Context as TraceContext } from '@opentelemetry/api';
import { Context, CompleteAsyncError } from '@temporalio/activity';
import { ActivityCancelledError, ActivityNotFoundError, ActivityPausedError, ActivityResetError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { JenkinsClient } from '../jenkins/index.js';
import { type ActivityDeps, type SharedState, clientSettingsOf, toFailure, trustedJenkinsClient } from '../activities/context.js';
import { BuildPages, QueueStates } from './reads.js';
import { LIMITS, describeRange } from '../options/limits.js';
import type { Reads, Step, Wait } from './waits.js';

/** How often the hub looks for due polls and heartbeats. */
const PASS_MS = 250;
/** A group is not polled more often than this, however many of its waits are due. */
const MIN_GAP_MS = 500;
/** Heartbeats in flight at once: bounds the hub's load on the Temporal server. */
const MAX_IN_FLIGHT = 16;
/** Waits scheduled with a heartbeat timeout up to this are heartbeated every 2 s (see heartbeatEvery). */
const LEGACY_TIMEOUT_MS = 60_000;

/** The heartbeat timeout the worker asks the workflow to give its waits: REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS or the default. */
export function waitHeartbeatTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env.REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS;
  const r = LIMITS.waitHeartbeatTimeout;
  if (raw === undefined || raw === '') return r.default * 1000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < r.min || n > r.max) {
    throw new Error(`REMOTE_TRIGGER_WAIT_HEARTBEAT_SECONDS must be a whole number of seconds from ${describeRange(r, 's')}, got '${raw}'`);
  }
  return n * 1000;
}

/** How often a wait with this heartbeat timeout is heartbeated. */
export function heartbeatEvery(heartbeatTimeoutMs: number | undefined): number {
  // Workflow code before the hub scheduled waits with timeouts ≤ 60 s and waits for their
  // cancellation, which only a heartbeat reply delivers: keep their 2 s. Newer code sets a long
  // timeout and does not wait for the cancellation, so 40 % of it keeps a margin for one lost call.
  const timeout = heartbeatTimeoutMs ?? LEGACY_TIMEOUT_MS;
  return timeout <= LEGACY_TIMEOUT_MS ? 2000 : Math.floor(timeout * 0.4);
}

interface Entry {
  wait: Wait;
  key: string;
  /** The activity's trace context: the wait's requests join the trigger's trace. */
  trace: TraceContext;
  token: Uint8Array;
  group: Group;
  dueAt: number;
  heartbeatEveryMs: number;
  nextHeartbeatAt: number;
  heartbeating: boolean;
  /** In dueHeartbeats, waiting for a free place among the heartbeats in flight. */
  heartbeatQueued: boolean;
  ended: boolean;
}

interface Group {
  key: string;
  hostKey: string;
  jobUrl: string;
  client: JenkinsClient;
  entries: Set<Entry>;
  busy: boolean;
  lastPoll: number;
}

export class WaitHub {
  private readonly entries = new Map<string, Entry>();
  private readonly groups = new Map<string, Group>();
  private client: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly dueHeartbeats: Entry[] = [];
  private readonly stopping = new AbortController();

  private shared: SharedState | null = null;

  constructor(private readonly deps: ActivityDeps) {}

  /** The worker's shared caches and per-host limits, which the hub's clients use too. */
  attach(shared: SharedState): void {
    this.shared = shared;
  }

  /**
   * Called inside the activity: hands the wait to the hub and ends the activity function
   * without completing the activity (Temporal's asynchronous completion).
   */
  register(wait: Wait): never {
    const ctx = Context.current();
    this.client ??= ctx.client;
    const info = ctx.info;
    const key = `${info.workflowExecution?.workflowId}/${info.workflowExecution?.runId}/${info.activityId}`;
    const group = this.groupFor(wait);
    // A new attempt of the same activity replaces the wait of an earlier one.
    const earlier = this.entries.get(key);
    if (earlier) this.drop(earlier);
    const now = Date.now();
    const every = heartbeatEvery(info.heartbeatTimeoutMs);
    const entry: Entry = { wait, key, trace: traceContext.active(), token: info.taskToken, group, dueAt: now, heartbeatEveryMs: every, nextHeartbeatAt: now + every, heartbeating: false, heartbeatQueued: false, ended: false };
    this.entries.set(key, entry);
    group.entries.add(entry);
    this.deps.metrics?.waitingChanged(wait.phase, 1);
    this.start();
    throw new CompleteAsyncError();
  }

  /**
   * Drops the waits of a workflow run that is cleaning up after an abort or a cancellation (its
   * abortRemote runs on this worker): they were cancelled, and the hub would otherwise poll them
   * until its next heartbeat brought the cancellation.
   */
  forget(workflowId: string, runId: string): void {
    for (const e of [...this.entries.values()]) if (e.key.startsWith(`${workflowId}/${runId}/`)) this.drop(e);
  }

  /**
   * Stops polling and hands every wait back to Temporal as a retryable failure, so that another
   * worker (or this one, restarted) resumes it at once instead of after its heartbeat timeout.
   */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopping.abort();
    const failure = ApplicationFailure.retryable('the worker stopped; the wait resumes on another worker', 'WorkerStopped');
    await Promise.all([...this.entries.values()].map((e) => this.end(e, () => this.client!.activity.fail(e.token, failure))));
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.pass(), PASS_MS);
    this.timer.unref();
  }

  private groupFor(wait: Wait): Group {
    const t = wait.input.target;
    // Same root, credentials, TLS rule and client settings (timeouts, caches): one client and one
    // view of the host.
    const hostKey = JSON.stringify([t.root, t.auth, wait.input.token, t.trustAllCertificates, t.maxConn, clientSettingsOf(wait.input)]);
    const key = `${hostKey}|${t.jobUrl}`;
    let g = this.groups.get(key);
    if (!g) {
      const client = trustedJenkinsClient(t, clientSettingsOf(wait.input), this.deps, this.shared!, wait.input.token, {
        signal: this.stopping.signal,
        log: () => {},
      });
      g = { key, hostKey, jobUrl: t.jobUrl, client, entries: new Set(), busy: false, lastPoll: 0 };
      this.groups.set(key, g);
    }
    return g;
  }

  private pass(): void {
    const now = Date.now();
    const queues = new Map<string, QueueStates>();
    for (const g of this.groups.values()) {
      if (g.entries.size === 0) {
        this.groups.delete(g.key);
        continue;
      }
      if (g.busy || now - g.lastPoll < MIN_GAP_MS) continue;
      let due = Infinity;
      for (const e of g.entries) due = Math.min(due, e.dueAt);
      if (due > now) continue;
      this.deps.metrics?.pollLate(now - due);
      let queue = queues.get(g.hostKey);
      if (!queue) queues.set(g.hostKey, (queue = new QueueStates(g.client)));
      void this.poll(g, queue, now);
    }
    this.heartbeat(now);
  }

  private async poll(g: Group, queue: QueueStates, now: number): Promise<void> {
    g.busy = true;
    g.lastPoll = now;
    const all = [...g.entries];
    const reads: Reads = { client: g.client, pages: new BuildPages(g.client, g.jobUrl), queue, coalesced: all.length > 1 };
    try {
      // Each wait polls in its trigger's trace; a read it shares with others is traced as the first
      // wait's that asked for it.
      await Promise.all(all.filter((e) => e.dueAt <= now).map((e) => this.step(e, () => traceContext.with(e.trace, () => e.wait.poll(reads)))));
      // The others take what this poll read for free, which also brings them onto one schedule.
      if (reads.coalesced) for (const e of all) if (!e.ended && e.dueAt > now) this.apply(e, () => e.wait.peek(reads));
    } finally {
      g.busy = false;
    }
  }

  private async step(e: Entry, next: () => Promise<Step<unknown>>): Promise<void> {
    try {
      const s = await next();
      this.apply(e, () => s);
    } catch (err) {
      this.finish(e, { failure: toFailure(err) });
    }
  }

  private apply(e: Entry, next: () => Step<unknown> | null): void {
    if (e.ended) return;
    let s: Step<unknown> | null;
    try {
      s = next();
    } catch (err) {
      this.finish(e, { failure: toFailure(err) });
      return;
    }
    if (!s) return;
    if ('done' in s) this.finish(e, { result: s.done });
    else e.dueAt = Date.now() + s.wait;
  }

  private finish(e: Entry, outcome: { result: unknown } | { failure: Error }): void {
    if (e.ended) return;
    void this.end(e, () => ('failure' in outcome ? this.client!.activity.fail(e.token, outcome.failure) : this.client!.activity.complete(e.token, outcome.result)));
  }

  /** Removes the wait and reports its end to Temporal, retried a few times on transport errors. */
  private async end(e: Entry, report: () => Promise<void>): Promise<void> {
    this.drop(e);
    for (let attempt = 1; ; attempt++) {
      try {
        await report();
        return;
      } catch (err) {
        // The activity is gone (timed out, its workflow closed, a newer attempt): nothing to report to.
        if (err instanceof ActivityNotFoundError || attempt >= 5) return;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  private drop(e: Entry): void {
    if (e.ended) return;
    e.ended = true;
    this.entries.delete(e.key);
    e.group.entries.delete(e);
    this.deps.metrics?.waitingChanged(e.wait.phase, -1);
  }

  /**
   * Queues the waits whose heartbeat is due and starts as many as MAX_IN_FLIGHT allows. Each reply
   * starts the next one (pumpHeartbeats), so the rate follows the server's latency, not the pass:
   * 10,000 waits with a 240 s timeout need ~100 heartbeats a second.
   */
  private heartbeat(now: number): void {
    for (const e of this.entries.values()) {
      if (e.heartbeatQueued || e.heartbeating || e.nextHeartbeatAt > now) continue;
      e.heartbeatQueued = true;
      this.dueHeartbeats.push(e);
    }
    this.pumpHeartbeats();
  }

  private pumpHeartbeats(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.dueHeartbeats.length > 0) {
      const e = this.dueHeartbeats.shift()!;
      e.heartbeatQueued = false;
      if (!e.ended) this.sendHeartbeat(e);
    }
  }

  private sendHeartbeat(e: Entry): void {
    e.heartbeating = true;
    this.inFlight++;
    this.client!.activity.heartbeat(e.token, e.wait.details()).then(
      () => {
        e.nextHeartbeatAt = Date.now() + e.heartbeatEveryMs;
      },
      (err) => {
        if (err instanceof ActivityCancelledError) {
          // Workflow code that waits for the cancellation proceeds once it is reported.
          void this.end(e, () => this.client!.activity.reportCancellation(e.token));
        } else if (err instanceof ActivityNotFoundError || err instanceof ActivityPausedError || err instanceof ActivityResetError) {
          this.drop(e);
        } else {
          e.nextHeartbeatAt = Date.now() + 1000;
        }
      },
    ).finally(() => {
      e.heartbeating = false;
      this.inFlight--;
      this.pumpHeartbeats();
    });
  }
}
