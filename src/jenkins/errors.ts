// Typed errors for every way a Jenkins call can fail. The caller (a Temporal activity) decides
// whether to retry from `retryable` and, for POSTs, `requestSent`; the client itself never loops.
import { redactUrl } from './redact.js';

export type JenkinsErrorKind = 'http' | 'network' | 'timeout' | 'protocol' | 'tls' | 'usage';

/** Whether the server may have received the request: what decides if re-sending a POST is safe. */
export type RequestSent = 'no' | 'yes' | 'unknown';

export interface JenkinsErrorInit {
  method: string;
  url: string;
  status?: number;
  jenkinsMessage?: string;
  retryable: boolean;
  requestSent: RequestSent;
  cause?: unknown;
}

export class JenkinsError extends Error {
  readonly kind: JenkinsErrorKind;
  readonly method: string;
  /** Always redacted: no job token value, no user:password. */
  readonly url: string;
  readonly status?: number;
  /** Jenkins' own short message from its error page (never the whole page). */
  readonly jenkinsMessage?: string;
  readonly retryable: boolean;
  readonly requestSent: RequestSent;

  constructor(kind: JenkinsErrorKind, message: string, init: JenkinsErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.method = init.method;
    this.url = redactUrl(init.url);
    if (init.status !== undefined) this.status = init.status;
    if (init.jenkinsMessage !== undefined) this.jenkinsMessage = init.jenkinsMessage;
    this.retryable = init.retryable;
    this.requestSent = init.requestSent;
  }

  /** Plain data, so the error survives Temporal's failure conversion and JSON logs. */
  toJSON(): object {
    return {
      name: this.name,
      kind: this.kind,
      method: this.method,
      url: this.url,
      status: this.status,
      jenkinsMessage: this.jenkinsMessage,
      retryable: this.retryable,
      requestSent: this.requestSent,
      message: this.message,
    };
  }
}

/** Jenkins answered with an error status. */
export class JenkinsHttpError extends JenkinsError {
  declare readonly status: number;
  constructor(init: Omit<JenkinsErrorInit, 'retryable' | 'requestSent'> & { status: number; detail?: string }) {
    const status = init.status;
    const reason = STATUS_TEXT[status] ?? 'Error';
    const parts = [`${init.method} ${redactUrl(init.url)} failed: HTTP ${status} ${reason}`];
    if (init.jenkinsMessage) parts[0] += ` – ${init.jenkinsMessage}`;
    const hint = statusHint(status, init.jenkinsMessage);
    if (hint) parts.push(hint);
    if (init.detail) parts.push(init.detail);
    super('http', parts.join('. '), { ...init, retryable: isRetryableStatus(status), requestSent: 'yes' });
  }
}

/** The connection failed or broke (refused, DNS, reset, ...). */
export class JenkinsNetworkError extends JenkinsError {
  constructor(message: string, init: JenkinsErrorInit) {
    super('network', message, init);
  }
}

/** No (complete) answer within the GET/POST timeout. */
export class JenkinsTimeoutError extends JenkinsError {
  constructor(message: string, init: JenkinsErrorInit) {
    super('timeout', message, init);
  }
}

/** The TLS handshake failed, typically an untrusted certificate. Retrying will not help. */
export class JenkinsTlsError extends JenkinsError {
  constructor(message: string, init: JenkinsErrorInit) {
    super('tls', message, init);
  }
}

/** Jenkins (or something in front of it) answered, but not in the shape we rely on. */
export class JenkinsProtocolError extends JenkinsError {
  constructor(
    detail: string,
    init: { method: string; url: string; status?: number; retryable?: boolean; requestSent?: RequestSent; cause?: unknown },
  ) {
    const message = init.method ? `${init.method} ${redactUrl(init.url)} failed: ${detail}` : detail;
    super('protocol', message, {
      ...init,
      retryable: init.retryable ?? false,
      requestSent: init.requestSent ?? 'yes',
    });
  }
}

/** The caller asked for something impossible (bad job name, bad URL); nothing was sent. */
export class JenkinsUsageError extends JenkinsError {
  constructor(message: string, url = '') {
    super('usage', message, { method: '', url, retryable: false, requestSent: 'no' });
  }
}

/**
 * 5xx (Jenkins restarting answers 503, proxies 502/504) and 429/408 may pass; other 4xx are
 * decisions Jenkins will repeat. Fixes plugin quirk 1, which retried every 4xx five times.
 * For a POST the caller must also look at requestSent: a 5xx came from a server that saw it.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

export function isNoValidCrumb(status: number, jenkinsMessage: string | undefined): boolean {
  return status === 403 && /no valid crumb/i.test(jenkinsMessage ?? '');
}

/** The plugin's wording for the common statuses (docs/plugin-compat.md §9); users search for these texts. */
function statusHint(status: number, jenkinsMessage: string | undefined): string | undefined {
  switch (status) {
    case 401:
      return 'Server returned 401 - Unauthorized. Most likely there is something wrong with the provided credentials for this request';
    case 403:
      return isNoValidCrumb(status, jenkinsMessage)
        ? 'Server returned 403 - Forbidden. No valid crumb was included in the request: the CSRF crumb was missing, expired, or sent without its session cookie'
        : 'Server returned 403 - Forbidden. User does not have enough permissions for this request';
    case 404:
      return 'Server returned 404 - URL not found for this request (or the user may not see it)';
    case 405:
      return 'Jenkins expects a POST here';
    case 409:
      return 'Jenkins refused with 409 Conflict: the job is probably disabled';
    case 503:
      return 'Jenkins is unavailable (starting up or restarting?)';
    default:
      return undefined;
  }
}

/**
 * The same failure, restated for a POST that was never sent because a step before it (the crumb
 * request) failed. requestSent then describes the POST, which is what the caller's retry
 * decision is about.
 */
export function beforeRequest(e: JenkinsError, context: string): JenkinsError {
  return new JenkinsError(e.kind, `${context}: ${e.message}`, {
    method: e.method,
    url: e.url,
    ...(e.status === undefined ? {} : { status: e.status }),
    ...(e.jenkinsMessage === undefined ? {} : { jenkinsMessage: e.jenkinsMessage }),
    retryable: e.retryable,
    requestSent: 'no',
    cause: e,
  });
}

/**
 * Reason phrases of the statuses Jenkins answers with (the text of node:http's STATUS_CODES,
 * kept here so that this module, and the URL rules that throw its errors, need no Node).
 */
const STATUS_TEXT: Record<number, string> = {
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  407: 'Proxy Authentication Required', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed',
  413: 'Payload Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 417: 'Expectation Failed', 418: "I'm a Teapot",
  421: 'Misdirected Request', 422: 'Unprocessable Entity', 423: 'Locked', 424: 'Failed Dependency', 425: 'Too Early', 426: 'Upgrade Required',
  428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported', 506: 'Variant Also Negotiates', 507: 'Insufficient Storage', 508: 'Loop Detected', 509: 'Bandwidth Limit Exceeded',
  510: 'Not Extended', 511: 'Network Authentication Required',
};
