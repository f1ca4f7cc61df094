// Completion webhooks of a trigger (README, "Completion webhooks"): handed to their own workflow
// once the trigger ended, so delivery (retried for up to 24 h) never delays or changes the result.
import { CancellationScope, log, ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { RemoteTriggerActivities } from '../activities/types.js';
import { FailureTypes } from '../contract/failures.js';
import type { TriggerInput } from '../contract/trigger-input.js';
import type { TriggerState } from '../contract/state.js';
import { describeError } from './trigger-run.js';

/** Marks histories that deliver completion webhooks after the trigger ended. */
export const COMPLETION_WEBHOOK_PATCH = 'completion-webhook';

/**
 * Hands `{id, state}` to the webhook workflow, whatever the outcome (success, failure, abort,
 * cancellation). Delivery runs in its own workflow, abandoned by this one: the trigger closes
 * (and its callers get their result) at once, while the delivery is retried for up to 24 h.
 * Nothing here can change the trigger's result.
 */
export async function notifyCompletion(input: TriggerInput, st: TriggerState): Promise<void> {
  const req: WebhookRequest = { triggerId: input.triggerId, body: JSON.stringify({ id: input.triggerId, state: st }), targets: input.notify! };
  await CancellationScope.nonCancellable(async () => {
    try {
      await startChild(deliverWebhooks, {
        // No '/' in the id: Temporal's HTTP API cannot route it.
        workflowId: `${input.triggerId}:notify`,
        args: [req],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      log.warn('completion webhook not started', { error: describeError(err).message });
    }
  });
}

export interface WebhookRequest {
  triggerId: string;
  /** Built once, so that every attempt (and every receiver) gets the same bytes. */
  body: string;
  targets: NonNullable<TriggerInput['notify']>;
}

/**
 * Delivers a trigger's completion webhooks: one activity per target, retried with backoff
 * (5 s doubling up to 1 h) for up to 24 h: at least once. A refused target (not in the worker's
 * notifyOrigins, a secret it may not read) is not retried. Failures are logged, never thrown.
 */
export async function deliverWebhooks(req: WebhookRequest): Promise<{ delivered: number; failed: number }> {
  const { deliverWebhook } = proxyActivities<RemoteTriggerActivities>({
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '24h',
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1h', nonRetryableErrorTypes: [FailureTypes.TargetRefused] },
  });
  const outcomes = await Promise.all(
    req.targets.map(async (n, i) => {
      try {
        await deliverWebhook({ triggerId: req.triggerId, url: n.url, secret: n.secret, body: req.body, deliveryId: `${req.triggerId}/notify/${i}` });
        return true;
      } catch (err) {
        log.warn('completion webhook not delivered', { index: i, error: describeError(err).message });
        return false;
      }
    }),
  );
  return { delivered: outcomes.filter(Boolean).length, failed: outcomes.filter((o) => !o).length };
}

