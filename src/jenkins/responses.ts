// Reading Jenkins answers: error statuses become JenkinsHttpErrors with Jenkins' own message,
// and JSON is only trusted when it is JSON (a 200 HTML login or proxy page is not).
import type { z } from 'zod';
import { JenkinsHttpError, JenkinsProtocolError } from './errors.js';
import type { HttpResponse } from './http.js';
import { extractJenkinsMessage } from './jenkins-message.js';

export function httpError(res: HttpResponse): JenkinsHttpError {
  const jenkinsMessage = extractJenkinsMessage(res.text(), res.contentType);
  // Jenkins names the missing permission in headers on 403 (docs/jenkins.md §4.2); user names are not secret.
  const permission = res.headers.get('x-required-permission');
  const who = res.headers.get('x-you-are-authenticated-as');
  const detail = permission ? `Missing permission ${permission}${who ? ` (authenticated as ${who})` : ''}` : undefined;
  return new JenkinsHttpError({
    method: res.method,
    url: res.url,
    status: res.status,
    ...(jenkinsMessage === undefined ? {} : { jenkinsMessage }),
    ...(detail === undefined ? {} : { detail }),
  });
}

/** Throw unless the status is 2xx. */
export function expectOk(res: HttpResponse): void {
  if (res.status < 200 || res.status >= 300) throw httpError(res);
}

/** 2xx + JSON + the expected shape, or a clear error. */
export function readJson<S extends z.ZodType>(res: HttpResponse, schema: S, what: string): z.infer<S> {
  expectOk(res);
  const text = res.text();
  if (/html/i.test(res.contentType ?? '') || /^\s*</.test(text)) {
    // A proxy or SSO page can be transient; only a GET is safe to repeat.
    throw new JenkinsProtocolError(
      `expected ${what} but got HTML instead of JSON (a login or proxy page?)`,
      { method: res.method, url: res.url, status: res.status, retryable: res.method === 'GET' },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new JenkinsProtocolError(`expected ${what} but the body is not JSON (Content-Type ${res.contentType ?? 'none'})`, {
      method: res.method,
      url: res.url,
      status: res.status,
    });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new JenkinsProtocolError(`unexpected ${what} JSON: ${issues}`, {
      method: res.method,
      url: res.url,
      status: res.status,
    });
  }
  return parsed.data;
}
