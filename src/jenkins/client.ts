// The Jenkins client: one method per remote operation the trigger needs (docs/jenkins.md §1).
// No retry loops: each method makes its request(s) once and throws a JenkinsError whose
// `retryable` / `requestSent` let the calling activity decide. The single exception is a POST
// rejected with 403 "No valid crumb", which Jenkins refuses before queueing anything, so sending
// it once more with a fresh crumb cannot create a second build.
import { authFingerprint, authIdentity, needsCrumb, type JenkinsAuth } from './auth.js';
import type { TtlCache } from './cache.js';
import { CookieJar } from './cookies.js';
import { Crumbs } from './crumb.js';
import { beforeRequest, JenkinsError, JenkinsProtocolError, JenkinsUsageError, isNoValidCrumb } from './errors.js';
import { Transport, type HttpResponse, type Limiter, type RequestObserver } from './http.js';
import { extractJenkinsMessage } from './jenkins-message.js';
import { expectOk, httpError, readJson } from './responses.js';
import { buildListSchema, buildSchema, jobSchema, queueItemSchema, queueListSchema } from './schemas.js';
import type { SingleFlight } from './single-flight.js';
import { triggerBody, triggerUrl } from './trigger-request.js';
import type {
  JobBuildEntry,
  BuildView,
  ConsoleChunk,
  CrumbEntry,
  JobInfo,
  QueueItemView,
  QueueListItem,
  TriggerRequest,
  TriggerResponse,
} from './types.js';
import { joinUrl, normaliseJobUrl, normaliseRoot, originOf, queueIdFromLocation, redactUrl } from './urls.js';
import { type QueueState, QUEUE_STATES_TREE, buildPageSchema, buildPageTree, queueStatesSchema, toBuildPage, toQueueStates } from './watch-views.js';
import { toJobBuildEntries, toBuildView, toJobInfo, toQueueItemView, toQueueListItems } from './views.js';

export interface JenkinsClientOptions {
  /** Effective root; used for crumb/queue/cancel URLs, for re-basing, and as the only origin that gets credentials. */
  root: string;
  auth: JenkinsAuth;
  /** Default false. true: no certificate or hostname checks, for this client only (see insecure-fetch.ts). */
  trustAllCertificates?: boolean;
  /** Default 10000 (plugin httpGetReadTimeout); also used for the crumb request. */
  getTimeoutMs?: number;
  /** Default 30000 (plugin httpPostReadTimeout). */
  postTimeoutMs?: number;
  limiter?: Limiter;
  /** Shared across clients; key `${origin}|${identity}`. */
  crumbCache?: TtlCache<CrumbEntry>;
  /** Shared across clients; key `${jobUrl}|${identity}`. */
  jobInfoCache?: TtlCache<JobInfo>;
  /** Shared across clients: crumb requests for the same root and credential within 1 s are one. */
  crumbFlights?: SingleFlight<CrumbEntry>;
  /** Shared across clients: job metadata requests for the same job and credential within 1 s are one. */
  jobInfoFlights?: SingleFlight<JobInfo>;
  /** Aborts every in-flight request; the signal's reason is rethrown as is. */
  signal?: AbortSignal;
  /** Progress lines like the plugin's; never secrets or parameter values. */
  log?: (line: string) => void;
  /** Tracing and metrics around each request (transport's RequestObserver). */
  observer?: RequestObserver;
}

const JOB_TREE =
  'actions[parameterDefinitions[name,type,defaultParameterValue[value],choices]],' +
  'property[parameterDefinitions[name,type,defaultParameterValue[value],choices]],' +
  'name,fullName,displayName,fullDisplayName,url,buildable';
const QUEUE_ITEM_TREE = 'id,why,stuck,blocked,buildable,pending,cancelled,executable[number,url],timestamp';
const QUEUE_TREE = 'items[id,inQueueSince,why,params,task[url],actions[parameters[name,value]]]';
const BUILDS_TREE = 'builds[number,url,queueId,timestamp,building,result,actions[parameters[name,value]]]';
const BUILD_TREE = 'number,url,building,inProgress,result,duration,queueId,timestamp,estimatedDuration';
const MAX_ARTIFACT_REDIRECTS = 5;

export class JenkinsClient {
  /** 'anonymous' | user name | 'bearer:<12 hex of sha256>': safe for logs and cache keys. */
  readonly identity: string;
  private readonly root: string;
  private readonly transport: Transport;
  private readonly crumbs: Crumbs;
  private readonly getTimeoutMs: number;
  private readonly postTimeoutMs: number;
  private readonly log: (line: string) => void;
  /** What single-flight keys add to a URL: requests are alike only with the same credential and TLS checks. */
  private readonly flightScope: string;

