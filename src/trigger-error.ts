// The error a RemoteJobHandle (src/handle.ts) throws, and how a workflow failure becomes one.
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TriggerState } from './workflows/state.js';

/** A trigger that failed: the remote result did not pass, or the trigger itself failed. */
export class RemoteTriggerError extends Error {
  override name = 'RemoteTriggerError';
  constructor(
    message: string,
    /** FailureTypes value, e.g. RemoteBuildFailed, JenkinsRejected, QueueItemCancelled. */
    readonly type: string,
    readonly state: TriggerState | null,
  ) {
    super(message);
  }
}

/** The trigger's last state, which the workflow attaches to the failure it ends with. */
export function stateFromFailure(e: unknown): TriggerState | null {
  if (!(e instanceof WorkflowFailedError)) return null;
  const cause = e.cause;
  if (cause instanceof ApplicationFailure && Array.isArray(cause.details) && cause.details[0]) {
    return cause.details[0] as TriggerState;
  }
  return null;
}

/** A RemoteTriggerError with the failure's type, or the error as it is. */
export function toTriggerError(e: unknown, s: TriggerState | null): Error {
  if (e instanceof WorkflowFailedError) {
    const cause = e.cause;
    let inner: unknown = cause;
    while (inner && !(inner instanceof ApplicationFailure) && (inner as { cause?: unknown }).cause) inner = (inner as { cause?: unknown }).cause;
    if (inner instanceof ApplicationFailure) return new RemoteTriggerError(inner.message, inner.type ?? 'Error', s);
    if (cause) return new RemoteTriggerError(cause.message, cause.name, s);
  }
  if (e instanceof WorkflowNotFoundError) return new RemoteTriggerError(`no trigger with id '${(e as WorkflowNotFoundError).workflowId}'`, 'NotFound', null);
  return e instanceof Error ? e : new Error(String(e));
}
