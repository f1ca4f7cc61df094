import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { RemoteTriggerActivities, BuildRef, ArtifactRequest, JobFacts } from '../activities/types.js';
import { FailureTypes } from '../activities/types.js';
import { SHORT_ACTIVITY_MAX_ATTEMPTS } from '../options/limits.js';
import { type TriggerInput, checkTriggerInput } from '../options/trigger-input-schema.js';
import { abortSignal, abortUpdate, stateQuery } from './messages.js';
import { SEARCH_ATTRIBUTES_PATCH, searchAttributeUpdates } from './search-attributes.js';
import { type TriggerState, notTriggeredState } from './state.js';

/**
 * One remote trigger, from job metadata to the final result (docs/design.md §3.2).
 *
 * History stays flat however long the build runs (docs/design.md §5): waiting in the queue and
 * watching the build are each ONE long, heartbeating activity, so a 24 h build costs the same
 * handful of events as a 5 s one. The trigger POST runs in a non-cancellable scope so that an
 * abort can never lose the queue id it returns, and it is never blindly re-sent (docs/design.md §6.2,
 * see activities/trigger.ts).
 */
export async function remoteTrigger(rawInput: TriggerInput): Promise<TriggerState> {
  return runTrigger(validInput(rawInput));
}

/**
 * The steps of one trigger for a validated input: the body of `remoteTrigger`, shared with
 * `remoteJob` (docs/design.md §3.5), which resolves its input on the worker first. It registers
 * the `state` query, `abort` signal and `abortAndWait` update.
 */
export async function runTrigger(input: TriggerInput): Promise<TriggerState> {
  const st = initialState(input);
  // Inputs without webhooks (all histories recorded before they existed) take the old path.
  if (!input.notify?.length) return follow(input, st);
  try {
    return await follow(input, st);
  } finally {
    if (patched(COMPLETION_WEBHOOK_PATCH)) await notifyCompletion(input, st);
  }
}

/** Marks histories that deliver completion webhooks after the trigger ended. */
export const COMPLETION_WEBHOOK_PATCH = 'completion-webhook';

/**
 * Hands `{id, state}` to the webhook workflow, whatever the outcome (success, failure, abort,
 * cancellation). Delivery runs in its own workflow, abandoned by this one: the trigger closes
 * (and its callers get their result) at once, while the delivery is retried for up to 24 h.
 * Nothing here can change the trigger's result.
 */