  constructor(private readonly opts: JenkinsClientOptions) {
    this.root = normaliseRoot(opts.root);
    const rootOrigin = originOf(this.root);
    if (rootOrigin === null) throw new JenkinsUsageError(`Invalid Jenkins root URL: ${redactUrl(opts.root)}`);
    this.identity = authIdentity(opts.auth);
    this.getTimeoutMs = opts.getTimeoutMs ?? 10_000;
    this.postTimeoutMs = opts.postTimeoutMs ?? 30_000;
    this.log = opts.log ?? (() => {});
    this.flightScope = `${authFingerprint(opts.auth)}|${opts.trustAllCertificates ? 'insecure' : 'verified'}`;
    const jar = new CookieJar();
    this.transport = new Transport({
      root: this.root,
      auth: opts.auth,
      trustAllCertificates: opts.trustAllCertificates ?? false,
      jar,
      ...(opts.limiter ? { limiter: opts.limiter } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.observer ? { observer: opts.observer } : {}),
    });
    this.crumbs = new Crumbs({
      transport: this.transport,
      jar,
      root: this.root,
      rootOrigin,
      identity: this.identity,
      getTimeoutMs: this.getTimeoutMs,
      log: this.log,
      ...(opts.crumbCache ? { cache: opts.crumbCache } : {}),
      ...(opts.crumbFlights ? { flights: opts.crumbFlights } : {}),
      flightKey: `${this.root}|${this.flightScope}`,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  async getJobInfo(jobUrl: string): Promise<JobInfo> {
    const url = normaliseJobUrl(jobUrl);
    const key = `${url}|${this.identity}`;
    const cached = this.opts.jobInfoCache?.get(key);
    if (cached) return cached;
    const send = async () => {
      const res = await this.get(`${url}/api/json?tree=${encodeURIComponent(JOB_TREE)}`);
      return toJobInfo(readJson(res, jobSchema, 'job metadata'), this.root);
    };
    const flights = this.opts.jobInfoFlights;
    const info = flights ? await flights.run(`${this.root}|${url}|${this.flightScope}`, send, this.opts.signal) : await send();
    this.opts.jobInfoCache?.set(key, info);
    return info;
  }

  async triggerBuild(req: TriggerRequest): Promise<TriggerResponse> {
    const url = triggerUrl(req, this.root);
    const { body, contentType } = triggerBody(req);
    // The Build Token Root action is exempt from CSRF; fetching a crumb there would need read access.
    const res = await this.post(url, body, contentType, req.buildTokenRoot ? false : undefined);
    if (res.status >= 400) throw httpError(res);
    const location = res.headers.get('location');
    if ((res.status === 201 || res.status === 303) && location && isQueueLocation(location)) {
      return { queueId: queueIdFromLocation(location), merged: res.status === 303, status: res.status };
    }
    // 302 to the job page: refused by a queue decision handler, a multibranch scan, or /build with
    // json= (which answers with the job URL). Nothing is known to be queued.
    const where = location ? ` to ${redactUrl(location)}` : ', no Location header';
    throw new JenkinsProtocolError(`Jenkins did not queue the build (HTTP ${res.status}${where})`, {
      method: 'POST',
      url,
      status: res.status,
      requestSent: 'yes',
    });
  }

  async getQueueItem(queueId: number): Promise<QueueItemView> {
    const res = await this.get(`${this.root}/queue/item/${queueId}/api/json?tree=${encodeURIComponent(QUEUE_ITEM_TREE)}`);
    return toQueueItemView(readJson(res, queueItemSchema, 'a queue item'), this.root);
  }

  async listQueue(): Promise<QueueListItem[]> {
    const res = await this.get(`${this.root}/queue/api/json?tree=${encodeURIComponent(QUEUE_TREE)}`);
    return toQueueListItems(readJson(res, queueListSchema, 'the queue'), this.root);
  }

  /** Newest first; Jenkins caps `builds` at 100. */
  async listBuilds(jobUrl: string, limit = 100): Promise<JobBuildEntry[]> {
    const tree = `${BUILDS_TREE}{0,${Math.max(1, Math.floor(limit))}}`;
    const res = await this.get(`${normaliseJobUrl(jobUrl)}/api/json?tree=${encodeURIComponent(tree)}`);
    return toJobBuildEntries(readJson(res, buildListSchema, 'the build list'), this.root);
  }

  /** The fallback once the queue item has expired (5 min after leaving the queue, or a restart). */
  async findBuildByQueueId(jobUrl: string, queueId: number): Promise<JobBuildEntry | null> {
    const builds = await this.listBuilds(jobUrl);
    return builds.find((b) => b.queueId === queueId) ?? null;
  }

  /** Builds [from, to) of a job, newest first, each with its completion fields (docs/jenkins.md §8.4). */
  async listBuildPage(jobUrl: string, from: number, to: number): Promise<BuildView[]> {
    const res = await this.get(`${normaliseJobUrl(jobUrl)}/api/json?tree=${encodeURIComponent(buildPageTree(from, to))}`);
    return toBuildPage(readJson(res, buildPageSchema, 'a page of builds'), this.root);
  }

  /** The items waiting in the queue, each with its state (docs/jenkins.md §8.3). */
  async listQueueStates(): Promise<QueueState[]> {
    const res = await this.get(`${this.root}/queue/api/json?tree=${encodeURIComponent(QUEUE_STATES_TREE)}`);
    return toQueueStates(readJson(res, queueStatesSchema, 'the queue'), this.root);
  }

  async getBuild(buildUrl: string): Promise<BuildView> {
    const res = await this.get(joinUrl(buildUrl, `api/json?tree=${encodeURIComponent(BUILD_TREE)}`));
    return toBuildView(readJson(res, buildSchema, 'a build'), this.root);
  }

  /** The text is returned exactly as sent (the plugin parsed a chunk looking like {...} as JSON and lost it). */
  async getConsoleChunk(buildUrl: string, start: string): Promise<ConsoleChunk> {
    const res = await this.get(
      joinUrl(buildUrl, `logText/progressiveText?start=${encodeURIComponent(start)}`),
      'text/plain',
    );
    expectOk(res);
    const nextStart = res.headers.get('x-text-size');
    if (/html/i.test(res.contentType ?? '') || nextStart === null) {
      throw new JenkinsProtocolError(
        `expected console text with an X-Text-Size header but got ${res.contentType ?? 'no content type'} (a login or proxy page?)`,
        { method: 'GET', url: res.url, status: res.status, retryable: true },
      );
    }
    // X-More-Data is absent, not "false", once the log is complete.
    return { bytes: res.body, nextStart, moreData: res.headers.get('x-more-data') === 'true' };
  }

  /** Jenkins answers 302 (forwardToPreviousPage), also for builds that already finished. */
  async stopBuild(buildUrl: string): Promise<void> {
    const res = await this.post(joinUrl(buildUrl, 'stop'));
    if (res.status >= 400) throw httpError(res);
  }

  /** Status codes since Jenkins 2.211; older versions always redirect (302), which we report as cancelled. */
  async cancelQueueItem(queueId: number): Promise<'cancelled' | 'not-found' | 'already-left' | 'not-cancellable'> {
    const res = await this.post(`${this.root}/queue/cancelItem?id=${queueId}`);
    if (res.status === 204 || res.status === 200 || res.status === 302) return 'cancelled';
    if (res.status === 404) return 'not-found';
    if (res.status === 422) return 'not-cancellable';
    // 500 "Could not cancel run for id N": the item is a LeftItem (started or already cancelled).
    if (res.status === 500) return 'already-left';
    throw httpError(res);
  }

  /**
   * Follows redirects (a resource root URL serves artifacts from another host). Each hop goes
   * through the transport, which sends credentials only to our root's origin.
   */
  async getArtifact(buildUrl: string, relativePath: string): Promise<{ body: string; contentType: string | null }> {
    const segments = relativePath.split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..')) {
      throw new JenkinsUsageError(`Invalid artifact path '${relativePath}': use a path relative to the archive, without '.', '..' or empty segments`);
    }
    let url = joinUrl(buildUrl, `artifact/${segments.map(encodeURIComponent).join('/')}`);
    for (let hop = 0; ; hop++) {
      const res = await this.get(url, '*/*');
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        if (hop >= MAX_ARTIFACT_REDIRECTS) {
          throw new JenkinsProtocolError(`too many redirects for an artifact`, { method: 'GET', url, status: res.status });
        }
        url = new URL(location, url).href;
        continue;
      }
      expectOk(res);
      return { body: res.text(), contentType: res.contentType };
    }
  }

  private get(url: string, accept = 'application/json'): Promise<HttpResponse> {
    return this.transport.send({ method: 'GET', url, accept, timeoutMs: this.getTimeoutMs });
  }

  /** A POST with a crumb when the auth needs one, re-sent at most once after 403 "No valid crumb". */
  private async post(url: string, body?: string | FormData, contentType?: string, crumb?: boolean): Promise<HttpResponse> {
    let withCrumb = crumb ?? needsCrumb(this.opts.auth);
    for (let attempt = 1; ; attempt++) {
      const sessionHeaders = withCrumb ? await this.crumbHeaders(url) : {};
      const res = await this.transport.send({
        method: 'POST',
        url,
        accept: 'application/json',
        timeoutMs: this.postTimeoutMs,
        ...(body === undefined ? {} : { body }),
        ...(contentType === undefined ? {} : { contentType }),
        sessionHeaders,
      });
      if (attempt > 1 || !isNoValidCrumb(res.status, extractJenkinsMessage(res.text(), res.contentType))) return res;
      if (withCrumb) {
        this.log('The remote server rejected the CSRF crumb (No valid crumb); fetching a fresh one and sending once more.');
        this.crumbs.invalidate();
      } else {
        this.log('The remote server asked for a CSRF crumb although API-token auth is configured (is the secret a password?); sending once more with a crumb.');
        withCrumb = true;
      }
    }
  }

  private async crumbHeaders(postUrl: string): Promise<Record<string, string>> {
    try {
      return await this.crumbs.headers();
    } catch (e) {
      if (e instanceof JenkinsError) throw beforeRequest(e, `Could not get a CSRF crumb for POST ${redactUrl(postUrl)}`);
      throw e;
    }
  }
}

function isQueueLocation(location: string): boolean {
  try {
    queueIdFromLocation(location);
    return true;
  } catch {
    return false;
  }
}
