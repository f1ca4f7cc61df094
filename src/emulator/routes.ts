import { timingSafeEqual } from 'node:crypto';
import { buildListSelection } from './build-ranges.js';
import type { IncomingHttpHeaders } from 'node:http';
import {
  buildJson,
  buildUrl,
  computerJson,
  defaultString,
  folderJson,
  jobJson,
  jobUrl,
  queueItemJson,
  queueJson,
  rootJson,
} from './json.js';
import type { Build, Cause, JobState, Model, ParamValue } from './model.js';
import {
  emptyReply,
  errorPage,
  htmlReply,
  jsonReply,
  loginRedirectPage,
  notFoundPage,
  oopsPage,
  redirect,
  ReplyError,
  requirePostPage,
  textReply,
  type Reply,
} from './responses.js';
import type { Identity, Security } from './security.js';
import type { BuildScript, EmulatorScenario } from './types.js';

/** A parsed request, independent of node:http so handlers stay synchronous and testable. */
export interface JenkinsRequest {
  method: string;
  /** Raw (still percent-encoded) pathname. */
  pathname: string;
  query: URLSearchParams;
  /** Non-file fields of an urlencoded or multipart body. */
  form: URLSearchParams;
  files: Map<string, { fileName: string; content: string }>;
  headers: IncomingHttpHeaders;
  remoteAddr: string;
}

interface Ctx extends JenkinsRequest {
  identity: Identity;
}

/** Stapler's getParameterValues: query string and body together. */
function values(ctx: JenkinsRequest, name: string): string[] {
  return [...ctx.query.getAll(name), ...ctx.form.getAll(name)];
}

function param(ctx: JenkinsRequest, name: string): string | undefined {
  return values(ctx, name)[0];
}

function header(ctx: JenkinsRequest, name: string): string | undefined {
  const v = ctx.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const fail = (reply: Reply): never => {
  throw new ReplyError(reply);
};

/** TimeDuration.fromString: a bare number is milliseconds, "NNsec"/"NNsecs" seconds; anything else throws (500). */
export function parseDelay(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+)\s*(secs?)?\s*$/.exec(raw);
  if (!m) return fail(oopsPage());
  return Number(m[1]) * (m[2] ? 1000 : 1);
}

const PERMALINKS: Record<string, (b: Build) => boolean> = {
  lastBuild: () => true,
  lastCompletedBuild: (b) => !b.building,
  lastSuccessfulBuild: (b) => !b.building && (b.result === 'SUCCESS' || b.result === 'UNSTABLE'),
  lastStableBuild: (b) => !b.building && b.result === 'SUCCESS',
  lastFailedBuild: (b) => !b.building && b.result === 'FAILURE',
  lastUnstableBuild: (b) => !b.building && b.result === 'UNSTABLE',
  lastUnsuccessfulBuild: (b) => !b.building && b.result !== 'SUCCESS',
};

const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  txt: 'text/plain',
  log: 'text/plain',
  html: 'text/html',
  xml: 'application/xml',
  zip: 'application/zip',
};

export class JenkinsRoutes {
  constructor(
    private readonly model: Model,
    private readonly security: Security,
    private readonly scenario: EmulatorScenario,
    /** Advertised root, no trailing slash. */
    private readonly root: () => string,
  ) {}

  /** Whole request pipeline in Jenkins' order: authentication, CSRF filter, read check, dispatch. */
  handle(req: JenkinsRequest): Reply {
    try {
      if (req.pathname.includes('//')) return errorPage(400, "API requests can't contain double slashes", req.pathname);
      const auth = this.security.authenticate(header(req, 'authorization'));
      if (!auth.ok) return errorPage(401, auth.message, req.pathname, { 'WWW-Authenticate': 'Basic realm="Jenkins"' });
      const ctx: Ctx = { ...req, identity: auth.identity };
      // The Build Token Root plugin's action is exempt from CSRF and from the read check: that
      // is what it is for (triggering with only a job token).
      if (ctx.pathname.startsWith('/buildByToken/')) return this.buildByToken(ctx);
      if (ctx.method === 'POST') {
        const field = this.security.crumbField;
        const crumb = header(ctx, field) ?? param(ctx, field);
        if (!this.security.crumbAccepted(ctx.identity, header(ctx, 'cookie'), crumb)) {
          return errorPage(403, 'No valid crumb was included in the request', ctx.pathname);
        }
      }
      const segments = this.segments(ctx.pathname);
      if (segments[0] !== 'login' && !this.security.canRead(ctx.identity)) {
        return this.denied(ctx, 'hudson.model.Hudson.Read');
      }
      return this.dispatch(ctx, segments);
    } catch (error) {
      if (error instanceof ReplyError) return error.reply;
      throw error;
    }
  }

