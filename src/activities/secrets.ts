import { readFileSync } from 'node:fs';
import type { JenkinsAuth } from '../jenkins/index.js';
import type { AuthRef, SecretRef } from '../options/auth.js';
import type { Config } from '../options/config.js';
import { DEFAULT_TRUST_POLICY, misconfigured } from './trust.js';

/**
 * Turns the references in workflow input into secret values, on the worker only, after
 * trust.ts allowed them. A secret this worker lacks is a WorkerMisconfigured failure, retried
 * for a bounded time so that a worker that has it can carry the trigger on. Errors name the
 * reference, never a value.
 */
export function resolveSecret(ref: SecretRef, config: Config, env: NodeJS.ProcessEnv, policy = DEFAULT_TRUST_POLICY): string {
  const missing = (message: string) => misconfigured(message, policy);
  if ('env' in ref) {
    const v = env[ref.env];
    if (!v) throw missing(`environment variable ${ref.env} is not set on the worker`);
    return v;
  }
  if ('file' in ref) return readSecretFile(ref.file, missing);
  const cred = config.credentials[ref.credentials];
  if (!cred) throw missing(`No Jenkins Credentials found with ID '${ref.credentials}'`);
  return credentialSecret(ref.credentials, cred, env, missing);
}

export function resolveAuth(ref: AuthRef, config: Config, env: NodeJS.ProcessEnv, policy = DEFAULT_TRUST_POLICY): JenkinsAuth {
  const missing = (message: string) => misconfigured(message, policy);
  switch (ref.kind) {
    case 'null':
    case 'none':
      return { kind: 'none' };
    case 'token':
      // TokenAuth is a Jenkins API token: exempt from CSRF, so no crumb (plugin 3.2.2, PR #96).
      return { kind: 'basic', user: ref.userName, secret: resolveSecret(ref.secret, config, env, policy), apiToken: true };
    case 'bearer':
      return { kind: 'bearer', token: resolveSecret(ref.secret, config, env, policy) };
    case 'credentials': {
      const cred = config.credentials[ref.credentials];
      if (!cred) throw missing(`No Jenkins Credentials found with ID '${ref.credentials}'`);
      const secret = credentialSecret(ref.credentials, cred, env, missing);
      if (!cred.username) return { kind: 'bearer', token: secret };
      return { kind: 'basic', user: cred.username, secret, apiToken: cred.apiToken };
    }
  }
}

type Missing = (message: string) => Error;

function credentialSecret(id: string, cred: Config['credentials'][string], env: NodeJS.ProcessEnv, missing: Missing): string {
  const varName = cred.passwordEnv ?? cred.tokenEnv;
  if (varName) {
    const v = env[varName];
    if (!v) throw missing(`credentials '${id}': environment variable ${varName} is not set on the worker`);
    return v;
  }
  return readSecretFile((cred.passwordFile ?? cred.tokenFile)!, missing);
}

function readSecretFile(file: string, missing: Missing): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw missing(`cannot read secret file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
