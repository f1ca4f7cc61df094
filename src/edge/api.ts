// The trigger API as a web-standard handler: `fetch(Request) → Response`, JSON in and out.
// Its module graph imports no Node module and no Temporal SDK package, so it runs unchanged on
// Deno, Node, Bun and Workers (src/edge/deno.ts, `remote-trigger serve`).
import { defaultTriggerId } from '../options/trigger-id.js';
import type { Config } from '../options/config-schema.js';
import { OptionsError } from '../options/errors.js';
import { LIMITS } from '../options/limits.js';
import { FailureTypes } from '../contract/failures.js';
import { LISTED_WORKFLOW_TYPES, WORKFLOW_TYPES } from '../contract/names.js';
import { BUILD_STATUSES } from '../contract/results.js';
import type { TriggerState } from '../contract/state.js';
import type { TriggerInput } from '../contract/trigger-input.js';
import { type ApiToken, originAllowed, tokenChecker, tokenCovers } from './access.js';
import { BackendError, type TemporalBackend, traceContextOf } from './backend.js';
import { ApiError, errorResponse, json, readJson, sleep } from './http.js';
import { apiTriggerInput } from './input.js';
import { WORKFLOW_TYPE, triggerLookup } from './trigger-lookup.js';

export { MAX_BODY_BYTES } from './http.js';

export interface TriggerApiOptions {
  backend: TemporalBackend;
  /** Remote hosts, api.allowOrigins, notifyOrigins (temporal.yaml, parsed). */
  config: Config;
  /** Accepted bearer tokens. Empty with `auth: 'none'` only. */
  tokens: ApiToken[];
  /** 'none' turns authentication off (serve --no-auth, bound to localhost). */
  auth?: 'tokens' | 'none';
  taskQueue?: string;
  /** Upper bound of GET …/result?timeout (seconds); 60. */
  maxWaitSeconds?: number;
  /** How often the long poll looks at the trigger (ms). */
  pollMs?: number;
  /**
   * A path prefix in front of /v1 (e.g. '/trigger' for a Supabase Edge Function named
   * `trigger`, which receives /trigger/v1/...). Default: none.
   */
  basePath?: string;
}

export interface TriggerApi {
  fetch(request: Request): Promise<Response>;
}

const ARTIFACT_WORKFLOW_TYPE = WORKFLOW_TYPES.readArtifact;
const CONSOLE_WORKFLOW_TYPE = WORKFLOW_TYPES.readConsole;

type Route = { methods: Record<string, (req: Request, caller: ApiToken | null, params: string[]) => Promise<Response>> };