  /** Path segments, each URL-decoded exactly once (so `feature%252Ffoo` names the job `feature%2Ffoo`). */
  private segments(pathname: string): string[] {
    const raw = pathname.split('/').slice(1);
    if (raw[raw.length - 1] === '') raw.pop();
    try {
      return raw.map((s) => decodeURIComponent(s));
    } catch {
      return fail(errorPage(400, 'Unable to decode URI', pathname));
    }
  }

  private denied(ctx: Ctx, permission: string, message = 'Access denied'): never {
    if (ctx.identity.user === null) fail(loginRedirectPage(ctx.pathname, permission));
    return fail(
      htmlReply(`<!DOCTYPE html><html><head><title>Access Denied [Jenkins]</title></head><body><h1>Access Denied</h1><p>${message}</p></body></html>`, 403, {
        'X-You-Are-Authenticated-As': ctx.identity.user ?? 'anonymous',
        'X-Required-Permission': permission,
      }),
    );
  }

  private isRead(ctx: Ctx): boolean {
    return ctx.method === 'GET' || ctx.method === 'HEAD';
  }

  private dispatch(ctx: Ctx, s: string[]): Reply {
    const [first, ...rest] = s;
    const path = s.join('/');
    if (first === undefined) return htmlReply('<!DOCTYPE html><html><head><title>Dashboard [Jenkins]</title></head><body>Jenkins emulator</body></html>');
    if (first === 'job') return this.walkJobs(ctx, s);
    if (first === 'login') return htmlReply('<!DOCTYPE html><html><head><title>Sign in [Jenkins]</title></head><body><form method="post" action="j_spring_security_check"></form></body></html>');
    if (path === 'api/json' && this.isRead(ctx)) return jsonReply(rootJson(this.model, this.root(), this.security.csrfEnabled));
    if (path === 'computer/api/json' && this.isRead(ctx)) return jsonReply(computerJson(this.model));
    if (first === 'crumbIssuer') return this.crumbIssuer(ctx, rest);
    if (first === 'queue') return this.queue(ctx, rest);
    return notFoundPage();
  }

  /** Build Token Root: /buildByToken/build|buildWithParameters?job=<full name>&token=… */
  private buildByToken(ctx: Ctx): Reply {
    const endpoint = ctx.pathname.slice('/buildByToken/'.length).replace(/\/$/, '');
    const jobParam = param(ctx, 'job') ?? '';
    // The plugin sends the job as configured: a full name, or (wrongly, but it happens) a job URL.
    const name = /^https?:\/\//i.test(jobParam)
      ? new URL(jobParam).pathname.split('/job/').slice(1).map((seg) => decodeURIComponent(seg.replace(/\/$/, ''))).join('/')
      : jobParam;
    const job = this.model.jobs.get(name);
    if (!job) return errorPage(404, `No such job ${name}`, ctx.pathname);
    const token = param(ctx, 'token');
    if (!job.def.token || token === undefined || !sameSecret(token, job.def.token)) {
      return errorPage(403, 'Invalid token provided.', ctx.pathname);
    }
    if (endpoint === 'build') return this.doBuild(ctx, job);
    if (endpoint === 'buildWithParameters') return this.doBuildWithParameters(ctx, job);
    return notFoundPage();
  }

