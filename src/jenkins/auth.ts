// What each auth variant sends, whether it needs a CSRF crumb, and a loggable identity.
import { createHash } from 'node:crypto';

export type JenkinsAuth =
  | { kind: 'none' }
  /** apiToken true: a Jenkins API token, which Jenkins exempts from CSRF (no crumb); false: a password. */
  | { kind: 'basic'; user: string; secret: string; apiToken: boolean }
  | { kind: 'bearer'; token: string };

/** Used in cache keys and logs, so it must never contain a secret. */
export function authIdentity(auth: JenkinsAuth): string {
  switch (auth.kind) {
    case 'none':
      return 'anonymous';
    case 'basic':
      return auth.user;
    case 'bearer':
      return `bearer:${createHash('sha256').update(auth.token).digest('hex').slice(0, 12)}`;
  }
}

/**
 * Tells credentials apart where authIdentity does not (two passwords of one user): a hash of the
 * whole credential, for the keys of what clients share in memory (single-flight.ts). Never logged.
 */
export function authFingerprint(auth: JenkinsAuth): string {
  if (auth.kind === 'none') return 'anonymous';
  return `${auth.kind}:${createHash('sha256').update(JSON.stringify(auth)).digest('hex').slice(0, 32)}`;
}

/** Sent pre-emptively: Jenkins answers 403, not a 401 challenge, to anonymous requests. */
export function authorizationHeader(auth: JenkinsAuth): string | undefined {
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'basic':
      // Taken literally: no '$' variable expansion, unlike the plugin's TokenAuth.
      return `Basic ${Buffer.from(`${auth.user}:${auth.secret}`, 'utf8').toString('base64')}`;
    case 'bearer':
      return `Bearer ${auth.token}`;
  }
}

/** API-token requests are exempt from CSRF since Jenkins 2.96; passwords, bearer and anonymous are not. */
export function needsCrumb(auth: JenkinsAuth): boolean {
  return !(auth.kind === 'basic' && auth.apiToken);
}
