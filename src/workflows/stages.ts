import { ApplicationFailure, CancellationScope, CancelledFailure, condition, defineQuery, isCancellation, setHandler, workflowInfo } from '@temporalio/workflow';
import { FailureTypes } from '../contract/failures.js';
import { MESSAGE_NAMES } from '../contract/names.js';
import { type StageValues, type StagesFile, StagesError, checkStagesFile, evaluateCondition, parseCondition, triggerOptions } from '../options/stages.js';
import { type RemoteJob, type RemoteJobOutcome, startRemoteJob } from './api.js';
import { abortSignal, abortUpdate } from './messages.js';

/** One trigger of a stage run, as the `stages` query and the result show it. */
export interface StageTriggerState extends Omit<RemoteJobOutcome, 'id'> {
  id: string;
  /** The trigger's workflow id (`<run id>/<stage>/<id>`): `status`, `wait`, `abort` work on it. */
  workflowId: string;
  state: 'pending' | 'running' | 'done' | 'skipped';
}
export interface StagesState {
  runId: string;
  status: 'RUNNING' | 'FINISHED';
  /** SUCCESS when every trigger that ran passed; FAILURE or ABORTED otherwise; null while running. */
  result: 'SUCCESS' | 'FAILURE' | 'ABORTED' | null;
  /** The first failure (its trigger's failure type and message), or null. */
  error: { type: string; message: string; stage: string; trigger: string } | null;
  abort: { reason: string } | null;
  stages: Array<{ name: string; state: 'pending' | 'running' | 'passed' | 'failed' | 'skipped'; triggers: StageTriggerState[] }>;
}

/** The state of a stage run (`remote-trigger status|wait` read it). */
export const stagesQuery = defineQuery<StagesState>(MESSAGE_NAMES.stages);

/**
 * A stage file run (`remote-trigger run`, docs/design.md §3.7): stages in order, each stage's
 * triggers in parallel as `remoteJob` children (ids `<run id>/<stage>/<trigger id>`, so a replay
 * after a crash finds the same children and starts no second build). References
 * (`${{ stage.id.buildNumber }}`) and `when` conditions are evaluated here, without eval.
 * Signal `abort` / update `abortAndWait` abort the running triggers and skip what is left.
 */
export async function remoteStages(spec: StagesFile): Promise<StagesState> {
  let defaults: Record<string, unknown>;
  try {
    defaults = checkStagesFile(spec).defaults;
  } catch (e) {
    const field = e instanceof StagesError ? e.field : '';
    throw ApplicationFailure.create({ type: FailureTypes.InvalidInput, message: `remoteStages input: ${(e as Error).message}`, nonRetryable: true, details: [{ field }] });
  }
  const runId = workflowInfo().workflowId;
  const st: StagesState = {
    runId,
    status: 'RUNNING',
    result: null,
    error: null,
    abort: null,
    stages: spec.stages.map((s) => ({
      name: s.name,
      state: 'pending',
      triggers: s.triggers.map((t) => ({ ...emptyOutcome(), id: t.id, workflowId: `${runId}/${s.name}/${t.id}`, job: t.job ?? null, state: 'pending' })),
    })),
  };
  const running = new Map<string, RemoteJob>();
  const requestAbort = (reason: string) => {
    if (st.abort || st.status === 'FINISHED') return;
    st.abort = { reason: reason || 'abort requested' };
    for (const job of running.values()) void job.abort(st.abort.reason).catch(() => undefined);
  };
  setHandler(stagesQuery, () => st);
  setHandler(abortSignal, (reason) => requestAbort(reason));
  setHandler(abortUpdate, async (reason) => {
    requestAbort(reason);
    await condition(() => st.status === 'FINISHED');
    return st as never;
  });

  const values: StageValues = {};
  let failedSoFar = false;
  for (const [si, stage] of spec.stages.entries()) {
    const ss = st.stages[si]!;
    const when = stage.when === undefined ? { kind: 'fn' as const, name: 'success' as const } : parseCondition(stage.when);
    if (st.abort || !evaluateCondition(when, values, failedSoFar)) {
      ss.state = 'skipped';
      for (const t of ss.triggers) t.state = 'skipped';
      continue;
    }
    ss.state = 'running';
    values[stage.name] = {};
    const failFast = stage.failFast ?? spec.failFast ?? false;
    const scope = new CancellationScope();
    await scope.run(() =>
      Promise.all(
        stage.triggers.map(async (t, ti) => {
          const ts = ss.triggers[ti]!;
          let outcome: RemoteJobOutcome;
          try {
            let options;
            try {
              options = triggerOptions(defaults, t, values, `stages[${si}].triggers[${ti}]`);
            } catch (e) {
              if (!(e instanceof StagesError)) throw e;
              outcome = { ...emptyOutcome(), id: ts.workflowId, job: t.job, failed: true, error: { type: FailureTypes.InvalidOptions, message: e.message } };
              throw outcome;
            }
            const job = await startRemoteJob(options, { id: ts.workflowId });
            running.set(ts.workflowId, job);
            ts.state = 'running';
            if (st.abort) void job.abort(st.abort.reason).catch(() => undefined);
            outcome = await job.settle();
          } catch (e) {
            if (e && typeof e === 'object' && 'failed' in e) outcome = e as RemoteJobOutcome;
            else if (isCancellation(e)) outcome = { ...emptyOutcome(), id: ts.workflowId, job: t.job, failed: true, error: { type: FailureTypes.Cancelled, message: `cancelled: another trigger of stage '${stage.name}' failed (failFast)` } };
            else throw e;
          } finally {
            running.delete(ts.workflowId);
          }
          Object.assign(ts, { ...outcome, id: t.id, workflowId: ts.workflowId, state: 'done' });
          values[stage.name]![t.id] = { buildNumber: outcome.buildNumber, result: outcome.result, buildUrl: outcome.buildUrl, queueId: outcome.queueId, status: outcome.status, failed: outcome.failed };
          if (outcome.failed) {
            st.error ??= { type: outcome.error?.type ?? FailureTypes.RemoteBuildFailed, message: outcome.error?.message ?? `result ${outcome.result}`, stage: stage.name, trigger: t.id };
            if (failFast) scope.cancel();
          }
        }),
      ),
    );
    // The run itself was cancelled (not a fail-fast of this stage): end as cancelled.
    if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('the stage run was cancelled');
    const failed = ss.triggers.some((t) => t.failed);
    ss.state = failed ? 'failed' : 'passed';
    failedSoFar ||= failed;
  }
  st.status = 'FINISHED';
  st.result = st.abort ? 'ABORTED' : failedSoFar ? 'FAILURE' : 'SUCCESS';
  if (failedSoFar || st.abort) {
    const type = st.error?.type ?? FailureTypes.RemoteBuildFailed;
    const message = st.error ? `stage '${st.error.stage}', trigger '${st.error.trigger}': ${st.error.message}` : `the stage run was aborted: ${st.abort!.reason}`;
    throw ApplicationFailure.create({ type, message, nonRetryable: true, details: [st] });
  }
  return st;
}

function emptyOutcome(): RemoteJobOutcome {
  return { id: '', job: null, status: null, result: null, passed: null, failed: false, buildNumber: null, buildUrl: null, queueId: null, error: null };
}
