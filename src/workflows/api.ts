import {
  ApplicationFailure,
  CancellationScope,
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
import { REMOTE_JOB_BATCH_WORKFLOW_TYPE, REMOTE_JOB_WORKFLOW_TYPE, abortSignal } from './messages.js';
import type { TriggerState } from './state.js';

/**
 * The workflow-side API (`remote-trigger/workflow`, docs/design.md §3.5): triggers as child
 * workflows of the caller's own workflow. Deterministic, no I/O, no Node module: it runs in the
 * workflow sandbox. Options are checked here with the same schema as the library's; the worker
 * resolves hosts and credentials from its own configuration.
 */

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

/** One entry of allRemoteJobs: options, or options with the child's id and task queue. */
export type RemoteJobSpec = StepOptionsInput | ({ options: StepOptionsInput } & RemoteJobContext);

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

export interface AllRemoteJobsOptions {
  /** Triggers running at once (default 10). */
  concurrency?: number;
  /**
   * true: at the first failure start no more triggers, cancel the running ones (their remote
   * builds are aborted when their `abortTriggeredJob` says so) and throw that failure.
   * false (default): run every trigger, then throw `RemoteJobsFailed` if any failed.
   */
  failFast?: boolean;
  /**
   * Lists longer than this run as `remoteJobBatch` child workflows of this many triggers, one
   * batch after the other, so that no history grows with the length of the list (default 100).
   */
  batchSize?: number;
}

/**
 * Fan-out: runs every trigger of `list` as a child workflow, at most `concurrency` at once, and
 * returns their outcomes in list order. Every option is checked before the first one starts.
 */
export async function allRemoteJobs(list: RemoteJobSpec[], opts: AllRemoteJobsOptions = {}): Promise<RemoteJobOutcome[]> {
  const outcomes = await settleRemoteJobs(list, opts);
  const failed = outcomes.filter(failedOutcome);
  if (failed.length > 0) {
    // The cause, not the triggers a fail-fast cancelled because of it.
    const first = failed.find((o) => o.error?.type !== FailureTypes.Cancelled) ?? failed[0]!;
    const type = opts.failFast ? (first.error?.type ?? FailureTypes.RemoteBuildFailed) : FailureTypes.RemoteJobsFailed;
    const message = `${failed.length} of ${list.length} remote jobs did not pass; first: ${first.id}: ${first.error?.message ?? `result ${first.result}`}`;
    throw ApplicationFailure.create({ type, message, nonRetryable: true, details: [outcomes] });
  }
  return outcomes;
}

/**
 * allRemoteJobs without the final throw: every outcome, passed or not (stage files use it). With
 * failFast, the triggers that were never started or were cancelled have error `Cancelled`.
 */
export async function settleRemoteJobs(list: RemoteJobSpec[], opts: AllRemoteJobsOptions = {}): Promise<RemoteJobOutcome[]> {
  const specs = list.map(specOf);
  specs.forEach((s, i) => checkOptions(s.options, `[${i}].options`));
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 10));
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH_SIZE));
  if (specs.length <= batchSize) return runPool(specs, concurrency, opts.failFast ?? false);

  // Batches bound every history (docs/design.md §3.6): this workflow records one child per batch,
  // each batch one child per trigger.
  const base = workflowInfo().workflowId;
  const out: RemoteJobOutcome[] = [];
  for (let start = 0; start < specs.length; start += batchSize) {
    const batch = specs.slice(start, start + batchSize).map((s, j) => ({ ...s, id: s.id ?? `${base}/${start + j}-${slug(s.options.job)}` }));
    if (opts.failFast && out.some(failedOutcome)) {
      out.push(...batch.map((s) => cancelledOutcome(s.id!, s.options.job)));
      continue;
    }
    // A batch runs where its triggers run when they all name one task queue (a separate
    // `remote-trigger worker`), else on this workflow's.
    const queues = new Set(batch.map((s) => s.taskQueue));
    const child = await startChild<typeof remoteJobBatch>(REMOTE_JOB_BATCH_WORKFLOW_TYPE, {
      workflowId: `${base}/batch-${start / batchSize}`,
      taskQueue: queues.size === 1 ? [...queues][0] : undefined,
      args: [{ specs: batch, concurrency, failFast: opts.failFast ?? false }],
      parentClosePolicy: 'REQUEST_CANCEL',
    });
    out.push(...(await child.result()));
  }
  return out;
}

/** One batch of a large fan-out: a child workflow of allRemoteJobs. */
export async function remoteJobBatch(req: { specs: Array<{ options: StepOptionsInput } & RemoteJobContext>; concurrency: number; failFast: boolean }): Promise<RemoteJobOutcome[]> {
  req.specs.forEach((s, i) => checkOptions(s.options, `specs[${i}].options`));
  return runPool(req.specs, Math.max(1, req.concurrency), req.failFast);
}

const DEFAULT_BATCH_SIZE = 100;

async function runPool(specs: Array<{ options: StepOptionsInput } & RemoteJobContext>, concurrency: number, failFast: boolean): Promise<RemoteJobOutcome[]> {
  const outer = CancellationScope.current();
  const outcomes: Array<RemoteJobOutcome | undefined> = new Array(specs.length);
  const lanes = new CancellationScope();
  let next = 0;
  let stopped = false;
  const lane = async () => {
    while (!stopped && next < specs.length) {
      const i = next++;
      const s = specs[i]!;
      const id = s.id ?? defaultChildId(s.options.job);
      try {
        const job = await startRemoteJob(s.options, { ...s, id });
        outcomes[i] = await job.settle();
      } catch (e) {
        if (!isCancellation(e)) throw e;
        outcomes[i] = cancelledOutcome(id, s.options.job);
      }
      if (failFast && failedOutcome(outcomes[i]!) && !stopped) {
        stopped = true;
        lanes.cancel();
      }
    }
  };
  await lanes.run(() => Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, lane)));
  if (outer.consideredCancelled) throw new CancelledFailure('the workflow was cancelled');
  return specs.map((s, i) => outcomes[i] ?? cancelledOutcome(s.id ?? '', s.options.job));
}

function failedOutcome(o: RemoteJobOutcome): boolean {
  return o.failed;
}

function cancelledOutcome(id: string, job: string): RemoteJobOutcome {
  return { id, job, status: null, result: null, passed: null, failed: true, buildNumber: null, buildUrl: null, queueId: null, error: { type: FailureTypes.Cancelled, message: 'not run: an earlier trigger failed (failFast)' } };
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

function specOf(s: RemoteJobSpec): { options: StepOptionsInput } & RemoteJobContext {
  return s && typeof s === 'object' && 'options' in s && typeof (s as { options: unknown }).options === 'object' ? (s as { options: StepOptionsInput } & RemoteJobContext) : { options: s as StepOptionsInput };
}

function checkOptions(options: unknown, field: string): void {
  const r = checkRemoteJobOptions(options, field);
  if (!r.ok) {
    throw ApplicationFailure.create({ type: FailureTypes.InvalidOptions, message: `${r.field}: ${r.message}`, nonRetryable: true, details: [{ field: r.field }] });
  }
}

function slug(job: unknown): string {
  return (
    String(job ?? 'job')
      .replace(/^https?:\/\/[^/]+/, '')
      .replace(/\/job\//g, '/')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'job'
  );
}

function defaultChildId(job: unknown): string {
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
