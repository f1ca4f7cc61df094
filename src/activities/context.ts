import { Context, ApplicationFailure } from '@temporalio/activity';
import type { TriggerMetrics } from '../telemetry/metrics.js';
import { JenkinsClient, JenkinsError, MemoryTtlCache, SingleFlight, SINGLE_FLIGHT_WINDOW_MS, type CrumbEntry, type JobInfo } from '../jenkins/index.js';
import type { Config } from '../options/config.js';
import type { Target } from '../options/resolve.js';
import type { TriggerInput } from '../options/trigger-input.js';
import type { ConsoleStore } from './console-store.js';
import { HostLimiters } from './host-limiter.js';
import { resolveAuth } from './secrets.js';
import { DEFAULT_TRUST_POLICY, type TrustPolicy, authorizeTarget } from './trust.js';
import type { SecretRef } from '../options/auth.js';
import { FailureTypes } from './types.js';
import { JENKINS_RETRY_FAILURES } from '../contract/failures.js';
import type { RequestObserver } from '../jenkins/http.js';
import { tracingObserver } from '../telemetry/tracing.js';

/** What the activities share on one worker: configuration, caches, limits and the console store. */
export interface ActivityDeps {
  config: Config;
  env: NodeJS.ProcessEnv;
  consoleStore: ConsoleStore;
  /** Called with each new piece of remote console text (for a worker that echoes it to its log). */
  onConsole?: (triggerId: string, text: string) => void;
  /** What this worker lets its input ask for (activities/trust.ts). Default: a shared worker's. */
  policy?: TrustPolicy;
  /** The trigger's search attributes registered on the namespace, checked at worker start (docs/design.md §3.8). */
  searchAttributes?: readonly string[];
  /** Wraps each Jenkins request (tracing, metrics). Default: tracing, and the metrics' request counter. */
  requestObserver?: RequestObserver;
  /** The worker's metrics (README, "Metrics"). */
  metrics?: TriggerMetrics;
  /** The heartbeat timeout this worker's waits get (src/waiting/hub.ts); default from the environment. */
  waitHeartbeatTimeoutMs?: number;
}

export interface SharedState {
  limiters: HostLimiters;
  /** Crumb + session cookie per (origin, identity); 10 min TTL per entry (docs/plugin-compat.md §14, quirk 7). */
  crumbCache: MemoryTtlCache<CrumbEntry>;
  jobInfoCache: MemoryTtlCache<JobInfo>;
  /** Crumb and job metadata requests alike within 1 s are one, caches on or off (src/jenkins/single-flight.ts). */
  crumbFlights: SingleFlight<CrumbEntry>;
  jobInfoFlights: SingleFlight<JobInfo>;
}

export const CACHE_TTL_MS = 10 * 60_000;

/** `now` is the clock of the caches and the single-flight window (tests pass a fake one). */
export function createSharedState(now: () => number = Date.now): SharedState {
  return {
    limiters: new HostLimiters(),
    crumbCache: new MemoryTtlCache<CrumbEntry>(CACHE_TTL_MS, now),
    jobInfoCache: new MemoryTtlCache<JobInfo>(CACHE_TTL_MS, now),
    crumbFlights: new SingleFlight<CrumbEntry>(SINGLE_FLIGHT_WINDOW_MS, now),
    jobInfoFlights: new SingleFlight<JobInfo>(SINGLE_FLIGHT_WINDOW_MS, now),
  };
}

export interface ClientSettings {
  useCrumbCache?: boolean;
  useJobInfoCache?: boolean;
  httpGetReadTimeoutMs: number;
  httpPostReadTimeoutMs?: number;
}

/** The HTTP settings a trigger's options name (timeouts, caches). */
export function clientSettingsOf(input: TriggerInput): ClientSettings {
  return {
    useCrumbCache: input.useCrumbCache,
    useJobInfoCache: input.useJobInfoCache,
    httpGetReadTimeoutMs: input.httpGetReadTimeoutMs,
    httpPostReadTimeoutMs: input.httpPostReadTimeoutMs,
  };
}

/**
 * A Jenkins client for one activity attempt: the target and secret references checked against
 * this worker's configuration (the trust boundary), secrets resolved here, cancellation wired in.
 */
export function jenkinsFor(target: Target, settings: ClientSettings, deps: ActivityDeps, shared: SharedState, token: SecretRef | null = null): JenkinsClient {
  const ctx = Context.current();
  return trustedJenkinsClient(target, settings, deps, shared, token, { signal: ctx.cancellationSignal, log: (line) => ctx.log.info(line) });
}

/**
 * The same, outside an activity: for the worker's wait hub (src/waiting/), which polls for many
 * activities after they returned. The trust checks run the same way.
 */
export function trustedJenkinsClient(
  target: Target,
  settings: ClientSettings,
  deps: ActivityDeps,
  shared: SharedState,
  token: SecretRef | null,
  io: { signal?: AbortSignal; log: (line: string) => void },
): JenkinsClient {
  const policy = deps.policy ?? DEFAULT_TRUST_POLICY;
  authorizeTarget(target, token, deps.config, policy);
  return new JenkinsClient({
    root: target.root,
    auth: resolveAuth(target.auth, deps.config, deps.env, policy),
    trustAllCertificates: target.trustAllCertificates,
    getTimeoutMs: settings.httpGetReadTimeoutMs,
    postTimeoutMs: settings.httpPostReadTimeoutMs,
    limiter: shared.limiters.forOrigin(new URL(target.root).origin, target.maxConn),
    crumbCache: settings.useCrumbCache ? shared.crumbCache : undefined,
    jobInfoCache: settings.useJobInfoCache ? shared.jobInfoCache : undefined,
    crumbFlights: shared.crumbFlights,
    jobInfoFlights: shared.jobInfoFlights,
    signal: io.signal,
    log: io.log,
    // A span per request and its W3C traceparent, always (docs/design.md §15).
    observer: deps.requestObserver ?? tracingObserver(deps.metrics?.requestObserver()),
  });
}

/**
 * Maps a Jenkins client error to the failure Temporal records. Definitive answers (4xx) are
 * non-retryable and keep Jenkins' own status and message (plugin quirk 1: no more "Max number
 * of connection retries have been exceeded").
 */
export function toFailure(e: unknown, opts: { retryable?: boolean; type?: string } = {}): Error {
  if (e instanceof ApplicationFailure) return e;
  if (e instanceof JenkinsError) {
    const retryable = opts.retryable ?? e.retryable;
    return ApplicationFailure.create({
      type: opts.type ?? (retryable ? JENKINS_RETRY_FAILURES[e.kind] : FailureTypes.JenkinsRejected),
      message: e.message,
      nonRetryable: !retryable,
      details: [e.toJSON()],
    });
  }
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Heartbeats on a timer, independent of how long one HTTP call or poll sleep takes, so the
 * heartbeat timeout can stay short (a killed worker is noticed quickly) while poll intervals
 * are long. Cancellation is delivered through these heartbeats.
 */
export function keepHeartbeating(details: () => unknown): () => void {
  const ctx = Context.current();
  // The SDK throttles what actually goes to the server (maxHeartbeatThrottleInterval, set on
  // the worker); calling it often costs nothing and keeps abort latency low.
  const every = Math.min(1000, Math.floor((ctx.info.heartbeatTimeoutMs ?? 30_000) / 4));
  ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), every);
  return () => clearInterval(timer);
}
