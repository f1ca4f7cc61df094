import { abortRemote } from './abort.js';
import { readArtifact } from './artifact.js';
import { resolveTriggerOptions } from './resolve-options.js';
import { readConsole } from './console-read.js';
import { type ActivityDeps, createSharedState } from './context.js';
import { inspectJob, triggerBuild, waitUntilJobIdle } from './trigger.js';
import type { RemoteTriggerActivities } from './types.js';
import { awaitBuildStart, watchBuild } from './watch.js';
import { deliverWebhook } from './webhook.js';

export { ConsoleStore } from './console-store.js';
export type { ActivityDeps } from './context.js';
export * from './types.js';

/** The activities of one worker, sharing its caches and per-host connection limits. */
export function createActivities(deps: ActivityDeps): RemoteTriggerActivities {
  const shared = createSharedState();
  // Triggers waiting on this worker, by phase (README, "Metrics").
  const waiting = <T>(phase: string, fn: () => Promise<T>): Promise<T> => (deps.metrics ? deps.metrics.waiting(phase, fn) : fn());
  return {
    inspectJob: (input) => inspectJob(deps, shared, input),
    waitUntilJobIdle: (input, job) => waiting('idle', () => waitUntilJobIdle(deps, shared, input, job)),
    triggerBuild: (input, job) => triggerBuild(deps, shared, input, job),
    awaitBuildStart: (input, queueId) => waiting('queue', () => awaitBuildStart(deps, shared, input, queueId)),
    watchBuild: (input, build) => waiting('build', () => watchBuild(deps, shared, input, build)),
    abortRemote: (input, at) => abortRemote(deps, shared, input, at),
    readArtifact: (req) => readArtifact(deps, shared, req),
    deliverWebhook: (req) => deliverWebhook(deps, req),
    resolveTriggerOptions: (req) => resolveTriggerOptions(deps, req),
    readConsole: (req) => readConsole(deps, shared, req),
  };
}
