import type { RemoteJobRequest } from '../options/remote-job-options.js';
import type { TriggerInput } from '../options/trigger-input.js';
import { abortRemote } from './abort.js';
import { readArtifact } from './artifact.js';
import { resolveTriggerOptions } from './resolve-options.js';
import { readConsole } from './console-read.js';
import { Context } from '@temporalio/activity';
import { type ActivityDeps, createSharedState } from './context.js';
import { inspectJob, triggerBuild } from './trigger.js';
import type { ArtifactRequest, BuildRef, ConsoleRequest, JobFacts, WebhookDelivery } from './types.js';
import { awaitBuildStart, waitUntilJobIdle, watchBuild } from './watch.js';
import { WaitHub, waitHeartbeatTimeoutMs } from '../waiting/hub.js';
import { deliverWebhook } from './webhook.js';

export { ConsoleStore } from './console-store.js';
export type { ActivityDeps } from './context.js';
export * from './types.js';

/**
 * The activities of one worker, sharing its caches, per-host connection limits and wait hub.
 * Pass `hub` to close it when the worker stops (createTriggerWorker does), so that its waits
 * resume elsewhere at once.
 */
export function createActivities(given: ActivityDeps, hub?: WaitHub) {
  // Read (and checked) once, so a bad value stops the worker at start rather than each trigger.
  const deps = { ...given, waitHeartbeatTimeoutMs: given.waitHeartbeatTimeoutMs ?? waitHeartbeatTimeoutMs(given.env) };
  const shared = createSharedState();
  const waits = hub ?? new WaitHub(deps);
  waits.attach(shared);
  return {
    inspectJob: (input: TriggerInput) => inspectJob(deps, shared, input),
    waitUntilJobIdle: (input: TriggerInput, job: JobFacts) => waitUntilJobIdle(deps, shared, waits, input, job),
    triggerBuild: (input: TriggerInput, job: JobFacts) => triggerBuild(deps, shared, input, job),
    awaitBuildStart: (input: TriggerInput, queueId: number) => awaitBuildStart(deps, shared, waits, input, queueId),
    watchBuild: (input: TriggerInput, build: BuildRef) => watchBuild(deps, shared, waits, input, build),
    abortRemote: (input: TriggerInput, at: { queueId: number | null; build: BuildRef | null }) => {
      // The trigger's waits were cancelled: stop polling for them now, not at their next heartbeat.
      const run = Context.current().info.workflowExecution;
      if (run) waits.forget(run.workflowId, run.runId);
      return abortRemote(deps, shared, input, at);
    },
    readArtifact: (req: ArtifactRequest) => readArtifact(deps, shared, req),
    deliverWebhook: (req: WebhookDelivery) => deliverWebhook(deps, req),
    /** The TriggerInput of a `remoteJob` child, resolved from this worker's configuration. */
    resolveTriggerOptions: (req: RemoteJobRequest) => resolveTriggerOptions(deps, req),
    /** One read of a build's progressive console (docs/design.md §9.1). */
    readConsole: (req: ConsoleRequest) => readConsole(deps, shared, req),
  };
}

/**
 * The activities as the workflows call them (`proxyActivities<RemoteTriggerActivities>`):
 * the type of what createActivities returns, so the two cannot drift.
 */
export type RemoteTriggerActivities = ReturnType<typeof createActivities>;
