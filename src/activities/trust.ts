// The worker is the trust boundary. Anyone who can start a workflow on the task queue (another
// service, Temporal's HTTP API or UI, the edge API) chooses the workflow input, so a worker
// checks every target and secret reference against its own configuration before it sends
// anything: which secrets it may read, where each may go, and where it may send requests at all.
import path from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { originOf } from '../jenkins/index.js';
import type { SecretRef } from '../options/auth.js';
import { type Config, originsOf } from '../options/config.js';
import { SHORT_ACTIVITY_MAX_ATTEMPTS } from '../options/limits.js';
import { type Target, TargetSchema } from '../contract/trigger-input.js';
import { FailureTypes } from './types.js';

export interface TrustPolicy {
  /**
   * Send requests (without secrets) to any origin the input names. True for the embedded
   * mode's local service, whose only caller is its own user; false for shared workers, which
   * then send requests only to the remote hosts and `allowOrigins` of their configuration.
   */
  allowAnyOrigin: boolean;
  /** How long an activity waits for a worker that has the host or credential a trigger needs. */
  misconfiguredGraceMs: number;
  /** The delay between those attempts. */
  misconfiguredRetryDelayMs: number;
}

/**
 * What a worker lacking a host or credential does: it fails its attempt with a retryable
 * WorkerMisconfigured, so that a worker that has them (or this one, restarted with a fixed
 * configuration) carries the trigger on: a retry a minute, for 5 minutes (or until the 6th
 * attempt, the most a short activity gets), then the trigger fails with WorkerMisconfigured.
 */
export const DEFAULT_TRUST_POLICY: TrustPolicy = { allowAnyOrigin: false, misconfiguredGraceMs: 5 * 60_000, misconfiguredRetryDelayMs: 60_000 };

/** The input asks for something this worker's configuration forbids: fails at once. */
export function refused(rule: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureTypes.TargetRefused, message: `refused by the worker: ${rule}`, nonRetryable: true });
}

/**
 * This worker lacks something the input names (a host, a credential, a variable or file of a
 * credential): retried for a bounded time, then final. The trigger's progress shows the message.
 */
export function misconfigured(message: string, policy: TrustPolicy): ApplicationFailure {
  let final = false;
  try {
    const info = Context.current().info;
    // Short activities end after their last attempt whatever this says: mark that one final too.
    final = Date.now() - info.scheduledTimestampMs >= policy.misconfiguredGraceMs || info.attempt >= SHORT_ACTIVITY_MAX_ATTEMPTS;
  } catch {
    // Outside an activity (unit tests): no retry.
    final = true;
  }
  return ApplicationFailure.create({
    type: FailureTypes.WorkerMisconfigured,
    message: final ? message : `${message} (waiting for a worker configured for it)`,
    nonRetryable: final,
    nextRetryDelay: policy.misconfiguredRetryDelayMs,
  });
}


/** Where a credential of temporal.yaml may be sent (see the `origins` field of a credential). */
export function credentialOrigins(config: Config, id: string): Set<string> {
  const cred = config.credentials[id];
  if (cred?.origins) return new Set(cred.origins.map((u) => originOf(u)!));
  const users = config.remoteHosts.filter((h) => {
    const a = h.auth as Record<string, unknown> | undefined;
    return a !== undefined && a.credentials === id;
  });
  return originsOf(users.length > 0 ? users : config.remoteHosts);
}

function envAllowed(config: Config, name: string): boolean {
  return config.secretEnvAllow.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

function fileAllowed(config: Config, file: string): boolean {
  const full = path.resolve(file);
  return config.secretFileAllow.some((p) => {
    const allowed = path.resolve(p);
    return p.endsWith('/') ? full.startsWith(allowed + path.sep) : full === allowed;
  });
}

/**
 * The origins of the remote hosts whose own `auth` names this variable or file: the
 * configuration names it for them, so it may go there without being listed in secretEnvAllow.
 */
function hostsNaming(config: Config, ref: { env: string } | { file: string }): Set<string> {
  const hosts = config.remoteHosts.filter((h) => {
    const a = h.auth as Record<string, unknown> | undefined;
    if (!a) return false;
    if ('env' in ref) return a.apiTokenEnv === ref.env || a.tokenEnv === ref.env;
    return [a.apiTokenFile, a.tokenFile].some((f) => typeof f === 'string' && path.resolve(f) === path.resolve(ref.file));
  });
  return originsOf(hosts);
}

/** Checks one secret reference: may this worker read it, and may it go to `origin`? */
function checkSecretRef(ref: SecretRef, origin: string, config: Config, policy: TrustPolicy, what: string): void {
  if ('credentials' in ref) {
    if (!config.credentials[ref.credentials]) throw misconfigured(`${what}: No Jenkins Credentials found with ID '${ref.credentials}' on this worker`, policy);
    if (!credentialOrigins(config, ref.credentials).has(origin)) {
      throw refused(`${what}: credentials '${ref.credentials}' may not be sent to ${origin} (list it in the credential's 'origins' or the host's 'credentialOrigins')`);
    }
    return;
  }
  if (hostsNaming(config, ref).has(origin)) return;
  if ('env' in ref && !envAllowed(config, ref.env)) {
    throw refused(`${what}: the environment variable ${ref.env} is not listed in the worker's 'secretEnvAllow'`);
  }
  if ('file' in ref && !fileAllowed(config, ref.file)) {
    throw refused(`${what}: the file ${ref.file} is not listed in the worker's 'secretFileAllow'`);
  }
  if (!originsOf(config.remoteHosts).has(origin)) {
    throw refused(`${what}: a secret named in the options goes only to the origins of the worker's remote hosts, not to ${origin}`);
  }
}

/**
 * Everything a worker checks before it sends a request for a trigger. Throws a non-retryable
 * TargetRefused naming the rule, or a retryable WorkerMisconfigured; nothing has been sent then.
 */
export function authorizeTarget(target: Target, token: SecretRef | null, config: Config, policy: TrustPolicy): void {
  const parsed = TargetSchema.safeParse(target);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw refused(`target.${issue.path.join('.')}: ${issue.message}`);
  }
  const origin = originOf(target.root)!;
  if (target.hostName !== null && !config.remoteHosts.some((h) => h.name === target.hostName)) {
    throw misconfigured(`this worker has no remote host '${target.hostName}' in its configuration`, policy);
  }
  const open = policy.allowAnyOrigin || config.allowOrigins.includes('*');
  const allowed = new Set([...originsOf(config.remoteHosts), ...config.allowOrigins.filter((o) => o !== '*').map((u) => originOf(u)!)]);
  if (!open && !allowed.has(origin)) {
    throw refused(`${origin} is neither a remote host of the worker's configuration nor in its 'allowOrigins'`);
  }
  if (target.trustAllCertificates && !policy.allowAnyOrigin) {
    const hostSaysSo = config.remoteHosts.some((h) => h.trustAllCertificates && originsOf([h]).has(origin));
    if (!hostSaysSo) throw refused(`trustAllCertificates: TLS verification for ${origin} can be turned off only by the worker's remote host configuration`);
  }
  const auth = target.auth;
  if (auth.kind === 'credentials') checkSecretRef({ credentials: auth.credentials }, origin, config, policy, 'auth');
  if (auth.kind === 'token' || auth.kind === 'bearer') checkSecretRef(auth.secret, origin, config, policy, 'auth');
  if (token) checkSecretRef(token, origin, config, policy, 'token');
}
