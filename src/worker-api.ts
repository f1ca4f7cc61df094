/**
 * `remote-trigger/worker`: what a worker needs to run remote-trigger's workflows and activities
 * (README "Orchestrating builds"). Two ways:
 *
 * 1. Your own worker runs everything: register `createRemoteTriggerActivities(...)` beside your
 *    activities, and re-export our workflows from your workflows file
 *    (`export { remoteTrigger, remoteJob, remoteJobBatch, remoteStages, readBuildArtifact } from 'remote-trigger/workflow'`).
 *    That worker is then the trust boundary: it resolves hosts and credentials from the
 *    configuration you give it (docs/design.md §8).
 * 2. A separate `remote-trigger worker` (or `createTriggerWorker`) on its own task queue runs the
 *    triggers; your workflow passes `{ taskQueue }` to `triggerRemoteJob`/`startRemoteJob`, and your
 *    worker needs nothing of ours.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConsoleStore, createActivities } from './activities/index.js';
import type { RemoteTriggerActivities } from './activities/types.js';
import { DEFAULT_TRUST_POLICY } from './activities/trust.js';
import type { Config } from './options/config.js';

export { createTriggerWorker, workflowSource, bundleWorkflows, workflowPreloadModules, runWorkerMain, TRIGGER_WORKER_OPTIONS, type TriggerWorkerOptions } from './worker.js';
export { loadConfig, parseConfig, emptyConfig, type Config, type ConfigInput } from './options/config.js';
export { createActivities, ConsoleStore, type RemoteTriggerActivities } from './activities/index.js';

/** The path of remote-trigger's workflows module, for `workflowsPath` of a worker that runs only ours. */
export const remoteTriggerWorkflowsPath: string = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.join(here, 'workflows', `index${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`);
})();

/** The task queue `remote-trigger worker` polls unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'remote-trigger';

/**
 * remote-trigger's activities for your own worker. `config` is that worker's temporal.yaml
 * (remote hosts, credentials, trust rules); secrets are read from `env` as it names them.
 */
export function createRemoteTriggerActivities(o: {
  config: Config;
  /** Where the remote console of `enhancedLogging` triggers is written. */
  consoleDir: string;
  env?: NodeJS.ProcessEnv;
  /** Send requests (never secrets) to any origin; default false: only configured hosts and allowOrigins. */
  allowAnyOrigin?: boolean;
}): RemoteTriggerActivities {
  return createActivities({
    config: o.config,
    env: o.env ?? process.env,
    consoleStore: new ConsoleStore(o.consoleDir),
    policy: { ...DEFAULT_TRUST_POLICY, allowAnyOrigin: o.allowAnyOrigin ?? false },
  });
}
