// Building the trigger POST (docs/jenkins.md §7), kept pure so URL and body encoding are testable.
import type { TriggerRequest } from './types.js';
import { joinUrl, normaliseJobUrl, normaliseRoot } from './urls.js';

/**
 * <jobUrl>/buildWithParameters or /build, or the Build Token Root plugin's /buildByToken/...
 * The query carries `token` (when given) and `delay=0`; parameters go in the body so that
 * values of any size (5 KB and more) do not hit URL length limits (414).
 */
export function triggerUrl(req: TriggerRequest, root: string): string {
  const endpoint = req.parameterized ? 'buildWithParameters' : 'build';
  const query = new URLSearchParams();
  let base: string;
  if (req.buildTokenRoot) {
    base = `${normaliseRoot(root)}/buildByToken/${endpoint}`;
    query.set('job', req.buildTokenRoot.job);
  } else {
    base = joinUrl(normaliseJobUrl(req.jobUrl), endpoint);
  }
  if (req.token) query.set('token', req.token);
  // A bare number is milliseconds to Jenkins: 0 skips the quiet period, as the plugin intends.
  query.set('delay', '0');
  return `${base}?${query.toString()}`;
}

export interface TriggerBody {
  body: string | FormData;
  /** undefined for multipart: the platform sets the boundary. */
  contentType: string | undefined;
}

/** Form-urlencoded in the given order, or multipart/form-data when files are attached. */
export function triggerBody(req: TriggerRequest): TriggerBody {
  if (!req.files || req.files.length === 0) {
    return {
      body: new URLSearchParams(req.parameters).toString(),
      contentType: 'application/x-www-form-urlencoded',
    };
  }
  const form = new FormData();
  for (const [name, value] of req.parameters) form.append(name, value);
  for (const file of req.files) {
    const bytes = typeof file.content === 'string' ? new TextEncoder().encode(file.content) : file.content;
    form.append(file.name, new Blob([bytes]), file.fileName);
  }
  return { body: form, contentType: undefined };
}
