// The Jenkins URL space the emulator answers (docs/jenkins.md §1): the request pipeline
// (authentication, CSRF filter, read check) and every route but the trigger endpoints
// (trigger-routes.ts).
import type { Build, JobState } from './entities.js';
import { buildJson, buildUrl, computerJson, folderJson, jobJson, queueItemJson, queueJson, rootJson } from './json.js';
import type { Model } from './model.js';
import { type Ctx, denied, fail, header, isRead, type JenkinsRequest, param } from './request.js';
import { emptyReply, errorPage, htmlReply, jsonReply, notFoundPage, redirect, ReplyError, requirePostPage, textReply, type Reply } from './responses.js';
import type { Security } from './security.js';
import { TriggerRoutes } from './trigger-routes.js';
import { buildListSelection } from './build-ranges.js';
import type { EmulatorScenario } from './types.js';

export type { JenkinsRequest } from './request.js';

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
  private readonly triggers: TriggerRoutes;

  constructor(
    private readonly model: Model,
    private readonly security: Security,
    scenario: EmulatorScenario,
    /** Advertised root, no trailing slash. */
    private readonly root: () => string,
  ) {
    this.triggers = new TriggerRoutes(model, security, scenario, root);
  }

  /** Whole request pipeline in Jenkins' order: authentication, CSRF filter, read check, dispatch. */
  handle(req: JenkinsRequest): Reply {
    try {
      if (req.pathname.includes('//')) return errorPage(400, "API requests can't contain double slashes", req.pathname);
      const auth = this.security.authenticate(header(req, 'authorization'));
      if (!auth.ok) return errorPage(401, auth.message, req.pathname, { 'WWW-Authenticate': 'Basic realm="Jenkins"' });
      const ctx: Ctx = { ...req, identity: auth.identity };
      // The Build Token Root plugin's action is exempt from CSRF and from the read check: that
      // is what it is for (triggering with only a job token).
      if (ctx.pathname.startsWith('/buildByToken/')) return this.triggers.buildByToken(ctx);
      if (ctx.method === 'POST') {
        const field = this.security.crumbField;
        const crumb = header(ctx, field) ?? param(ctx, field);
        if (!this.security.crumbAccepted(ctx.identity, header(ctx, 'cookie'), crumb)) {
          return errorPage(403, 'No valid crumb was included in the request', ctx.pathname);
        }
      }
      const segments = this.segments(ctx.pathname);
      if (segments[0] !== 'login' && !this.security.canRead(ctx.identity)) {
        return denied(ctx, 'hudson.model.Hudson.Read');
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

  private dispatch(ctx: Ctx, s: string[]): Reply {
    const [first, ...rest] = s;
    const path = s.join('/');
    if (first === undefined) return htmlReply('<!DOCTYPE html><html><head><title>Dashboard [Jenkins]</title></head><body>Jenkins emulator</body></html>');
    if (first === 'job') return this.walkJobs(ctx, s);
    if (first === 'login') return htmlReply('<!DOCTYPE html><html><head><title>Sign in [Jenkins]</title></head><body><form method="post" action="j_spring_security_check"></form></body></html>');
    if (path === 'api/json' && isRead(ctx)) return jsonReply(rootJson(this.model, this.root(), this.security.csrfEnabled));
    if (path === 'computer/api/json' && isRead(ctx)) return jsonReply(computerJson(this.model));
    if (first === 'crumbIssuer') return this.crumbIssuer(ctx, rest);
    if (first === 'queue') return this.queue(ctx, rest);
    return notFoundPage();
  }

  private crumbIssuer(ctx: Ctx, rest: string[]): Reply {
    // Without a crumb issuer the URL does not resolve at all, which is what clients probe for.
    if (!this.security.csrfEnabled || !isRead(ctx)) return notFoundPage();
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
    if (path === 'api/json' && isRead(ctx)) return jsonReply(queueJson(this.model, this.root()));
    if (path === 'cancelItem') return this.cancelItem(ctx);
    if (rest[0] === 'item' && rest[1] !== undefined && /^\d+$/.test(rest[1])) {
      const item = this.model.item(Number(rest[1]));
      if (!item) return notFoundPage();
      const sub = rest.slice(2).join('/');
      if (sub === 'api/json' && isRead(ctx)) return jsonReply(queueItemJson(this.model, item, this.root()));
      if (sub === '' && isRead(ctx)) {
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
    if (rest === 'api/json' && isRead(ctx)) return jsonReply(folderJson(this.model, fullName, this.root()));
    if (rest === '' && isRead(ctx)) return htmlReply(`<!DOCTYPE html><html><head><title>${fullName} [Jenkins]</title></head><body></body></html>`);
    return notFoundPage();
  }

  private jobRoute(ctx: Ctx, job: JobState, rest: string[]): Reply {
    const [first, ...more] = rest;
    if (first === undefined && isRead(ctx)) {
      return htmlReply(`<!DOCTYPE html><html><head><title>${job.fullName} [Jenkins]</title></head><body><h1>Project ${job.shortName}</h1></body></html>`);
    }
    if (first === 'api' && more.join('/') === 'json' && isRead(ctx)) {
      return jsonReply(jobJson(this.model, job, this.root(), buildListSelection(param(ctx, 'tree'))));
    }
    if (first === 'build' && more.length === 0) return this.triggers.doBuild(ctx, job);
    if (first === 'buildWithParameters' && more.length === 0) return this.triggers.doBuildWithParameters(ctx, job);
    if (first !== undefined) {
      const pick = PERMALINKS[first];
      const build = /^\d+$/.test(first) ? job.build(Number(first)) : pick ? job.builds.find(pick) : undefined;
      if (build) return this.buildRoute(ctx, build, more);
    }
    return notFoundPage();
  }

  private buildRoute(ctx: Ctx, build: Build, rest: string[]): Reply {
    const path = rest.join('/');
    const read = isRead(ctx);
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
    if (!this.security.canBuild(ctx.identity)) denied(ctx, 'hudson.model.Item.Cancel');
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
