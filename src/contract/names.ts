/**
 * The names other clients use to reach the workflows: workflow types (the functions exported
 * by src/workflows/index.ts) and the messages of a trigger (docs/design.md §3.3). Any Temporal
 * client, in any language, starts and talks to triggers by these strings.
 */
export const WORKFLOW_TYPES = {
  /** One trigger from a TriggerInput. */
  trigger: 'remoteTrigger',
  /** A trigger started with step options, resolved by the worker (remote-trigger/workflow, stage files). */
  remoteJob: 'remoteJob',
  /** A batch of remoteJob children run by allRemoteJobs for large lists (docs/design.md §3.6). */
  remoteJobBatch: 'remoteJobBatch',
  /** A stage file run (`remote-trigger run`, docs/design.md §3.7). */
  stages: 'remoteStages',
  /** Reads one archived file of a trigger's build through a worker. */
  readArtifact: 'readBuildArtifact',
  /** Reads the console of a trigger's build through a worker (docs/design.md §9.1). */
  readConsole: 'readBuildConsole',
  /** Delivers a trigger's completion webhooks. */
  deliverWebhooks: 'deliverWebhooks',
} as const;

/** The workflow types that stand for open trigger work (the local service's idle count). */
export const TRIGGER_WORKFLOW_TYPES = [WORKFLOW_TYPES.trigger, WORKFLOW_TYPES.remoteJob, WORKFLOW_TYPES.remoteJobBatch, WORKFLOW_TYPES.stages] as const;

/** The workflow types `list` and the HTTP API show: one entry per trigger. */
export const LISTED_WORKFLOW_TYPES = [WORKFLOW_TYPES.trigger, WORKFLOW_TYPES.remoteJob] as const;

/** Query, signal and update names of a trigger (and of a stage run, `stages`). */
export const MESSAGE_NAMES = {
  /** Query: the current TriggerState (needs a running worker). */
  state: 'state',
  /** Signal: abort (durable, accepted with no worker up). */
  abort: 'abort',
  /** Update: abort and return the state once done. */
  abortAndWait: 'abortAndWait',
  /** Query of a stage run: its StagesState. */
  stages: 'stages',
} as const;