export function createTriggerApi(o: TriggerApiOptions): TriggerApi {
  const { backend, config } = o;
  const authOff = o.auth === 'none';
  if (!authOff && o.tokens.length === 0) throw new Error('createTriggerApi: no API token configured (pass tokens, or auth: "none" for a localhost-only server)');
  const checker = tokenChecker(o.tokens);
  const taskQueue = o.taskQueue ?? config.temporal.taskQueue;
  const maxWait = Math.min(60, o.maxWaitSeconds ?? 60);
  const pollMs = o.pollMs ?? 500;
  const basePath = (o.basePath ?? '').replace(/\/+$/, '');
  const { execution, stateOf, readThroughWorker } = triggerLookup(backend, config);

  async function authenticate(req: Request): Promise<ApiToken | null> {
    if (authOff) return null;
    const h = req.headers.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    const t = m ? await checker.check(m[1]!) : null;
    if (!t) throw new ApiError(401, 'Unauthorized', 'a valid `Authorization: Bearer <token>` header is required', undefined, { 'www-authenticate': 'Bearer' });
    return t;
  }

  async function startTrigger(req: Request, caller: ApiToken | null): Promise<Response> {
    const body = await readJson(req, true);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, FailureTypes.InvalidOptions, 'the body must be {"id"?: string, "options": {...}}', '');
    const { id: rawId, options, ...extra } = body as Record<string, unknown>;
    const unknownKey = Object.keys(extra)[0];
    if (unknownKey !== undefined) throw new ApiError(400, FailureTypes.InvalidOptions, `unknown key '${unknownKey}' (the body is {"id"?, "options"})`, unknownKey);
    if (options === undefined) throw new ApiError(400, FailureTypes.InvalidOptions, 'options: required', 'options');
    if (rawId !== undefined && (typeof rawId !== 'string' || !validId(rawId))) {
      throw new ApiError(400, FailureTypes.InvalidOptions, `id: must be 1 to ${LIMITS.triggerId.maxLength} printable characters without '/'`, 'id');
    }
    const job = options && typeof options === 'object' && typeof (options as { job?: unknown }).job === 'string' ? (options as { job: string }).job : 'job';
    const id = (rawId as string | undefined) ?? defaultTriggerId(job);
    let input: TriggerInput;
    try {
      input = apiTriggerInput(options, { config, triggerId: id });
    } catch (e) {
      if (e instanceof OptionsError) throw new ApiError(400, FailureTypes.InvalidOptions, e.message, e.field);
      throw e;
    }
    if (!originAllowed(config, input.target.root)) {
      const field = /^https?:/i.test(input.job) ? 'job' : 'remoteJenkinsUrl';
      throw new ApiError(403, 'OriginNotAllowed', `${new URL(input.target.root).origin} is not a remote host of the configuration, nor in api.allowOrigins`, field);
    }
    for (const [i, n] of (input.notify ?? []).entries()) {
      const origin = new URL(n.url).origin;
      if (!config.notifyOrigins.some((u) => new URL(u).origin === origin)) {
        throw new ApiError(403, 'OriginNotAllowed', `notify: ${origin} is not in the configuration's notifyOrigins`, `notify[${i}].url`);
      }
    }
    if (caller && !tokenCovers(caller, config, { jobUrl: input.target.jobUrl, hostName: input.target.hostName })) {
      throw new ApiError(403, 'Forbidden', 'this token may not trigger this job on this host', 'job');
    }
    const { started } = await backend.start({
      id,
      workflowType: WORKFLOW_TYPE,
      taskQueue,
      input,
      memo: { job: input.job, jobUrl: input.target.jobUrl, remoteHost: input.target.hostName },
      attach: true,
      trace: traceContextOf(req.headers),
    });
    const ex = await execution(id, caller);
    let state: TriggerState | null = null;
    try {
      state = (await stateOf(ex)).state;
    } catch (e) {
      // Started, but no worker answered yet: the trigger is durable; the caller polls.
      if (!(e instanceof ApiError && e.status === 503)) throw e;
    }
    return json(started ? 201 : 200, { id, state }, started ? { location: `/v1/triggers/${encodeURIComponent(id)}` } : {});
  }

  async function getTrigger(_req: Request, caller: ApiToken | null, [id]: string[]): Promise<Response> {
    const ex = await execution(id!, caller);
    const { state, closed } = await stateOf(ex);
    return json(200, { id, state, closed });
  }

  async function result(req: Request, caller: ApiToken | null, [id]: string[]): Promise<Response> {
    const raw = new URL(req.url).searchParams.get('timeout');
    const seconds = raw === null ? maxWait : Number(raw);
    if (!Number.isFinite(seconds) || seconds < 0) throw new ApiError(400, 'InvalidRequest', 'timeout: must be a number of seconds ≥ 0', 'timeout');
    const deadline = Date.now() + Math.min(seconds, maxWait) * 1000;
    let ex = await execution(id!, caller);
    while (ex.status === 'RUNNING' && Date.now() < deadline) {
      await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
      ex = (await backend.describe(id!)) ?? ex;
    }
    const { state, closed } = await stateOf(ex);
    return json(closed ? 200 : 202, { id, state, closed });
  }

  async function abort(req: Request, caller: ApiToken | null, [id]: string[]): Promise<Response> {
    const body = await readJson(req, false);
    const reason = body && typeof body === 'object' && typeof (body as { reason?: unknown }).reason === 'string' ? (body as { reason: string }).reason : 'aborted through the API';
    const ex = await execution(id!, caller);
    if (ex.status !== 'RUNNING') return json(200, { id, ...(await stateOf(ex)) });
    try {
      const state = (await backend.update(id!, 'abortAndWait', [reason], `abort-${crypto.randomUUID()}`)) as TriggerState;
      return json(200, { id, state, closed: false });
    } catch (e) {
      // It closed between the look and the update: its final state is the answer.
      const again = await backend.describe(id!);
      if (again && again.status !== 'RUNNING') return json(200, { id, ...(await stateOf(again)) });
      throw e;
    }
  }

  async function artifact(_req: Request, caller: ApiToken | null, [id, path]: string[]): Promise<Response> {
    if (!path || path.split('/').some((s) => s === '' || s === '.' || s === '..')) throw new ApiError(400, 'InvalidRequest', 'the artifact path must be relative, without empty, . or .. segments', 'path');
    const out = await readThroughWorker(id!, caller, { kind: 'artifact', workflowType: ARTIFACT_WORKFLOW_TYPE }, { path });
    if (!out) throw new ApiError(504, 'ArtifactTimeout', `no worker read '${path}' within 90 s`);
    if (out.status === 'COMPLETED') {
      const r = out.result as { body: string; contentType: string | null };
      return new Response(r.body, { status: 200, headers: { 'content-type': r.contentType ?? 'application/octet-stream', 'cache-control': 'no-store' } });
    }
    if (out.failure?.type === FailureTypes.ArtifactNotFound) throw new ApiError(404, FailureTypes.ArtifactNotFound, out.failure.message);
    throw new ApiError(502, out.failure?.type ?? 'ArtifactReadFailed', out.failure?.message ?? `reading '${path}' ended ${out.status}`);
  }

  /**
   * The remote console from byte `start` on, read through the worker (workflow readBuildConsole),
   * so the caller needs no Jenkins credentials. The body is the bytes as Jenkins sent them;
   * `X-Text-Size` is the `start` of the next read and `X-More-Data` says whether the log may
   * still grow, as in Jenkins' progressiveText: no byte is lost or repeated across calls.
   */
  async function consoleRead(req: Request, caller: ApiToken | null, [id]: string[]): Promise<Response> {
    const start = new URL(req.url).searchParams.get('start') ?? '0';
    if (!/^\d{1,15}$/.test(start)) throw new ApiError(400, 'InvalidRequest', 'start: a byte offset (0, or the X-Text-Size of the previous read)', 'start');
    const out = await readThroughWorker(id!, caller, { kind: 'console', workflowType: CONSOLE_WORKFLOW_TYPE }, { start });
    if (!out) throw new ApiError(504, 'ConsoleTimeout', `no worker read the console of '${id}' within 90 s`);
    if (out.status !== 'COMPLETED') throw new ApiError(502, out.failure?.type ?? FailureTypes.ConsoleUnavailable, out.failure?.message ?? `reading the console ended ${out.status}`);
    const r = out.result as { data: string; encoding: 'base64' | 'gzip+base64'; next: string; more: boolean };
    const packed = Uint8Array.from(atob(r.data), (c) => c.charCodeAt(0));
    const bytes = r.encoding === 'gzip+base64' ? new Uint8Array(await new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer()) : packed;
    return new Response(bytes, {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-text-size': r.next, 'x-more-data': String(r.more) },
    });
  }

  async function list(req: Request, caller: ApiToken | null): Promise<Response> {
    const q = new URL(req.url).searchParams;
    const limitRaw = q.get('limit');
    const limit = limitRaw === null ? 20 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiError(400, 'InvalidRequest', 'limit: must be a whole number from 1 to 1000', 'limit');
    // The filters are the trigger's search attributes (README "Finding triggers"; registered by
    // the embedded server and by `remote-trigger setup`).
    const status = q.get('status');
    if (status !== null && !(BUILD_STATUSES as readonly string[]).includes(status.toUpperCase())) throw new ApiError(400, 'InvalidRequest', `status: one of ${BUILD_STATUSES.join(', ')}`, 'status');
    const result = q.get('result');
    if (result !== null && !/^[A-Za-z_]+$/.test(result)) throw new ApiError(400, 'InvalidRequest', 'result: a Jenkins result such as SUCCESS or FAILURE', 'result');
    const job = q.get('job');
    const parts = [`(${LISTED_WORKFLOW_TYPES.map((t) => `WorkflowType = '${t}'`).join(' OR ')})`];
    if (job !== null) parts.push(`RemoteJob = ${quoteQueryValue(job)}`);
    if (status !== null) parts.push(`RemoteBuildStatus = '${status.toUpperCase()}'`);
    if (result !== null) parts.push(`RemoteBuildResult = '${result.toUpperCase()}'`);
    const query = parts.join(' AND ');
    // A token limited to some hosts or jobs sees only its own: ask for more and filter here.
    const filtered = caller !== null && (caller.remoteHosts !== undefined || caller.jobs !== undefined);
    const found = await backend.list(query, filtered ? 1000 : limit);
    const rows = found
      .filter((e) => !caller || !(caller.remoteHosts || caller.jobs) || (typeof e.memo.jobUrl === 'string' && tokenCovers(caller, config, { jobUrl: e.memo.jobUrl, hostName: e.memo.remoteHost as string | null })))
      .slice(0, limit)
      .map((e) => ({ id: e.id, job: e.memo.job ?? null, jobUrl: e.memo.jobUrl ?? null, status: e.status, startTime: e.startTime, closeTime: e.closeTime }));
    return json(200, { triggers: rows });
  }

  async function health(): Promise<Response> {
    const ok = await backend.health();
    return json(ok ? 200 : 503, { ok, temporal: ok ? 'reachable' : 'unreachable' });
  }

  const routes: Array<{ pattern: RegExp; route: Route }> = [
    { pattern: /^\/v1\/health$/, route: { methods: { GET: health } } },
    { pattern: /^\/v1\/triggers$/, route: { methods: { POST: startTrigger, GET: list } } },
    { pattern: /^\/v1\/triggers\/([^/]+)$/, route: { methods: { GET: getTrigger } } },
    { pattern: /^\/v1\/triggers\/([^/]+)\/result$/, route: { methods: { GET: result } } },
    { pattern: /^\/v1\/triggers\/([^/]+)\/abort$/, route: { methods: { POST: abort } } },
    { pattern: /^\/v1\/triggers\/([^/]+)\/artifacts\/(.+)$/, route: { methods: { GET: artifact } } },
    { pattern: /^\/v1\/triggers\/([^/]+)\/console$/, route: { methods: { GET: consoleRead } } },
  ];

  return {
    async fetch(req: Request): Promise<Response> {
      try {
        const url = new URL(req.url);
        const pathname = basePath && url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : url.pathname;
        const hit = routes.map((r) => ({ r, m: r.pattern.exec(pathname) })).find((x) => x.m);
        if (!hit) throw new ApiError(404, FailureTypes.NotFound, `no route ${url.pathname}`);
        const method = req.method === 'HEAD' ? 'GET' : req.method;
        const handler = hit.r.route.methods[method];
        if (!handler) throw new ApiError(405, 'MethodNotAllowed', `${req.method} is not allowed on ${pathname}`, undefined, { allow: Object.keys(hit.r.route.methods).join(', ') });
        // Health tells a load balancer whether Temporal answers; everything else needs a token.
        const caller = hit.r.pattern.source.includes('health') ? null : await authenticate(req);
        let params: string[];
        try {
          params = hit.m!.slice(1).map((p) => decodeURIComponent(p));
        } catch {
          throw new ApiError(400, 'InvalidRequest', 'malformed %-escape in the path');
        }
        return await handler(req, caller, params);
      } catch (e) {
        if (e instanceof ApiError) return errorResponse(e);
        if (e instanceof BackendError) {
          const status = e.kind === 'unavailable' ? 503 : e.kind === 'no-worker' ? 503 : e.kind === 'not-found' ? 404 : 502;
          return errorResponse(new ApiError(status, e.kind === 'no-worker' ? FailureTypes.NoWorker : 'TemporalError', e.message));
        }
        return errorResponse(new ApiError(500, 'InternalError', 'internal error'));
      }
    },
  };
}

function validId(id: string): boolean {
  // eslint-disable-next-line no-control-regex
  return id.length >= 1 && id.length <= LIMITS.triggerId.maxLength && !id.includes('/') && !/[\u0000-\u001f\u007f]/.test(id);
}

/** A string literal of Temporal's visibility query language: quoted, never spliced raw. */
function quoteQueryValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
