// Fan-out from workflow code (`allRemoteJobs`, docs/design.md §3.6): many triggers as child
// workflows, a bounded number at once, in batches for long lists. Deterministic, like api.ts.
import { ApplicationFailure, CancellationScope, CancelledFailure, isCancellation, startChild, workflowInfo } from '@temporalio/workflow';
import { FailureTypes } from '../contract/failures.js';
import type { StepOptionsInput } from '../options/step-options.js';
import { type RemoteJobContext, type RemoteJobOutcome, checkOptions, defaultChildId, slug, startRemoteJob } from './api.js';
import { REMOTE_JOB_BATCH_WORKFLOW_TYPE } from './messages.js';

/** One entry of allRemoteJobs: options, or options with the child's id and task queue. */
export type RemoteJobSpec = StepOptionsInput | ({ options: StepOptionsInput } & RemoteJobContext);

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

function specOf(s: RemoteJobSpec): { options: StepOptionsInput } & RemoteJobContext {
  return s && typeof s === 'object' && 'options' in s && typeof (s as { options: unknown }).options === 'object' ? (s as { options: StepOptionsInput } & RemoteJobContext) : { options: s as StepOptionsInput };
}