  private crumbIssuer(ctx: Ctx, rest: string[]): Reply {
    // Without a crumb issuer the URL does not resolve at all, which is what clients probe for.
    if (!this.security.csrfEnabled || !this.isRead(ctx)) return notFoundPage();
    const path = rest.join('/');
    if (path !== 'api/json' && path !== 'api/xml') return notFoundPage();
    const headers: Record<string, string> = {};
    let session = this.security.sessionOf(header(ctx, 'cookie'));
    if (!session) {
      session = this.security.newSession();
      headers['Set-Cookie'] = `${this.security.cookieName}=${session}; Path=/; HttpOnly`;
    }
    const crumb = this.security.crumbFor(ctx.identity, session);
    const field = this.security.crumbField;
    let reply: Reply;
    if (path === 'api/json') {
      reply = jsonReply({ _class: 'hudson.security.csrf.DefaultCrumbIssuer', crumb, crumbRequestField: field });
    } else if (param(ctx, 'xpath') !== undefined) {
      // CrumbIssuer.RestrictedApi special-cases the concat(...) xpath and answers plain text.
      reply = textReply(`${field}:${crumb}`);
    } else {
      reply = {
        status: 200,
        headers: { 'Content-Type': 'application/xml;charset=UTF-8' },
        body: `<defaultCrumbIssuer _class='hudson.security.csrf.DefaultCrumbIssuer'><crumb>${crumb}</crumb><crumbRequestField>${field}</crumbRequestField></defaultCrumbIssuer>`,
      };
    }
    Object.assign(reply.headers, headers);
    return reply;
  }

  private queue(ctx: Ctx, rest: string[]): Reply {
    const path = rest.join('/');
    if (path === 'api/json' && this.isRead(ctx)) return jsonReply(queueJson(this.model, this.root()));
    if (path === 'cancelItem') return this.cancelItem(ctx);
    if (rest[0] === 'item' && rest[1] !== undefined && /^\d+$/.test(rest[1])) {
      const item = this.model.item(Number(rest[1]));
      if (!item) return notFoundPage();
      const sub = rest.slice(2).join('/');
      if (sub === 'api/json' && this.isRead(ctx)) return jsonReply(queueItemJson(this.model, item, this.root()));
      if (sub === '' && this.isRead(ctx)) {
        return textReply(`Queue item exists. For details check, for example, ${ctx.pathname.replace(/\/?$/, '/')}api/json?tree=cancelled,executable[url]`);
      }
    }
    return notFoundPage();
  }

  private cancelItem(ctx: Ctx): Reply {
    if (ctx.method !== 'POST') return requirePostPage();
    const raw = param(ctx, 'id') ?? '0';
    const id = /^\d+$/.test(raw) ? Number(raw) : 0;
    const item = this.model.item(id);
    if (!item) return errorPage(404, `Provided id (${id}) not found`, ctx.pathname);
    if (!this.security.canBuild(ctx.identity)) return errorPage(422, `Item for id (${id}) is not cancellable`, ctx.pathname);
    const outcome = this.model.cancel(id);
    if (outcome === 'alreadyLeft') return errorPage(500, `Could not cancel run for id ${id}`, ctx.pathname);
    return emptyReply(204);
  }

  /** /job/A/job/B/...: folders are walked until a segment names a job. */
  private walkJobs(ctx: Ctx, s: string[]): Reply {
    let fullName = '';
    let i = 0;
    while (s[i] === 'job' && s[i + 1] !== undefined) {
      fullName = fullName ? `${fullName}/${s[i + 1]}` : s[i + 1]!;
      i += 2;
      const job = this.model.jobs.get(fullName);
      if (job) return this.jobRoute(ctx, job, s.slice(i));
      if (!this.model.isFolder(fullName)) return notFoundPage();
    }
    if (fullName === '') return notFoundPage();
    const rest = s.slice(i).join('/');
    if (rest === 'api/json' && this.isRead(ctx)) return jsonReply(folderJson(this.model, fullName, this.root()));
    if (rest === '' && this.isRead(ctx)) return htmlReply(`<!DOCTYPE html><html><head><title>${fullName} [Jenkins]</title></head><body></body></html>`);
    return notFoundPage();
  }

  private jobRoute(ctx: Ctx, job: JobState, rest: string[]): Reply {
    const [first, ...more] = rest;
    if (first === undefined && this.isRead(ctx)) {
      return htmlReply(`<!DOCTYPE html><html><head><title>${job.fullName} [Jenkins]</title></head><body><h1>Project ${job.shortName}</h1></body></html>`);
    }
    if (first === 'api' && more.join('/') === 'json' && this.isRead(ctx)) {
      return jsonReply(jobJson(this.model, job, this.root(), buildListSelection(param(ctx, 'tree'))));
    }
    if (first === 'build' && more.length === 0) return this.doBuild(ctx, job);
    if (first === 'buildWithParameters' && more.length === 0) return this.doBuildWithParameters(ctx, job);
    if (first !== undefined) {
      const pick = PERMALINKS[first];
      const build = /^\d+$/.test(first) ? job.build(Number(first)) : pick ? job.builds.find(pick) : undefined;
      if (build) return this.buildRoute(ctx, build, more);
    }
    return notFoundPage();
  }

