/**
 * `remote-trigger/workflow`: remote triggers from your own Temporal workflows (docs/design.md
 * §3.5). Safe in the workflow sandbox: deterministic, no I/O, no Node module (checked by
 * test/workflow-api/bundle.test.ts). Every trigger is a child workflow `remoteJob` whose options
 * the worker resolves from its own configuration, so your workflow needs no configuration file.
 *
 * ```ts
 * import { triggerRemoteJob, startRemoteJob, allRemoteJobs } from 'remote-trigger/workflow';
 * ```
 *
 * The workflow functions are exported too, for a worker that registers them beside yours:
 * `export { remoteTrigger, remoteJob, remoteJobBatch, remoteStages, readBuildArtifact } from 'remote-trigger/workflow';`
 * in your workflows file (see `remote-trigger/worker`).
 */
export {
  triggerRemoteJob,
  startRemoteJob,
  RemoteJob,
  RemoteJobError,
  type RemoteJobContext,
  type RemoteJobOutcome,
} from './workflows/api.js';
export { allRemoteJobs, settleRemoteJobs, type RemoteJobSpec, type AllRemoteJobsOptions } from './workflows/fan-out.js';
export { remoteTrigger, readBuildArtifact } from './workflows/remote-trigger.js';
export { remoteJob } from './workflows/remote-job.js';
export { remoteJobBatch } from './workflows/fan-out.js';
export { remoteStages, stagesQuery, type StagesState, type StageTriggerState } from './workflows/stages.js';
export { stateQuery, abortSignal, abortUpdate, WORKFLOW_TYPE, REMOTE_JOB_WORKFLOW_TYPE } from './workflows/messages.js';
export { checkRemoteJobOptions, type RemoteJobRequest } from './options/remote-job-options.js';
export type { StepOptionsInput as TriggerRemoteJobOptions } from './options/step-options.js';
export type { TriggerState, BuildStatus, RemoteResult } from './workflows/state.js';
