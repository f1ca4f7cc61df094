import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TriggerState } from './state.js';

/** Messages of the remoteTrigger workflow, defined once and shared by workflow and clients. */
export const stateQuery = defineQuery<TriggerState>('state');
/** Abort the trigger: cancel the queue item or stop the remote build. Durable: works with no worker up. */
export const abortSignal = defineSignal<[reason: string]>('abort');
/** Same as abortSignal, but returns once the remote build is stopped (or there was nothing to stop). */
export const abortUpdate = defineUpdate<TriggerState, [reason: string]>('abortAndWait');

export const WORKFLOW_TYPE = 'remoteTrigger';
export const ARTIFACT_WORKFLOW_TYPE = 'readBuildArtifact';
/** A trigger started with step options, resolved by the worker (remote-trigger/workflow, stage files). */
export const REMOTE_JOB_WORKFLOW_TYPE = 'remoteJob';
/** A batch of remoteJob children run by allRemoteJobs for large lists (docs/design.md §3.6). */
export const REMOTE_JOB_BATCH_WORKFLOW_TYPE = 'remoteJobBatch';
/** A stage file run (`remote-trigger run`). */
export const STAGES_WORKFLOW_TYPE = 'remoteStages';
/** Every workflow type that stands for open trigger work (the local service's idle count). */
export const TRIGGER_WORKFLOW_TYPES = [WORKFLOW_TYPE, REMOTE_JOB_WORKFLOW_TYPE, REMOTE_JOB_BATCH_WORKFLOW_TYPE, STAGES_WORKFLOW_TYPE] as const;
export const CONSOLE_WORKFLOW_TYPE = 'readBuildConsole';
