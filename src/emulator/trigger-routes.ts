// The trigger endpoints (docs/jenkins.md §7): /build, /buildWithParameters and the Build Token
// Root plugin's /buildByToken/…, with Jenkins' checks in Jenkins' order.
import type { Cause, JobState, ParamValue } from './entities.js';
import { defaultString, jobUrl } from './json.js';
import type { Model } from './model.js';
import { type Ctx, denied, fail, param, sameSecret, values } from './request.js';
import { errorPage, htmlReply, notFoundPage, oopsPage, redirect, requirePostPage, type Reply } from './responses.js';
import type { Security } from './security.js';
import type { BuildScript, EmulatorScenario } from './types.js';

/** TimeDuration.fromString: a bare number is milliseconds, "NNsec"/"NNsecs" seconds; anything else throws (500). */
export function parseDelay(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+)\s*(secs?)?\s*$/.exec(raw);
  if (!m) return fail(oopsPage());
  return Number(m[1]) * (m[2] ? 1000 : 1);
}

export class TriggerRoutes {
  constructor(
    private readonly model: Model,
    private readonly security: Security,
    private readonly scenario: EmulatorScenario,
    /** Advertised root, no trailing slash. */
    private readonly root: () => string,
  ) {}

  /** Build Token Root: /buildByToken/build|buildWithParameters?job=<full name>&token=… */
  buildByToken(ctx: Ctx): Reply {
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

  /**
   * BuildAuthorizationToken.checkPermission. A correct job token skips both the Build permission
   * and the POST-only rule; a wrong one is a 403 even for users who could build anyway.
   */
  private checkBuildPermission(ctx: Ctx, job: JobState): { viaToken: boolean } {
    const provided = param(ctx, 'token');
    if (job.def.token !== undefined && provided !== undefined) {
      if (sameSecret(provided, job.def.token)) return { viaToken: true };
      denied(ctx, 'hudson.model.Item.Build', 'Invalid token provided.');
    }
    if (!this.security.canBuild(ctx.identity)) denied(ctx, 'hudson.model.Item.Build');
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
  doBuild(ctx: Ctx, job: JobState): Reply {
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
  doBuildWithParameters(ctx: Ctx, job: JobState): Reply {
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
}