async function notifyCompletion(input: TriggerInput, st: TriggerState): Promise<void> {
  const req: WebhookRequest = { triggerId: input.triggerId, body: JSON.stringify({ id: input.triggerId, state: st }), targets: input.notify! };
  await CancellationScope.nonCancellable(async () => {
    try {
      await startChild(deliverWebhooks, {
        // No '/' in the id: Temporal's HTTP API cannot route it.
        workflowId: `${input.triggerId}:notify`,
        args: [req],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      log.warn('completion webhook not started', { error: describeError(err).message });
    }
  });
}

export interface WebhookRequest {
  triggerId: string;
  /** Built once, so that every attempt (and every receiver) gets the same bytes. */
  body: string;
  targets: NonNullable<TriggerInput['notify']>;
}

/**
 * Delivers a trigger's completion webhooks: one activity per target, retried with backoff
 * (5 s doubling up to 1 h) for up to 24 h: at least once. A refused target (not in the worker's
 * notifyOrigins, a secret it may not read) is not retried. Failures are logged, never thrown.
 */
export async function deliverWebhooks(req: WebhookRequest): Promise<{ delivered: number; failed: number }> {
  const { deliverWebhook } = proxyActivities<RemoteTriggerActivities>({
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '24h',
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1h', nonRetryableErrorTypes: [FailureTypes.TargetRefused] },
  });
  const outcomes = await Promise.all(
    req.targets.map(async (n, i) => {
      try {
        await deliverWebhook({ triggerId: req.triggerId, url: n.url, secret: n.secret, body: req.body, deliveryId: `${req.triggerId}/notify/${i}` });
        return true;
      } catch (err) {
        log.warn('completion webhook not delivered', { index: i, error: describeError(err).message });
        return false;
      }
    }),
  );
  return { delivered: outcomes.filter(Boolean).length, failed: outcomes.filter((o) => !o).length };
}

function initialState(input: TriggerInput): TriggerState {
  return notTriggeredState({
    triggerId: input.triggerId,
    job: input.job,
    jobUrl: input.target.jobUrl,
    root: input.target.root,
    blockBuildUntilComplete: input.blockBuildUntilComplete,
    shouldNotFailBuild: input.shouldNotFailBuild,
    passingResults: input.passingResults,
  });
}

async function follow(input: TriggerInput, st: TriggerState): Promise<TriggerState> {
  const acts = activitiesFor(input);
  const main = new CancellationScope();
  // Search attributes (docs/design.md §3.8): upserted only by runs that took the patch, and only
  // those the worker's inspectJob reported registered, so an unregistered one never fails a task.
  let searchAttributes: { allowed: readonly string[]; last: Parameters<typeof searchAttributeUpdates>[3] } | null = null;
  const publish = () => {
    if (!searchAttributes) return;
    const updates = searchAttributeUpdates(st, input.target.hostName, searchAttributes.allowed, searchAttributes.last);
    if (updates.length > 0) upsertSearchAttributes(updates);
  };
  let abortDone = false;

  const requestAbort = (reason: string, by: NonNullable<TriggerState['abort']>['by']) => {
    if (st.abort || st.status === 'FINISHED') return;
    st.abort = { reason, by };
    main.cancel();
  };
  setHandler(stateQuery, () => st);
  setHandler(abortSignal, (reason) => requestAbort(reason || 'abort requested', 'signal'));
  setHandler(
    abortUpdate,
    async (reason) => {
      requestAbort(reason || 'abort requested', 'update');
      await condition(() => abortDone || st.status === 'FINISHED');
      return st;
    },
    { description: 'Abort the trigger and return once the remote queue item is cancelled or the build stopped.' },
  );

  if (input.disabled) {
    log.info('remote trigger step was disabled. skipping...');
    return st;
  }
  if (input.timeoutSeconds !== null) {
    // Overall timeout (docs/plugin-compat.md §16: users wrap the step in timeout {}). Runs in the root
    // scope so it is not cancelled with `main`.
    void sleep(input.timeoutSeconds * 1000).then(() => {
      if (st.status !== 'FINISHED' && !st.abort) {
        st.error = { type: FailureTypes.Timeout, message: `the trigger did not finish within ${input.timeoutSeconds} s` };
        requestAbort('timeout', 'timeout');
      }
    });
  }

  try {
    await main.run(async () => {
      const job = await acts.short.inspectJob(input);
      Object.assign(st, {
        jobUrl: job.jobUrl,
        jobName: job.name,
        jobFullName: job.fullName,
        jobDisplayName: job.displayName,
        jobFullDisplayName: job.fullDisplayName,
        parameterized: job.parameterized,
      });
      if (patched(SEARCH_ATTRIBUTES_PATCH)) searchAttributes = { allowed: job.searchAttributes ?? [], last: {} };
      publish();
      const waits = waitActivities(input, job);
      if (input.preventRemoteBuildQueue) await waits.waitUntilJobIdle(input, job);

      const triggered = await CancellationScope.nonCancellable(() => acts.trigger.triggerBuild(input, job));
      st.status = 'QUEUED';
      st.queueId = triggered.queueId;
      publish();

      const build = triggered.build ?? (await waits.awaitBuildStart(input, triggered.queueId));
      markRunning(st, build);
      publish();

      const finished = await waits.watchBuild(input, build);
      finish(st, finished.result);
      publish();
    });
  } catch (err) {
    if (isCancellation(err)) {
      // Only abort the remote side when asked to: an explicit abort always, a workflow
      // cancellation or timeout only with abortTriggeredJob (docs/plugin-compat.md §11).
      const cancelledByTemporal = !st.abort;
      if (cancelledByTemporal) st.abort = { reason: 'workflow cancelled', by: 'cancel' };
      const abortRemote = st.abort!.by === 'signal' || st.abort!.by === 'update' || input.abortTriggeredJob;
      if (abortRemote && st.status !== 'FINISHED') {
        await CancellationScope.nonCancellable(async () => {
          const outcome = await acts.short.abortRemote(input, { queueId: st.queueId, build: buildOf(st) });
          if (outcome.build) markRunning(st, outcome.build);
          if (outcome.action === 'cancelled-queue-item') finish(st, 'NOT_BUILT');
          else if (outcome.result) finish(st, outcome.result);
          else if (outcome.action === 'stopped-build') {
            st.error = { type: 'AbortUnconfirmed', message: `stop was sent to ${st.buildUrl}, but the build reported no result within a minute` };
          }
          log.info(`abort: ${outcome.action}`, { queueId: st.queueId, buildUrl: st.buildUrl });
        });
      }
      abortDone = true;
      publish();
      if (cancelledByTemporal) throw err;
      if (st.abort!.by === 'timeout') throw failure(st, FailureTypes.Timeout, st.error!.message);
    } else {
      const { type, message } = describeError(err);
      st.error = { type, message };
      abortDone = true;
      if (type === FailureTypes.QueueItemCancelled) finish(st, 'NOT_BUILT');
      publish();
      // shouldNotFailBuild also covers a failed trigger (plugin quirk 11, decided): the handle
      // comes back NOT_TRIGGERED instead of failing. Metadata and host errors always fail.
      const tolerated =
        input.shouldNotFailBuild && (st.status !== 'NOT_TRIGGERED' || (st.jobName !== null && !NEVER_TOLERATED.has(type)));
      if (!tolerated) throw failure(st, type, message);
      return st;
    }
  }

  if (st.status === 'FINISHED' && !st.passed && !input.shouldNotFailBuild) {
    throw failure(st, FailureTypes.RemoteBuildFailed, `The remote job did not succeed. (${st.result})`);
  }
  return st;
}

/**
 * Reads an archived file of a finished (or running) build through the worker, so callers need
 * no Jenkins credentials (Handle.readJsonFileFromBuildArchive).
 */
export async function readBuildArtifact(req: ArtifactRequest): Promise<{ body: string; contentType: string | null }> {
  const { readArtifact } = proxyActivities<RemoteTriggerActivities>({
    startToCloseTimeout: req.httpGetReadTimeoutMs + 30_000,
    retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 4 },
  });
  return readArtifact(req);
}

function activitiesFor(input: TriggerInput) {
  const retryShort = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: SHORT_ACTIVITY_MAX_ATTEMPTS };
  // The waits of histories recorded before the wait hub (see waitActivities): a dead worker is
  // noticed within this timeout and the wait resumes elsewhere from its last cursor.
  const heartbeatTimeout = Math.min(60_000, Math.max(10_000, 2 * input.pollIntervalSeconds * 1000));
  return {
    short: proxyActivities<RemoteTriggerActivities>({
      startToCloseTimeout: input.httpGetReadTimeoutMs * 3 + 30_000,
      retry: retryShort,
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
    trigger: proxyActivities<RemoteTriggerActivities>({
      // Crumb + POST + (after a lost answer) the recovery look-up, all in one attempt.
      startToCloseTimeout: input.httpPostReadTimeoutMs + input.httpGetReadTimeoutMs * 4 + 10_000,
      retry: retryShort,
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
    long: proxyActivities<RemoteTriggerActivities>({
      startToCloseTimeout: '30 days',
      heartbeatTimeout,
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
  };
}

/**
 * The waits' activities (docs/design.md §16). A worker with the wait hub reports the heartbeat
 * timeout it wants in the job facts; the workflow then does not wait for a cancelled wait to
 * confirm, so an abort reaches Jenkins at once while the hub drops the wait at its next
 * heartbeat. Histories recorded before (no such fact) keep their options and their commands.
 */
function waitActivities(input: TriggerInput, job: JobFacts) {
  if (job.waitHeartbeatTimeoutMs === undefined) return activitiesFor(input).long;
  return proxyActivities<RemoteTriggerActivities>({
    startToCloseTimeout: '30 days',
    heartbeatTimeout: job.waitHeartbeatTimeoutMs,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
    cancellationType: ActivityCancellationType.TRY_CANCEL,
  });
}

/**
 * Input may come from other clients than ours (Temporal's HTTP API, other SDKs, the Temporal UI),
 * so the workflow checks it with the same schema as buildTriggerInput before any activity runs.
 * The schema also fills in what those clients leave out (the HTTP API turns empty lists into null).
 */
function validInput(raw: unknown): TriggerInput {
  const r = checkTriggerInput(raw);
  if (r.ok) return r.input;
  throw ApplicationFailure.create({
    type: FailureTypes.InvalidInput,
    message: `remoteTrigger input: ${r.field ? `${r.field}: ` : ''}${r.message} (build the input with buildTriggerInput or \`remote-trigger trigger --dry-run\`)`,
    nonRetryable: true,
    details: [{ field: r.field }],
  });
}

/** Failures of the worker's configuration or trust rules, which shouldNotFailBuild never hides. */
const NEVER_TOLERATED = new Set<string>([FailureTypes.CredentialsMissing, FailureTypes.TargetRefused, FailureTypes.WorkerMisconfigured]);

function markRunning(st: TriggerState, build: BuildRef): void {
  st.status = 'RUNNING';
  st.result = 'NOT_BUILT';
  st.buildNumber = build.buildNumber;
  st.buildUrl = build.buildUrl;
}

function finish(st: TriggerState, result: TriggerState['result']): void {
  st.status = 'FINISHED';
  st.result = result;
  st.passed = st.passingResults.includes(result);
}

function buildOf(st: TriggerState): BuildRef | null {
  return st.buildNumber !== null && st.buildUrl !== null ? { buildNumber: st.buildNumber, buildUrl: st.buildUrl } : null;
}

function describeError(err: unknown): { type: string; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'Error', message: cause.message };
  if (cause instanceof Error) return { type: cause.name, message: cause.message };
  return { type: 'Error', message: String(cause) };
}

function failure(st: TriggerState, type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: [st] });
}
