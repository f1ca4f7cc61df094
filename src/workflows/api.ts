// The workflow-side API (`remote-trigger/workflow`, docs/design.md §3.5): triggers as child
// workflows of the caller's own workflow. Deterministic, no I/O, no Node module: it runs in the
// workflow sandbox. Options are checked here with the same schema as the library's; the worker
// resolves hosts and credentials from its own configuration.
import {
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  type ChildWorkflowHandle,
  type ParentClosePolicy,
  isCancellation,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureTypes } from '../contract/failures.js';
import { checkRemoteJobOptions, type RemoteJobRequest } from '../options/remote-job-options.js';
import type { StepOptionsInput } from '../options/step-options.js';
import { REMOTE_JOB_WORKFLOW_TYPE, abortSignal } from './messages.js';
import type { TriggerState } from './state.js';

export interface RemoteJobContext {
  /** The trigger's id (the child's workflow id). Default: `<parent workflow id>/<job>-<8 hex>`. */
  id?: string;
  /** Task queue of the child, e.g. a separate `remote-trigger worker`'s. Default: the parent's. */
  taskQueue?: string;
  /**
   * What happens to the child when the parent closes (completes, fails, times out, is
   * terminated) while it runs. Default `REQUEST_CANCEL`: the child is cancelled, which aborts the
   * remote build when `abortTriggeredJob` says so. `ABANDON` lets it run on.
   */
  parentClosePolicy?: ParentClosePolicy;
}

/**
 * A trigger that did not pass: the remote result is not in `passingResults`, or the trigger
 * itself failed (JenkinsRejected, QueueItemCancelled, TriggerTimeout …). An ApplicationFailure,
 * so a workflow that does not catch it fails with it (`type` is the trigger's failure type).
 */
export class RemoteJobError extends ApplicationFailure {
  constructor(
    message: string,
    type: string,
    /** The trigger's final state (null when the child ended without one, e.g. terminated). */
    readonly state: TriggerState | null,
    readonly triggerId: string,
    cause?: Error,
  ) {
    super(message, type, true, [state], cause);
  }
}

/** A running child trigger. */
export class RemoteJob {
  constructor(
    private readonly child: ChildWorkflowHandle<(req: RemoteJobRequest) => Promise<TriggerState>>,
    readonly options: StepOptionsInput,
  ) {}

  get workflowId(): string {
    return this.child.workflowId;
  }

  /** Waits for the end; throws RemoteJobError when the trigger did not pass (never with shouldNotFailBuild). */
  async result(): Promise<TriggerState> {
    try {
      return await this.child.result();
    } catch (e) {
      throw toRemoteJobError(e, this.workflowId);
    }
  }

  /** Waits for the end and returns the outcome, pass or fail (cancellation of the caller still throws). */
  async settle(): Promise<RemoteJobOutcome> {
    try {
      return outcomeOf(this.workflowId, await this.child.result(), null);
    } catch (e) {
      const err = toRemoteJobError(e, this.workflowId);
      return outcomeOf(this.workflowId, err.state, { type: err.type ?? 'Error', message: err.message });
    }
  }

  /**
   * Aborts (signal `abort`): the queue item is cancelled or the build stopped, whatever
   * `abortTriggeredJob` says. Returns the final state once the child has ended.
   */
  async abort(reason = 'aborted by the parent workflow'): Promise<TriggerState | null> {
    try {
      await this.child.signal(abortSignal, reason);
    } catch {
      // The child has ended already: its result is the answer.
    }
    try {
      return await this.child.result();
    } catch (e) {
      return toRemoteJobError(e, this.workflowId).state;
    }
  }
}

