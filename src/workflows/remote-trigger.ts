import { ApplicationFailure, CancellationScope, isCancellation, log, patched, proxyActivities } from '@temporalio/workflow';
import type { ArtifactRequest, RemoteTriggerActivities } from '../activities/types.js';
import { FailureTypes } from '../contract/failures.js';
import { type TriggerInput, checkTriggerInput } from '../contract/trigger-input.js';
import type { TriggerState } from '../contract/state.js';
import { activitiesFor, waitActivities } from './trigger-activities.js';
import { TriggerRun } from './trigger-run.js';
import { COMPLETION_WEBHOOK_PATCH, notifyCompletion } from './webhooks.js';

export { deliverWebhooks, COMPLETION_WEBHOOK_PATCH, type WebhookRequest } from './webhooks.js';

/**
 * One remote trigger, from job metadata to the final result (docs/design.md §3.2).
 *
 * History stays flat however long the build runs (docs/design.md §5): waiting in the queue and
 * watching the build are each ONE activity, so a 24 h build costs the same handful of events as
 * a 5 s one. The trigger POST runs in a non-cancellable scope so that an abort can never lose the
 * queue id it returns, and it is never blindly re-sent (docs/design.md §6.2, see
 * activities/trigger.ts).
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
  const run = new TriggerRun(input);
  // Inputs without webhooks (all histories recorded before they existed) take the old path.
  if (!input.notify?.length) return follow(input, run);
  try {
    return await follow(input, run);
  } finally {
    if (patched(COMPLETION_WEBHOOK_PATCH)) await notifyCompletion(input, run.st);
  }
}

/** The state diagram of docs/design.md §4, step by step. */
async function follow(input: TriggerInput, run: TriggerRun): Promise<TriggerState> {
  const acts = activitiesFor(input);
  run.listen();
  if (input.disabled) {
    log.info('remote trigger step was disabled. skipping...');
    return run.st;
  }
  if (input.timeoutSeconds !== null) run.startTimeout(input.timeoutSeconds);

  try {
    await run.run(async () => {
      const job = await acts.short.inspectJob(input);
      run.jobInspected(job);
      const waits = waitActivities(input, job);
      if (input.preventRemoteBuildQueue) await waits.waitUntilJobIdle(input, job);

      const triggered = await CancellationScope.nonCancellable(() => acts.trigger.triggerBuild(input, job));
      run.queued(triggered.queueId);

      const build = run.running(triggered.build ?? (await waits.awaitBuildStart(input, triggered.queueId)));

      run.finished((await waits.watchBuild(input, build)).result);
    });
  } catch (err) {
    if (!isCancellation(err)) return run.failed(err);
    const { abortRemote, byTemporal } = run.cancelled();
    if (abortRemote) await CancellationScope.nonCancellable(async () => run.aborted(await acts.short.abortRemote(input, run.remote())));
    run.cleanedUp();
    if (byTemporal) throw err;
  }
  return run.outcome();
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
