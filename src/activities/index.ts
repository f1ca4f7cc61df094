import { abortRemote } from './abort.js';
import { readArtifact } from './artifact.js';
import { resolveTriggerOptions } from './resolve-options.js';
import { readConsole } from './console-read.js';
import { type ActivityDeps, createSharedState } from './context.js';
import { inspectJob, triggerBuild } from './trigger.js';
import type { RemoteTriggerActivities } from './types.js';
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
export function createActivities(given: ActivityDeps, hub?: WaitHub): RemoteTriggerActivities {
  // Read (and checked) once, so a bad value stops the worker at start rather than each trigger.
  const deps = { ...given, waitHeartbeatTimeoutMs: given.waitHeartbeatTimeoutMs ?? waitHeartbeatTimeoutMs(given.env) };
  const shared = createSharedState();
  const waits = hub ?? new WaitHub(deps);
  waits.attach(shared);
  return {
    inspectJob: (input) => inspectJob(deps, shared, input),
    waitUntilJobIdle: (input, job) => waitUntilJobIdle(deps, shared, waits, input, job),
    triggerBuild: (input, job) => triggerBuild(deps, shared, input, job),
    awaitBuildStart: (input, queueId) => awaitBuildStart(deps, shared, waits, input, queueId),
    watchBuild: (input, build) => watchBuild(deps, shared, waits, input, build),
    abortRemote: (input, at) => abortRemote(deps, shared, input, at),
    readArtifact: (req) => readArtifact(deps, shared, req),
    deliverWebhook: (req) => deliverWebhook(deps, req),
    resolveTriggerOptions: (req) => resolveTriggerOptions(deps, req),
    readConsole: (req) => readConsole(deps, shared, req),
  };
}