/** Starts a trigger as a child workflow and returns once it has started. */
export async function startRemoteJob(options: StepOptionsInput, ctx: RemoteJobContext = {}): Promise<RemoteJob> {
  checkOptions(options, 'options');
  const id = ctx.id ?? defaultChildId(options.job);
  const child = await startChild<(req: RemoteJobRequest) => Promise<TriggerState>>(REMOTE_JOB_WORKFLOW_TYPE, {
    workflowId: id,
    taskQueue: ctx.taskQueue,
    args: [{ triggerId: id, options }],
    parentClosePolicy: ctx.parentClosePolicy ?? 'REQUEST_CANCEL',
    memo: { job: options.job },
  });
  return new RemoteJob(child, options);
}

/**
 * The step: runs a trigger as a child workflow and returns its final state. A result that does
 * not pass throws RemoteJobError, unless `shouldNotFailBuild`. In a workflow the call always
 * waits for the end; for fire-and-forget use startRemoteJob and do not await `result()`.
 */
export async function triggerRemoteJob(options: StepOptionsInput, ctx: RemoteJobContext = {}): Promise<TriggerState> {
  return (await startRemoteJob(options, ctx)).result();
}

/** What became of one trigger of a fan-out (small: 1,000 of them travel in history). */
export interface RemoteJobOutcome {
  id: string;
  job: string | null;
  status: TriggerState['status'] | null;
  result: TriggerState['result'] | null;
  /** The remote result is in passingResults (null before FINISHED). */
  passed: boolean | null;
  /** The trigger failed (what triggerRemoteJob would throw for); never with shouldNotFailBuild. */
  failed: boolean;
  buildNumber: number | null;
  buildUrl: string | null;
  queueId: number | null;
  /** Why it failed; `Cancelled` when a fail-fast stopped it; a tolerated error with shouldNotFailBuild. */
  error: { type: string; message: string } | null;
}

function outcomeOf(id: string, s: TriggerState | null, error: RemoteJobOutcome['error']): RemoteJobOutcome {
  return {
    id,
    job: s?.job ?? null,
    status: s?.status ?? null,
    result: s?.status === 'FINISHED' ? s.result : null,
    passed: s?.passed ?? null,
    failed: error !== null,
    buildNumber: s?.buildNumber ?? null,
    buildUrl: s?.buildUrl ?? null,
    queueId: s?.queueId ?? null,
    error: error ?? s?.error ?? null,
  };
}

/** Options must pass the same schema as the library's (InvalidOptions, not retried). */
export function checkOptions(options: unknown, field: string): void {
  const r = checkRemoteJobOptions(options, field);
  if (!r.ok) {
    throw ApplicationFailure.create({ type: FailureTypes.InvalidOptions, message: `${r.field}: ${r.message}`, nonRetryable: true, details: [{ field: r.field }] });
  }
}

/** A job name or URL as a piece of a workflow id. */
export function slug(job: unknown): string {
  return (
    String(job ?? 'job')
      .replace(/^https?:\/\/[^/]+/, '')
      .replace(/\/job\//g, '/')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'job'
  );
}

/** `<parent workflow id>/<job slug>-<8 hex>`. */
export function defaultChildId(job: unknown): string {
  return `${workflowInfo().workflowId}/${slug(job)}-${uuid4().slice(0, 8)}`;
}

function toRemoteJobError(e: unknown, id: string): RemoteJobError {
  if (e instanceof RemoteJobError) return e;
  if (e instanceof ChildWorkflowFailure) {
    const cause = e.cause;
    if (cause instanceof CancelledFailure) throw e; // the caller's cancellation goes on
    if (cause instanceof ApplicationFailure) {
      const state = Array.isArray(cause.details) && cause.details[0] && typeof cause.details[0] === 'object' && 'status' in (cause.details[0] as object) ? (cause.details[0] as TriggerState) : null;
      return new RemoteJobError(cause.message, cause.type ?? 'Error', state, id, e);
    }
    return new RemoteJobError(cause?.message ?? e.message, cause?.name ?? 'ChildWorkflowFailure', null, id, e);
  }
  if (isCancellation(e)) throw e;
  throw e;
}
