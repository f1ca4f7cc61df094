import type { RemoteJobRequest } from '../options/remote-job-options.js';
import type { TriggerInput } from '../options/trigger-input.js';
import { abortRemote } from './abort.js';
import { readArtifact } from './artifact.js';
import { resolveTriggerOptions } from './resolve-options.js';
import { readConsole } from './console-read.js';
import { type ActivityDeps, createSharedState } from './context.js';
import { inspectJob, triggerBuild, waitUntilJobIdle } from './trigger.js';
import type { ArtifactRequest, BuildRef, ConsoleRequest, JobFacts, WebhookDelivery } from './types.js';
import { awaitBuildStart, watchBuild } from './watch.js';
import { deliverWebhook } from './webhook.js';

export { ConsoleStore } from './console-store.js';
export type { ActivityDeps } from './context.js';
export * from './types.js';

/** The activities of one worker, sharing its caches and per-host connection limits. */
export function createActivities(deps: ActivityDeps) {
  const shared = createSharedState();
  // Triggers waiting on this worker, by phase (README, "Metrics").
  const waiting = <T>(phase: string, fn: () => Promise<T>): Promise<T> => (deps.metrics ? deps.metrics.waiting(phase, fn) : fn());
  return {
    inspectJob: (input: TriggerInput) => inspectJob(deps, shared, input),
    waitUntilJobIdle: (input: TriggerInput, job: JobFacts) => waiting('idle', () => waitUntilJobIdle(deps, shared, input, job)),
    triggerBuild: (input: TriggerInput, job: JobFacts) => triggerBuild(deps, shared, input, job),
    awaitBuildStart: (input: TriggerInput, queueId: number) => waiting('queue', () => awaitBuildStart(deps, shared, input, queueId)),
    watchBuild: (input: TriggerInput, build: BuildRef) => waiting('build', () => watchBuild(deps, shared, input, build)),
    abortRemote: (input: TriggerInput, at: { queueId: number | null; build: BuildRef | null }) => abortRemote(deps, shared, input, at),
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