  /**
   * BuildAuthorizationToken.checkPermission. A correct job token skips both the Build permission
   * and the POST-only rule; a wrong one is a 403 even for users who could build anyway.
   */
  private checkBuildPermission(ctx: Ctx, job: JobState): { viaToken: boolean } {
    const provided = param(ctx, 'token');
    if (job.def.token !== undefined && provided !== undefined) {
      if (sameSecret(provided, job.def.token)) return { viaToken: true };
      this.denied(ctx, 'hudson.model.Item.Build', 'Invalid token provided.');
    }
    if (!this.security.canBuild(ctx.identity)) this.denied(ctx, 'hudson.model.Item.Build');
    if (ctx.method === 'POST' || ctx.identity.viaApiToken) return { viaToken: false };
    return fail(requirePostPage());
  }

  private causeOf(ctx: Ctx, viaToken: boolean): Cause {
    if (viaToken) {
      const note = param(ctx, 'cause');
      return { kind: 'remote', addr: ctx.remoteAddr, ...(note ? { note } : {}) };
    }
    return { kind: 'user', userId: ctx.identity.user, userName: ctx.identity.user ?? 'anonymous' };
  }

  /** The build script: the one named by the script parameter if it exists, else the job's. */
  private scriptFor(ctx: Ctx, job: JobState, params: ParamValue[] | null): BuildScript {
    const name = this.scenario.scriptParameter ?? 'EMULATOR_SCRIPT';
    const requested = param(ctx, name) ?? params?.find((p) => p.name === name)?.value;
    if (requested) {
      const script = this.scenario.scripts?.[requested];
      if (script) return script;
    }
    return job.def.build ?? {};
  }

  private queueLocation(id: number): string {
    return `${this.root()}/queue/item/${id}/`;
  }

  /** ParameterizedJobMixIn.doBuild, checks in Jenkins' order (docs/jenkins.md §7.1). */
  private doBuild(ctx: Ctx, job: JobState): Reply {
    if (job.def.disabled) return errorPage(409, `${job.fullName} is not buildable`, ctx.pathname);
    if (job.parameterized && ctx.method !== 'POST') {
      return htmlReply(`<!DOCTYPE html><html><head><title>${job.fullName} [Jenkins]</title></head><body><h1>This build requires parameters:</h1><form method="post" action="build"></form></body></html>`);
    }
    const { viaToken } = this.checkBuildPermission(ctx, job);
    const delay = parseDelay(param(ctx, 'delay'));
    const cause = this.causeOf(ctx, viaToken);
    if (!job.parameterized) {
      const { item } = this.model.schedule(job, null, cause, delay, this.scriptFor(ctx, job, null));
      // /build never answers 303, even when merged (the JENKINS-66105 TODO in core).
      return redirect(201, this.queueLocation(item.id));
    }
    const json = param(ctx, 'json');
    if (!json) {
      const anything = [...ctx.query.keys(), ...ctx.form.keys()].length > 0 || ctx.files.size > 0;
      return errorPage(400, anything ? 'This page expects a form submission' : 'Nothing is submitted', ctx.pathname);
    }
    const params = this.paramsFromJson(job, json);
    const { created } = this.model.schedule(job, params, cause, delay, this.scriptFor(ctx, job, params));
    // Location is the job URL (redirectTo defaults to ""), and a merge answers 302 (docs/jenkins.md §7.1).
    return redirect(created ? 201 : 302, jobUrl(this.root(), job.fullName));
  }

