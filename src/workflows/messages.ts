import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { MESSAGE_NAMES, TRIGGER_WORKFLOW_TYPES, WORKFLOW_TYPES } from '../contract/names.js';
import type { TriggerState } from '../contract/state.js';

/** Messages of the remoteTrigger workflow, defined once (names: src/contract/names.ts) and shared by workflow and clients. */
export const stateQuery = defineQuery<TriggerState>(MESSAGE_NAMES.state);
/** Abort the trigger: cancel the queue item or stop the remote build. Durable: works with no worker up. */
export const abortSignal = defineSignal<[reason: string]>(MESSAGE_NAMES.abort);
/** Same as abortSignal, but returns once the remote build is stopped (or there was nothing to stop). */
export const abortUpdate = defineUpdate<TriggerState, [reason: string]>(MESSAGE_NAMES.abortAndWait);

// The workflow type names, under the names this module has always exported them by.
export const WORKFLOW_TYPE = WORKFLOW_TYPES.trigger;
export const ARTIFACT_WORKFLOW_TYPE = WORKFLOW_TYPES.readArtifact;
export const REMOTE_JOB_WORKFLOW_TYPE = WORKFLOW_TYPES.remoteJob;
export const REMOTE_JOB_BATCH_WORKFLOW_TYPE = WORKFLOW_TYPES.remoteJobBatch;
export const STAGES_WORKFLOW_TYPE = WORKFLOW_TYPES.stages;
export const CONSOLE_WORKFLOW_TYPE = WORKFLOW_TYPES.readConsole;
export { TRIGGER_WORKFLOW_TYPES };
