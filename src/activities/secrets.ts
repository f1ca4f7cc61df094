import { readFileSync } from 'node:fs';
import { ApplicationFailure } from '@temporalio/activity';
import type { JenkinsAuth } from '../jenkins/index.js';
import type { AuthRef, SecretRef } from '../options/auth.js';
import type { Config } from '../options/config.js';
import { FailureTypes } from './types.js';

/**
 * Turns the references in workflow input into secret values, on the worker only (DESIGN
 * decision 3). Errors name the reference, never a value.
 */
export function resolveSecret(ref: SecretRef, config: Config, env: NodeJS.ProcessEnv): string {
  if ('env' in ref) {
    const v = env[ref.env];
    if (!v) throw missing(`environment variable ${ref.env} is not set on the worker`);
    return v;
  }
  if ('file' in ref) return readSecretFile(ref.file);
  const cred = config.credentials[ref.credentials];
  if (!cred) throw missing(`No Jenkins Credentials found with ID '${ref.credentials}'`);
  return credentialSecret(ref.credentials, cred, env);
}

export function resolveAuth(ref: AuthRef, config: Config, env: NodeJS.ProcessEnv): JenkinsAuth {
  switch (ref.kind) {
    case 'null':
    case 'none':
      return { kind: 'none' };
    case 'token':
      // TokenAuth is a Jenkins API token: exempt from CSRF, so no crumb (plugin 3.2.2, PR #96).
      return { kind: 'basic', user: ref.userName, secret: resolveSecret(ref.secret, config, env), apiToken: true };
    case 'bearer':
      return { kind: 'bearer', token: resolveSecret(ref.secret, config, env) };
    case 'credentials': {
      const cred = config.credentials[ref.credentials];
      if (!cred) throw missing(`No Jenkins Credentials found with ID '${ref.credentials}'`);
      const secret = credentialSecret(ref.credentials, cred, env);
      if (!cred.username) return { kind: 'bearer', token: secret };
      return { kind: 'basic', user: cred.username, secret, apiToken: cred.apiToken };
    }
  }
}

function credentialSecret(id: string, cred: Config['credentials'][string], env: NodeJS.ProcessEnv): string {
  const varName = cred.passwordEnv ?? cred.tokenEnv;
  if (varName) {
    const v = env[varName];
    if (!v) throw missing(`credentials '${id}': environment variable ${varName} is not set on the worker`);
    return v;
  }
  return readSecretFile((cred.passwordFile ?? cred.tokenFile)!);
}

function readSecretFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw missing(`cannot read secret file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function missing(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureTypes.CredentialsMissing, message, nonRetryable: true });
}
