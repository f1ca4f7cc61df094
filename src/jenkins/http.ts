// The one place that sends HTTP. It adds credentials only for the configured root's origin,
// applies the per-request timeout and the caller's abort signal, keeps the cookie jar, and turns
// thrown errors into JenkinsErrors. It never retries and never follows redirects.
import { createFetch, ofetch, type $Fetch } from 'ofetch';
import { authorizationHeader, type JenkinsAuth } from './auth.js';
import { classifyError } from './classify.js';
import type { CookieJar } from './cookies.js';
import { createInsecureFetch } from './insecure-fetch.js';
import { originOf } from './urls.js';

/** Per-host concurrency limit, supplied by the caller (plugin maxConn, done properly). */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  accept: string;
  timeoutMs: number;
  body?: string | FormData;
  /** Omitted for FormData, whose boundary the platform chooses. */
  contentType?: string;
  /** Crumb header(s): like credentials, sent only to the root's origin. */
  sessionHeaders?: Record<string, string>;
}

export interface HttpResponse {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  body: Uint8Array;
  contentType: string | null;
  /** The body as UTF-8, exactly (a BOM is kept, nothing is trimmed). */
  text(): string;
}

/**
 * Wraps every request, for tracing and metrics: `send` sends it with the extra headers given (a
 * W3C traceparent, docs/design.md §15). Those go to any origin: they carry no secret.
 */
export interface RequestObserver {
  around(req: HttpRequest, send: (extraHeaders: Record<string, string>) => Promise<HttpResponse>): Promise<HttpResponse>;
}

export interface TransportOptions {
  root: string;
  auth: JenkinsAuth;
  trustAllCertificates: boolean;
  jar: CookieJar;
  limiter?: Limiter;
  signal?: AbortSignal;
  observer?: RequestObserver;
}

export class Transport {
  private readonly fetcher: $Fetch;
  private readonly rootOrigin: string | null;
  private readonly authorization: string | undefined;

  constructor(private readonly opts: TransportOptions) {
    this.fetcher = opts.trustAllCertificates ? createFetch({ fetch: createInsecureFetch() }) : ofetch;
    this.rootOrigin = originOf(opts.root);
    this.authorization = authorizationHeader(opts.auth);
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    const observer = this.opts.observer;
    const run = (): Promise<HttpResponse> => (observer ? observer.around(req, (extra) => this.sendNow(req, extra)) : this.sendNow(req, {}));
    return this.opts.limiter ? this.opts.limiter.run(run) : run();
  }

  /** Credentials, cookies and crumbs go only to the configured root: never to a redirect target elsewhere. */
  isRootOrigin(url: string): boolean {
    return this.rootOrigin !== null && originOf(url) === this.rootOrigin;
  }

  private async sendNow(req: HttpRequest, extraHeaders: Record<string, string>): Promise<HttpResponse> {
    const trusted = this.isRootOrigin(req.url);
    const headers = new Headers({ accept: req.accept });
    for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
    if (req.contentType) headers.set('content-type', req.contentType);
    if (trusted) {
      if (this.authorization) headers.set('authorization', this.authorization);
      const cookie = this.rootOrigin ? this.opts.jar.header(this.rootOrigin) : undefined;
      if (cookie) headers.set('cookie', cookie);
      for (const [name, value] of Object.entries(req.sessionHeaders ?? {})) headers.set(name, value);
    }
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const signal = this.opts.signal ? AbortSignal.any([this.opts.signal, timeout]) : timeout;

    try {
      const res = await this.fetcher.raw<ArrayBuffer, 'arrayBuffer'>(req.url, {
        method: req.method,
        headers,
        ...(req.body === undefined ? {} : { body: req.body }),
        redirect: 'manual',
        retry: 0,
        ignoreResponseError: true,
        responseType: 'arrayBuffer',
        signal,
      });
      if (trusted && this.rootOrigin) this.opts.jar.store(this.rootOrigin, res.headers.getSetCookie());
      const body = res._data ? new Uint8Array(res._data) : new Uint8Array(0);
      return {
        method: req.method,
        url: req.url,
        status: res.status,
        headers: res.headers,
        body,
        contentType: res.headers.get('content-type'),
        text: () => new TextDecoder('utf-8', { ignoreBOM: true }).decode(body),
      };
    } catch (e) {
      // Activity cancellation: rethrow the caller's own reason so it is recognised upstream.
      if (this.opts.signal?.aborted) throw this.opts.signal.reason;
      throw classifyError(e, req.method, req.url);
    }
  }
}
