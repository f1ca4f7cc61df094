// The state of one trigger and its transitions (docs/design.md §4): what the workflow knows, the
// abort, cancel, timeout and failure rules, and the messages that read or change it. The
// workflow body (remote-trigger.ts) runs the steps; this class records what each step did.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  log,
  patched,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { AbortOutcome, BuildRef, JobFacts } from '../activities/types.js';
import { FailureTypes } from '../contract/failures.js';
import type { TriggerInput } from '../contract/trigger-input.js';
import { abortSignal, abortUpdate, stateQuery } from './messages.js';
import { SEARCH_ATTRIBUTES_PATCH, searchAttributeUpdates } from './search-attributes.js';
import { type TriggerState, notTriggeredState } from './state.js';

type AbortedBy = NonNullable<TriggerState['abort']>['by'];

/** Failures of the worker's configuration or trust rules, which shouldNotFailBuild never hides. */
const NEVER_TOLERATED = new Set<string>([FailureTypes.CredentialsMissing, FailureTypes.TargetRefused, FailureTypes.WorkerMisconfigured]);

export class TriggerRun {
  readonly st: TriggerState;
  /** The steps run in this scope; an abort, the timeout or a cancellation cancels it. */
  private readonly steps = new CancellationScope();
  /** Set once cleanup is over, for the abortAndWait update. */
  private settled = false;
  /** Search attributes (docs/design.md §3.8): only for runs that took the patch, only those registered. */
  private searchAttributes: { allowed: readonly string[]; last: Parameters<typeof searchAttributeUpdates>[3] } | null = null;

  constructor(private readonly input: TriggerInput) {
    this.st = notTriggeredState({
      triggerId: input.triggerId,
      job: input.job,
      jobUrl: input.target.jobUrl,
      root: input.target.root,
      blockBuildUntilComplete: input.blockBuildUntilComplete,
      shouldNotFailBuild: input.shouldNotFailBuild,
      passingResults: input.passingResults,
    });
  }

  /** The `state` query, the `abort` signal and the `abortAndWait` update. */
  listen(): void {
    setHandler(stateQuery, () => this.st);
    setHandler(abortSignal, (reason) => this.requestAbort(reason || 'abort requested', 'signal'));
    setHandler(
      abortUpdate,
      async (reason) => {
        this.requestAbort(reason || 'abort requested', 'update');
        await condition(() => this.settled || this.st.status === 'FINISHED');
        return this.st;
      },
      { description: 'Abort the trigger and return once the remote queue item is cancelled or the build stopped.' },
    );
  }

  /**
   * The overall timeout (docs/plugin-compat.md §16: users wrap the step in timeout {}). Its timer
   * runs in the root scope, so it is not cancelled with the steps.
   */
  startTimeout(seconds: number): void {
    void sleep(seconds * 1000).then(() => {
      if (this.st.status !== 'FINISHED' && !this.st.abort) {
        this.st.error = { type: FailureTypes.Timeout, message: `the trigger did not finish within ${seconds} s` };
        this.requestAbort('timeout', 'timeout');
      }
    });
  }

  run(fn: () => Promise<void>): Promise<void> {
    return this.steps.run(fn);
  }

  /** NOT_TRIGGERED, with the job's names; from here on the search attributes follow the state. */
  jobInspected(job: JobFacts): void {
    Object.assign(this.st, {
      jobUrl: job.jobUrl,
      jobName: job.name,
      jobFullName: job.fullName,
      jobDisplayName: job.displayName,
      jobFullDisplayName: job.fullDisplayName,
      parameterized: job.parameterized,
    });
    if (patched(SEARCH_ATTRIBUTES_PATCH)) this.searchAttributes = { allowed: job.searchAttributes ?? [], last: {} };
    this.publish();
  }

  /** → QUEUED */
  queued(queueId: number): void {
    this.st.status = 'QUEUED';
    this.st.queueId = queueId;
    this.publish();
  }

  /** → RUNNING */
  running(build: BuildRef): BuildRef {
    this.markRunning(build);
    this.publish();
    return build;
  }

  /** → FINISHED */
  finished(result: TriggerState['result']): void {
    this.finish(result);
    this.publish();
  }

