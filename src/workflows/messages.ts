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
export const CONSOLE_WORKFLOW_TYPE = 'readBuildConsole';
