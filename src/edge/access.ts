// Who may call the API and what each caller may target. Tokens are resolved by the entry
// point (environment variables and files are platform matters); the handler receives values.

import { originOf } from '../jenkins/url-rules.js';
import { type Config, originsOf } from '../options/config-schema.js';

export interface ApiToken {
  token: string;
  /** Remote host names this token may target; undefined: all. */
  remoteHosts?: string[];
  /** Job full names or '*' patterns; undefined: all. */
  jobs?: string[];
}

export interface TokenChecker {
  /** The matching token's entry, or null. Takes the same time whichever token matches, or none. */
  check(presented: string): Promise<ApiToken | null>;
}

const encoder = new TextEncoder();
const digest = async (s: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(s)));

/**
 * Compares SHA-256 digests (fixed length, so the time does not depend on the token's length or
 * on where it differs), with every configured token compared every time.
 */
export function tokenChecker(tokens: ApiToken[]): TokenChecker {
  const digests = Promise.all(tokens.map(async (t) => ({ t, d: await digest(t.token) })));
  return {
    async check(presented) {
      const p = await digest(presented);
      let found: ApiToken | null = null;
      for (const { t, d } of await digests) {
        let diff = 0;
        for (let i = 0; i < d.length; i++) diff |= d[i]! ^ p[i]!;
        if (diff === 0 && found === null) found = t;
      }
      return found;
    },
  };
}

/** 'a/b' from <root>/job/a/job/b (views skipped), decoded. */
export function jobFullName(jobUrl: string): string | null {
  let path: string;
  try {
    path = new URL(jobUrl).pathname;
  } catch {
    return null;
  }
  const segs = path.split('/');
  const names: string[] = [];
  for (let i = 0; i < segs.length - 1; i++) {
    if (segs[i] === 'job' && segs[i + 1]) {
      try {
        names.push(decodeURIComponent(segs[i + 1]!));
      } catch {
        return null;
      }
      i++;
    }
  }
  return names.length ? names.join('/') : null;
}

/** `*` matches any characters ('/' included); everything else literally. */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}


/** Origins of the configured remote hosts (url and credentialOrigins), optionally only the named ones. */
export function hostOrigins(config: Config, names?: string[]): Set<string> {
  return originsOf(names ? config.remoteHosts.filter((h) => names.includes(h.name)) : config.remoteHosts);
}

/** Whether the API lets a trigger send requests to this Jenkins root at all (403 otherwise). */
export function originAllowed(config: Config, root: string): boolean {
  const o = originOf(root);
  if (!o) return false;
  return hostOrigins(config).has(o) || config.api.allowOrigins.some((u) => originOf(u) === o);
}

/** Whether a token limited to some hosts and jobs covers a trigger of this job URL (and host name, when known). */
export function tokenCovers(token: ApiToken, config: Config, t: { jobUrl: string; hostName?: string | null }): boolean {
  if (token.remoteHosts) {
    const byName = t.hostName ? token.remoteHosts.includes(t.hostName) : false;
    const o = originOf(t.jobUrl);
    if (!byName && !(o && hostOrigins(config, token.remoteHosts).has(o))) return false;
  }
  if (token.jobs) {
    const name = jobFullName(t.jobUrl);
    if (name === null || !token.jobs.some((p) => globMatch(p, name))) return false;
  }
  return true;
}