  /**
   * The steps were cancelled. Only an explicit abort always reaches the remote side; a workflow
   * cancellation or the timeout only with abortTriggeredJob (docs/plugin-compat.md §11).
   */
  cancelled(): { abortRemote: boolean; byTemporal: boolean } {
    const byTemporal = !this.st.abort;
    if (byTemporal) this.st.abort = { reason: 'workflow cancelled', by: 'cancel' };
    const by = this.st.abort!.by;
    const abortRemote = (by === 'signal' || by === 'update' || this.input.abortTriggeredJob) && this.st.status !== 'FINISHED';
    return { abortRemote, byTemporal };
  }

  /** Where the remote side is, for abortRemote. */
  remote(): { queueId: number | null; build: BuildRef | null } {
    const st = this.st;
    return { queueId: st.queueId, build: st.buildNumber !== null && st.buildUrl !== null ? { buildNumber: st.buildNumber, buildUrl: st.buildUrl } : null };
  }

  /** What abortRemote did: a cancelled item ends NOT_BUILT, a stopped build with its result. */
  aborted(outcome: AbortOutcome): void {
    if (outcome.build) this.markRunning(outcome.build);
    if (outcome.action === 'cancelled-queue-item') this.finish('NOT_BUILT');
    else if (outcome.result) this.finish(outcome.result);
    else if (outcome.action === 'stopped-build') {
      this.st.error = { type: FailureTypes.AbortUnconfirmed, message: `stop was sent to ${this.st.buildUrl}, but the build reported no result within a minute` };
    }
    log.info(`abort: ${outcome.action}`, { queueId: this.st.queueId, buildUrl: this.st.buildUrl });
  }

  /** Cleanup after a cancellation is over; the timeout then fails the trigger. */
  cleanedUp(): void {
    this.settled = true;
    this.publish();
    if (this.st.abort!.by === 'timeout') throw failure(this.st, FailureTypes.Timeout, this.st.error!.message);
  }

  /**
   * A step failed. shouldNotFailBuild also covers a failed trigger (plugin quirk 11, decided):
   * the handle comes back NOT_TRIGGERED instead of failing. Metadata and host errors always fail.
   */
  failed(err: unknown): TriggerState {
    const { type, message } = describeError(err);
    this.st.error = { type, message };
    this.settled = true;
    if (type === FailureTypes.QueueItemCancelled) this.finish('NOT_BUILT');
    this.publish();
    const st = this.st;
    const triggered = st.status !== 'NOT_TRIGGERED';
    const tolerated = this.input.shouldNotFailBuild && (triggered || (st.jobName !== null && !NEVER_TOLERATED.has(type)));
    if (!tolerated) throw failure(st, type, message);
    return st;
  }

  /** The end: a finished build that did not pass fails the trigger, unless shouldNotFailBuild. */
  outcome(): TriggerState {
    if (this.st.status === 'FINISHED' && !this.st.passed && !this.input.shouldNotFailBuild) {
      throw failure(this.st, FailureTypes.RemoteBuildFailed, `The remote job did not succeed. (${this.st.result})`);
    }
    return this.st;
  }

  private requestAbort(reason: string, by: AbortedBy): void {
    if (this.st.abort || this.st.status === 'FINISHED') return;
    this.st.abort = { reason, by };
    this.steps.cancel();
  }

  private markRunning(build: BuildRef): void {
    this.st.status = 'RUNNING';
    this.st.result = 'NOT_BUILT';
    this.st.buildNumber = build.buildNumber;
    this.st.buildUrl = build.buildUrl;
  }

  private finish(result: TriggerState['result']): void {
    this.st.status = 'FINISHED';
    this.st.result = result;
    this.st.passed = this.st.passingResults.includes(result);
  }

  private publish(): void {
    if (!this.searchAttributes) return;
    const updates = searchAttributeUpdates(this.st, this.input.target.hostName, this.searchAttributes.allowed, this.searchAttributes.last);
    if (updates.length > 0) upsertSearchAttributes(updates);
  }
}

export function describeError(err: unknown): { type: string; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'Error', message: cause.message };
  if (cause instanceof Error) return { type: cause.name, message: cause.message };
  return { type: 'Error', message: String(cause) };
}

function failure(st: TriggerState, type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: [st] });
}
