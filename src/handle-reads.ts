// What a RemoteJobHandle (src/handle.ts) reads besides the trigger's state: its input from the
// workflow history, the worker's progress from the pending activity, and the shape of a console read.
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TriggerInput } from './options/trigger-input.js';
import { FailureTypes } from './contract/failures.js';
import type { RemoteJobHandle } from './handle.js';
import { RemoteTriggerError } from './trigger-error.js';

/** One read of the remote console (RemoteJobHandle.console). */
export interface TriggerConsole {
  /** The bytes exactly as Jenkins sent them. */
  bytes: Uint8Array;
  /** The bytes as UTF-8 (a character split across two reads is broken here; join `bytes` to avoid that). */
  text: string;
  /** Pass as `start` of the next call. */
  next: string;
  /** Jenkins' X-More-Data: the log may still grow. */
  more: boolean;
  /** Null while the trigger has no build yet. */
  buildUrl: string | null;
  /** The trigger is over and Jenkins says the log is complete: nothing more will come. */
  done: boolean;
}

/** The pending activity of a running trigger and its last heartbeat details. */
export interface Progress {
  activity: string;
  details: Record<string, unknown> | null;
  /**
   * Why the activity is being retried, when a worker lacked a host or credential the trigger
   * needs (WorkerMisconfigured): the trigger waits for a worker configured for it.
   */
  waitingFor: string | null;
}

export function progressOf(desc: WorkflowExecutionDescription): Progress | null {
  const pending = desc.raw.pendingActivities?.[0];
  if (!pending) return null;
  const payload = pending.heartbeatDetails?.payloads?.[0];
  const details = payload ? (defaultPayloadConverter.fromPayload(payload) as Record<string, unknown>) : null;
  const failure = pending.lastFailure;
  const misconfigured = failure?.applicationFailureInfo?.type === FailureTypes.WorkerMisconfigured;
  return { activity: pending.activityType?.name ?? 'unknown', details, waitingFor: misconfigured ? (failure?.message ?? null) : null };
}

/** A trigger's workflow input (options as validated; references, never secrets). */
export async function triggerInputOf(client: Client, workflowId: string, handle: RemoteJobHandle | null = null): Promise<TriggerInput> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  if (!payload) throw new RemoteTriggerError(`cannot read the input of trigger ${workflowId}`, FailureTypes.Unexpected, null, handle);
  const input = defaultPayloadConverter.fromPayload(payload) as TriggerInput | { triggerId: string; options: unknown };
  if (!('options' in input)) return input;
  // A remoteJob (docs/design.md §3.5) starts with step options; its TriggerInput is what the
  // worker resolved, recorded as the result of the activity resolveTriggerOptions.
  const events = history.events ?? [];
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'resolveTriggerOptions');
  const completed = scheduled && events.find((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '') === String(scheduled.eventId));
  const result = completed?.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
  if (!result) throw new RemoteTriggerError(`trigger ${workflowId}: the worker has not resolved its options yet`, FailureTypes.Unexpected, null, handle);
  return defaultPayloadConverter.fromPayload(result) as TriggerInput;
}
