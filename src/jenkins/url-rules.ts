// URL and job-name rules with no imports at all: the workflow validates its input with them,
// and the workflow bundle must not pull in Node modules.

/**
 * The plugin's isURL rule (docs/plugin-compat.md §3.3): http(s) scheme, at least one character
 * after '://', no '$' (taken as an unexpanded variable), no surrounding spaces, and parseable.
 */
export function isHttpUrl(value: string): boolean {
  if (value !== value.trim() || value.includes('$')) return false;
  const lower = value.toLowerCase();
  const scheme = lower.startsWith('http://') ? 'http://' : lower.startsWith('https://') ? 'https://' : null;
  if (scheme === null || value.length === scheme.length) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Characters Jenkins refuses in item names (its checkGoodName), except '%' and '#': computed
 * items such as multibranch branch jobs carry escaped names ('feature%2Ffoo'), which must keep
 * working. '/' separates folders and is handled by the caller.
 */
const UNSAFE_NAME_CHARS = '?*\\!@$^&|<>[]:;';

/** Why one folder or job name cannot be a Jenkins item name, or null. */
export function jobNameSegmentProblem(segment: string): string | null {
  const trimmed = segment.trim();
  if (trimmed === '.' || trimmed === '..') return `'${trimmed}' is not a job name (a path segment '.' or '..' would leave the job's URL)`;
  for (const ch of segment) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return 'a control character is not allowed in a job name';
    if (UNSAFE_NAME_CHARS.includes(ch)) return `the character '${ch}' is not allowed in a job name`;
  }
  return null;
}

/** True when a URL carries user info (user:password@). Such a URL would put a password into workflow history. */
export function hasUserInfo(value: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value.trim())) return true;
  try {
    const u = new URL(value.trim());
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

export const USER_INFO_MESSAGE =
  'must not contain credentials (user:password@ is stored in Temporal history); ' +
  "name a credential of temporal.yaml with 'auth' (CLI: --auth credentials --credentials ID) instead";

/**
 * Why a URL cannot be a Jenkins root or job URL, beyond the plugin's isURL rule, or null.
 * The reason never repeats the value, which may hold a password.
 */
export function jenkinsUrlProblem(value: string, kind: 'root' | 'job'): string | null {
  if (hasUserInfo(value)) return USER_INFO_MESSAGE;
  const afterScheme = value.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  if (/[?#]/.test(afterScheme)) return `must not have a query (?…) or fragment (#…): a ${kind === 'root' ? 'Jenkins root' : 'job URL'} is a path`;
  const segments = afterScheme.split('/').filter((s) => s !== '');
  for (let i = 0; i < segments.length; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segments[i]!);
    } catch {
      return `has a malformed %-escape in its path`;
    }
    if (decoded === '.' || decoded === '..') return `must not have a path segment '.' or '..'`;
    if (kind === 'job' && segments[i - 1] === 'job') {
      const problem = jobNameSegmentProblem(decoded);
      if (problem) return `has an invalid job name: ${problem}`;
    }
  }
  return null;
}

/** scheme://host[:port] of a URL, or null when it does not parse. */
export function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
