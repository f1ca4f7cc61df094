// Pure URL helpers for talking to Jenkins. No I/O here, so every rule can be unit-tested.
import { JenkinsProtocolError, JenkinsUsageError } from './errors.js';
import { redactUrl } from './redact.js';
import { isHttpUrl, jobNameSegmentProblem } from './url-rules.js';

export { isHttpUrl, hasUserInfo, jenkinsUrlProblem, jobNameSegmentProblem, originOf, USER_INFO_MESSAGE } from './url-rules.js';

export { redactUrl };

/** Trim and strip trailing slashes: a trailing '/' would give '//queue/...', which Jenkins rejects with 400. */
export function normaliseRoot(root: string): string {
  return stripTrailingSlashes(root.trim());
}

/** Strip trailing slashes from a job URL: the plugin kept them and produced '//api/json' (quirk 13, fixed). */
export function normaliseJobUrl(jobUrl: string): string {
  return stripTrailingSlashes(jobUrl.trim());
}

/**
 * 'Folder/Sub/My Job' -> <root>/job/Folder/job/Sub/job/My%20Job.
 * Each segment is encoded on its own, so an already-escaped multibranch name ('feature%2Ffoo')
 * becomes 'feature%252Ffoo', which is what Jenkins expects for branch jobs.
 */
export function buildJobUrl(root: string, job: string): string {
  if (job.length === 0) throw new JenkinsUsageError(`Invalid job name: the job name is empty`);
  const segments = job.split('/');
  if (segments.some((s) => s.length === 0)) {
    // The plugin silently produced '/job//job/x' here, which Jenkins answers with 404 or 400.
    throw new JenkinsUsageError(
      `Invalid job name '${job}': it has an empty path segment (a leading, trailing or double '/'); ` +
        `separate folders with single '/' characters`,
    );
  }
  for (const s of segments) {
    const problem = jobNameSegmentProblem(s);
    if (problem) throw new JenkinsUsageError(`Invalid job name '${job}': ${problem}`);
  }
  return normaliseRoot(root) + segments.map((s) => `/job/${encodeURIComponent(s)}`).join('');
}




/** A full job URL (as opposed to a job name): a URL that contains '/job/'. */
export function isJobUrl(value: string): boolean {
  return isHttpUrl(value) && value.includes('/job/');
}

/** The Jenkins root of a job URL: everything before the first '/job/' or '/view/', whichever comes first. */
export function rootOfJobUrl(jobUrl: string): string {
  const job = jobUrl.indexOf('/job/');
  if (job < 0) throw new JenkinsUsageError(`Expected '/job/' element in job URL but was: ${redactUrl(jobUrl)}`);
  const view = jobUrl.indexOf('/view/');
  const cut = view >= 0 && view < job ? view : job;
  return normaliseRoot(jobUrl.slice(0, cut));
}

/**
 * Re-base a URL that Jenkins returned (built from its own idea of its address, which behind a proxy
 * may name an internal host, scheme or port) onto the root we were configured with.
 * Like the plugin (PR #53/#64): keep Jenkins' path, take scheme/host/port from our root, drop query
 * and fragment. A relative URL (the queue's 'queue/item/N/') is resolved against the root.
 */
export function rebaseOnRoot(url: string, root: string): string {
  const base = normaliseRoot(root);
  if (url === base || url.startsWith(base + '/')) return url;
  const rootUrl = new URL(base);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL(url, base + '/');
  }
  return rootUrl.origin + parsed.pathname;
}

/** Jenkins puts the queue id in Location: '<any host>/queue/item/<id>/'. Only that suffix is reliable. */
export function queueIdFromLocation(location: string | null | undefined): number {
  const path = (location ?? '').trim().replace(/[?#].*$/, '');
  const match = /\/queue\/item\/(\d+)\/?$/.exec(path);
  if (!match?.[1]) {
    // The plugin took the last path segment of any Location, so a redirect to the job page
    // became a bogus queue id. We refuse instead.
    throw new JenkinsProtocolError(
      location ? `Location is not a queue item: ${redactUrl(location)}` : 'the response has no Location header',
      { method: '', url: '' },
    );
  }
  return Number(match[1]);
}

/** Join a path onto a base URL that may or may not end in '/', never producing '//'. */
export function joinUrl(base: string, path: string): string {
  return `${stripTrailingSlashes(base)}/${path.replace(/^\/+/, '')}`;
}


function stripTrailingSlashes(value: string): string {
  return value.replace(/\/+$/, '');
}

/** The path of a job URL on its root, for comparing jobs named by different URLs (§5.3). */
export function jobPathOf(url: string, root: string): string {
  return new URL(normaliseJobUrl(rebaseOnRoot(url, root))).pathname.replace(/\/+$/, '');
}
