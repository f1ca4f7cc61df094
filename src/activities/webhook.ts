import { createHmac } from 'node:crypto';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { originOf } from '../jenkins/index.js';
import type { ActivityDeps } from './context.js';
import { resolveSecret } from './secrets.js';
import { DEFAULT_TRUST_POLICY, refused } from './trust.js';
import { FailureTypes, type WebhookDelivery } from './types.js';

export const SIGNATURE_HEADER = 'X-Remote-Trigger-Signature';
export const ID_HEADER = 'X-Remote-Trigger-Id';
export const DELIVERY_HEADER = 'X-Remote-Trigger-Delivery';

/** `sha256=<hex HMAC-SHA256 of the exact body>` */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * POSTs a completion webhook, signed. The worker is the trust boundary here too: it sends only
 * to origins of its `notifyOrigins`, and reads only secrets its configuration lets callers name
 * (secretEnvAllow, secretFileAllow, or a credential of its own). The secret never leaves the
 * worker: only the signature does. A non-2xx answer or a network error fails the attempt, and
 * the workflow's retry policy tries again (at least once, for up to 24 h).
 */
export async function deliverWebhook(deps: ActivityDeps, req: WebhookDelivery): Promise<{ status: number }> {
  const policy = deps.policy ?? DEFAULT_TRUST_POLICY;
  const origin = originOf(req.url);
  if (!origin || !deps.config.notifyOrigins.some((u) => originOf(u) === origin)) {
    throw refused(`notify: ${origin ?? 'the URL'} is not in the worker's 'notifyOrigins'`);
  }
  const ref = req.secret;
  if ('env' in ref && !deps.config.secretEnvAllow.some((p) => (p.endsWith('*') ? ref.env.startsWith(p.slice(0, -1)) : ref.env === p))) {
    throw refused(`notify.secret: the environment variable ${ref.env} is not listed in the worker's 'secretEnvAllow'`);
  }
  if ('file' in ref) {
    const full = path.resolve(ref.file);
    const ok = deps.config.secretFileAllow.some((p) => (p.endsWith('/') ? full.startsWith(path.resolve(p) + path.sep) : full === path.resolve(p)));
    if (!ok) throw refused(`notify.secret: the file ${ref.file} is not listed in the worker's 'secretFileAllow'`);
  }
  const secret = resolveSecret(ref, deps.config, deps.env, policy);
  let r: Response;
  try {
    r = await fetch(req.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'remote-trigger-webhook',
        [ID_HEADER]: req.triggerId,
        [DELIVERY_HEADER]: req.deliveryId,
        [SIGNATURE_HEADER]: signBody(req.body, secret),
      },
      body: req.body,
      // A redirect could lead anywhere: not followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
    await r.arrayBuffer().catch(() => undefined);
  } catch (e) {
    throw ApplicationFailure.create({ type: FailureTypes.WebhookUnreachable, message: `POST ${origin}: ${(e as Error).message}` });
  }
  if (r.status < 200 || r.status > 299) {
    throw ApplicationFailure.create({ type: FailureTypes.WebhookRejected, message: `POST ${origin}: HTTP ${r.status}` });
  }
  return { status: r.status };
}
