import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { RemoteTriggerActivities } from '../activities/types.js';
import { FailureTypes } from '../contract/failures.js';
import { DEFAULT_PASSING_RESULTS } from '../contract/results.js';
import { SHORT_ACTIVITY_MAX_ATTEMPTS } from '../options/limits.js';
import { checkRemoteJobOptions, type RemoteJobRequest } from '../options/remote-job-options.js';
import type { TriggerInput } from '../contract/trigger-input.js';
import { abortSignal, abortUpdate, stateQuery } from './messages.js';
import { runTrigger } from './remote-trigger.js';
import { type TriggerState, notTriggeredState } from './state.js';

const { resolveTriggerOptions } = proxyActivities<RemoteTriggerActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: SHORT_ACTIVITY_MAX_ATTEMPTS },
});

/**
 * A trigger started with step options instead of a TriggerInput: the child workflow behind
 * `remote-trigger/workflow` and stage files (docs/design.md §3.5). The worker resolves the options
 * from its own configuration (activity `resolveTriggerOptions`, the trust boundary of
 * docs/design.md §8); then the same steps as `remoteTrigger` run, with the same `state` query,
 * `abort` signal and `abortAndWait` update, so handles, `status`, `wait` and `abort` work on it.
 */
export async function remoteJob(raw: RemoteJobRequest): Promise<TriggerState> {
  const triggerId = typeof raw?.triggerId === 'string' && raw.triggerId !== '' ? raw.triggerId : 'unknown';
  const checked = checkRemoteJobOptions(raw?.options, 'options');
  const st = initialState(triggerId, raw?.options);
  if (!checked.ok) {
    throw ApplicationFailure.create({
      type: FailureTypes.InvalidOptions,
      message: `${checked.field}: ${checked.message}`,
      nonRetryable: true,
      details: [st, { field: checked.field }],
    });
  }
  // Until the input is resolved, the handlers answer for a trigger that has sent nothing yet.
  let abort: TriggerState['abort'] = null;
  let resolved = false;
  const resolving = new CancellationScope();
  const requestAbort = (reason: string, by: 'signal' | 'update') => {
    abort ??= { reason: reason || 'abort requested', by };
    resolving.cancel();
  };
  setHandler(stateQuery, () => ({ ...st, abort }));
  setHandler(abortSignal, (reason) => requestAbort(reason, 'signal'));
  setHandler(abortUpdate, async (reason) => {
    requestAbort(reason, 'update');
    await condition(() => resolved);
    return { ...st, abort };
  });

  let input: TriggerInput | null = null;
  try {
    input = await resolving.run(() => resolveTriggerOptions({ triggerId, options: raw.options }));
  } catch (e) {
    // An abort before anything was sent: nothing to stop remotely, the trigger ends as it is
    // (as remoteTrigger does for an abort before its POST).
    if (!(abort && isCancellation(e))) {
      const cause = e instanceof ActivityFailure ? e.cause : e;
      if (cause instanceof ApplicationFailure) {
        st.error = { type: cause.type ?? 'Error', message: cause.message };
        throw ApplicationFailure.create({ type: cause.type ?? 'Error', message: cause.message, nonRetryable: true, details: [st] });
      }
      throw e;
    }
  } finally {
    resolved = true;
  }
  if (abort || input === null) return { ...st, abort };
  return runTrigger(input);
}

/** The state before the worker resolved the options: only what the caller wrote is known. */
function initialState(triggerId: string, options: unknown): TriggerState {
  const o = (options ?? {}) as Record<string, unknown>;
  return notTriggeredState({
    triggerId,
    job: typeof o.job === 'string' ? o.job : '',
    jobUrl: '',
    root: '',
    blockBuildUntilComplete: o.blockBuildUntilComplete !== false,
    shouldNotFailBuild: o.shouldNotFailBuild === true,
    passingResults: Array.isArray(o.passingResults) && o.passingResults.length > 0 ? (o.passingResults as TriggerState['passingResults']) : [...DEFAULT_PASSING_RESULTS],
  });
}