  /** The `json` form field of the UI form; only the listed parameters are used, no defaults. */
  private paramsFromJson(job: JobState, json: string): ParamValue[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return fail(oopsPage());
    }
    const raw = (parsed as { parameter?: unknown }).parameter;
    const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    return list.map((entry) => {
      const { name, value } = (entry ?? {}) as { name?: unknown; value?: unknown };
      const def = job.def.parameters?.find((p) => p.name === name);
      if (!def) return fail(oopsPage()); // "No such parameter definition"
      return this.coerce(def.type ?? 'string', def.name, value === undefined ? defaultString(def) : String(value), def.choices);
    });
  }

  private coerce(type: ParamValue['type'], name: string, value: string, choices?: string[]): ParamValue {
    if (type === 'boolean') return { name, type, value: String(value.toLowerCase() === 'true') };
    if (type === 'choice' && !(choices ?? []).includes(value)) return fail(oopsPage()); // "Illegal choice for parameter"
    return { name, type, value };
  }

  /** ParametersDefinitionProperty.buildWithParameters, checks in Jenkins' order (docs/jenkins.md §7.2). */
  private doBuildWithParameters(ctx: Ctx, job: JobState): Reply {
    const { viaToken } = this.checkBuildPermission(ctx, job);
    if (job.def.disabled) return errorPage(409, `${job.fullName} is not buildable`, ctx.pathname);
    if (!job.parameterized) return errorPage(400, `${job.fullName} is not parameterized`, ctx.pathname);
    const params: ParamValue[] = [];
    for (const def of job.def.parameters ?? []) {
      const type = def.type ?? 'string';
      if (type === 'file') {
        // A file parameter that was not uploaded is left out, as in Jenkins.
        const file = ctx.files.get(def.name);
        if (file) params.push({ name: def.name, type, value: file.content, fileName: file.fileName });
        continue;
      }
      const given = values(ctx, def.name);
      if (given.length > 1) return oopsPage(); // "Illegal number of parameter values"
      params.push(this.coerce(type, def.name, given[0] ?? defaultString(def), def.choices));
    }
    const delay = parseDelay(param(ctx, 'delay'));
    const cause = this.causeOf(ctx, viaToken);
    const { item, created } = this.model.schedule(job, params, cause, delay, this.scriptFor(ctx, job, params));
    return redirect(created ? 201 : 303, this.queueLocation(item.id));
  }

  private buildRoute(ctx: Ctx, build: Build, rest: string[]): Reply {
    const path = rest.join('/');
    const read = this.isRead(ctx);
    if (path === '' && read) return htmlReply(`<!DOCTYPE html><html><head><title>${build.job.fullName} #${build.number} [Jenkins]</title></head><body></body></html>`);
    if (path === 'api/json' && read) return jsonReply(buildJson(build, this.root()));
    if (path === 'consoleText' && read) return textReply(build.logBytes);
    if (path === 'logText/progressiveText' && (read || ctx.method === 'POST')) return this.progressiveText(ctx, build);
    if (path === 'stop') return this.stop(ctx, build);
    if ((path === 'term' || path === 'kill') && ctx.method === 'POST') {
      // Freestyle runs have no term/kill: Stapler redirects to term/ which then 404s.
      return redirect(302, `${buildUrl(this.root(), build)}${path}/`);
    }
    if (rest[0] === 'artifact' && read) return this.artifact(build, rest.slice(1).join('/'));
    return notFoundPage();
  }

  /** LargeText.doProgressTextImpl: X-Text-Size is the next byte offset; X-More-Data only while logging. */
  private progressiveText(ctx: Ctx, build: Build): Reply {
    const log = build.logBytes;
    if (log.length === 0) return textReply('', 200, { 'X-Text-Size': '0', 'X-More-Data': 'true' });
    const raw = Number.parseInt(param(ctx, 'start') ?? '0', 10);
    let start = Number.isFinite(raw) && raw > 0 ? raw : 0;
    if (start > log.length) start = 0; // "text rolled over"
    const headers: Record<string, string> = { 'X-Text-Size': String(log.length) };
    if (build.inProgress) headers['X-More-Data'] = 'true';
    return textReply(log.subarray(start), 200, headers);
  }

  private stop(ctx: Ctx, build: Build): Reply {
    if (ctx.method !== 'POST') return requirePostPage();
    if (!this.security.canBuild(ctx.identity)) this.denied(ctx, 'hudson.model.Item.Cancel');
    this.model.stop(build, ctx.identity.user ?? 'anonymous');
    // forwardToPreviousPage: the Referer if there is one, else "." = the build URL.
    return redirect(302, header(ctx, 'referer') ?? buildUrl(this.root(), build));
  }

  private artifact(build: Build, relativePath: string): Reply {
    const content = build.artifactsArchived ? build.script.artifacts?.[relativePath] : undefined;
    if (content === undefined) return notFoundPage();
    const ext = relativePath.slice(relativePath.lastIndexOf('.') + 1).toLowerCase();
    return { status: 200, headers: { 'Content-Type': CONTENT_TYPES[ext] ?? 'application/octet-stream' }, body: content };
  }
}
