// The activity options of a trigger's steps (docs/design.md §5.2): short (metadata, abort),
// the trigger POST, and the waits (docs/design.md §16).
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { JobFacts, RemoteTriggerActivities } from '../activities/types.js';
import type { TriggerInput } from '../contract/trigger-input.js';
import { SHORT_ACTIVITY_MAX_ATTEMPTS } from '../options/limits.js';

export function activitiesFor(input: TriggerInput) {
  const retryShort = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: SHORT_ACTIVITY_MAX_ATTEMPTS };
  // The waits of histories recorded before the wait hub (see waitActivities): a dead worker is
  // noticed within this timeout and the wait resumes elsewhere from its last cursor.
  const heartbeatTimeout = Math.min(60_000, Math.max(10_000, 2 * input.pollIntervalSeconds * 1000));
  return {
    short: proxyActivities<RemoteTriggerActivities>({
      startToCloseTimeout: input.httpGetReadTimeoutMs * 3 + 30_000,
      retry: retryShort,
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
    trigger: proxyActivities<RemoteTriggerActivities>({
      // Crumb + POST + (after a lost answer) the recovery look-up, all in one attempt.
      startToCloseTimeout: input.httpPostReadTimeoutMs + input.httpGetReadTimeoutMs * 4 + 10_000,
      retry: retryShort,
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
    long: proxyActivities<RemoteTriggerActivities>({
      startToCloseTimeout: '30 days',
      heartbeatTimeout,
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
  };
}

/**
 * The waits' activities (docs/design.md §16). A worker with the wait hub reports the heartbeat
 * timeout it wants in the job facts; the workflow then does not wait for a cancelled wait to
 * confirm, so an abort reaches Jenkins at once while the hub drops the wait at its next
 * heartbeat. Histories recorded before (no such fact) keep their options and their commands.
 */
export function waitActivities(input: TriggerInput, job: JobFacts) {
  if (job.waitHeartbeatTimeoutMs === undefined) return activitiesFor(input).long;
  return proxyActivities<RemoteTriggerActivities>({
    startToCloseTimeout: '30 days',
    heartbeatTimeout: job.waitHeartbeatTimeoutMs,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
    cancellationType: ActivityCancellationType.TRY_CANCEL,
  });
}

