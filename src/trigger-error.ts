// The error a RemoteJobHandle (src/handle.ts) throws, and how a workflow failure becomes one.
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type AnyFailureType, FailureError, FailureTypes } from './contract/failures.js';
import type { TriggerState } from './contract/state.js';
import type { RemoteJobHandle } from './handle.js';

/**
 * A trigger that failed: the remote result did not pass, or the trigger itself failed. `type`
 * is a failure type of src/contract/failures.ts (e.g. RemoteBuildFailed, JenkinsRejected,
 * NoWorker), `state` the trigger's last known state, `handle` the trigger's handle when the
 * error comes from one.
 */
export class RemoteTriggerError extends FailureError {
  declare readonly handle: RemoteJobHandle | null;
  override name = 'RemoteTriggerError';
  constructor(
    message: string,
    type: AnyFailureType,
    readonly state: TriggerState | null,
    handle: RemoteJobHandle | null = null,
  ) {
    super(message, type);
    // Not enumerable: printing the error should not print the handle's Temporal client.
    Object.defineProperty(this, 'handle', { value: handle, enumerable: false });
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
export function toTriggerError(e: unknown, s: TriggerState | null, handle: RemoteJobHandle | null = null): Error {
  if (e instanceof WorkflowFailedError) {
    const cause = e.cause;
    let inner: unknown = cause;
    while (inner && !(inner instanceof ApplicationFailure) && (inner as { cause?: unknown }).cause) inner = (inner as { cause?: unknown }).cause;
    if (inner instanceof ApplicationFailure) return new RemoteTriggerError(inner.message, inner.type ?? 'Error', s, handle);
    if (cause) return new RemoteTriggerError(cause.message, cause.name, s, handle);
  }
  if (e instanceof WorkflowNotFoundError) return new RemoteTriggerError(`no trigger with id '${(e as WorkflowNotFoundError).workflowId}'`, FailureTypes.NotFound, null, handle);
  return e instanceof Error ? e : new Error(String(e));
}
