import { ApplicationFailure, Context } from '@temporalio/activity';
import { JenkinsError, jobPathOf, type JenkinsClient } from '../jenkins/index.js';
import { describeAuth } from '../options/auth.js';
import { formatParameters, type ParameterList } from '../options/parameters.js';
import type { TriggerInput } from '../options/trigger-input.js';
import { type ActivityDeps, type SharedState, jenkinsFor, clientSettingsOf, toFailure } from './context.js';
import { resolveSecret } from './secrets.js';
import { FailureTypes, type JobFacts, type Triggered } from './types.js';

/** Job metadata (docs/jenkins.md §6): parameterized or not, and its names for the handle. */
export async function inspectJob(deps: ActivityDeps, shared: SharedState, input: TriggerInput): Promise<JobFacts> {
  const jenkins = jenkinsFor(input.target, clientSettingsOf(input), deps, shared, input.token);
  try {
    const info = await jenkins.getJobInfo(input.target.jobUrl);
    // Plugins subclass the core definitions (e.g. Base64FileParameterDefinition): match the suffix.
    const namesOfType = (type: string) => info.parameterDefinitions.filter((d) => d.type.endsWith(type)).map((d) => d.name);
    const facts: JobFacts = {
      jobUrl: input.target.jobUrl,
      name: info.name,
      fullName: info.fullName,
      displayName: info.displayName,
      fullDisplayName: info.fullDisplayName,
      parameterized: info.parameterized,
      hasMarkerParameter: info.parameterDefinitions.some((d) => d.name === input.target.markerParameter),
      fileParameters: namesOfType('FileParameterDefinition'),
      passwordParameters: namesOfType('PasswordParameterDefinition'),
      searchAttributes: [...(deps.searchAttributes ?? [])],
      waitHeartbeatTimeoutMs: deps.waitHeartbeatTimeoutMs,
    };
    for (const f of input.files) {
      if (!facts.fileParameters!.includes(f.name)) {
        throw ApplicationFailure.create({
          type: FailureTypes.JenkinsRejected,
          message: `The remote job ${facts.fullName} defines no file parameter '${f.name}' (its parameters: ${info.parameterDefinitions.map((d) => `${d.name}:${d.type}`).join(', ') || 'none'})`,
          nonRetryable: true,
        });
      }
    }
    const log = Context.current().log;
    log.info(`Triggering ${facts.parameterized ? 'parameterized' : 'non-parameterized'} remote job '${facts.jobUrl}'`);
    log.info(
      input.target.authSource === 'none'
        ? '  No credentials configured'
        : `  Using ${input.target.authSource === 'job' ? 'job-level' : 'globally'} defined ${describeAuth(input.target.auth)}`,
    );
    // Jenkins drops parameters a job does not define without a word (and a job with none gets
    // none): refuse them before the POST unless the caller said they are expected.
    const defined = info.parameterDefinitions.map((d) => d.name);
    const undefinedNames = input.parameters.map(([k]) => k).filter((k) => !defined.includes(k));
    if (undefinedNames.length > 0) {
      const what = facts.parameterized
        ? `does not define the parameter(s) ${undefinedNames.map((n) => `'${n}'`).join(', ')} (its parameters: ${defined.join(', ')})`
        : `is not parameterized; the parameter(s) ${undefinedNames.map((n) => `'${n}'`).join(', ')} would not be sent`;
      if (!input.allowUndefinedParameters) {
        throw ApplicationFailure.create({
          type: FailureTypes.JenkinsRejected,
          message: `The remote job ${facts.fullName} ${what}. Remove them, or set allowUndefinedParameters (--allow-undefined-parameters) to send them anyway.`,
          nonRetryable: true,
        });
      }
      log.warn(`The remote job ${what}; sent anyway (allowUndefinedParameters).`);
    }
    return facts;
  } catch (e) {
    throw toFailure(e);
  }
}

/**
 * Crumb + POST in one attempt; never re-sent blindly (docs/design.md §6.2).
 *
 * A first attempt just POSTs. When an attempt ends without a definite answer (timeout, reset
 * connection after the request went out, the worker died), Temporal runs the next attempt,
 * which first looks for what the earlier POST may have created: a queue item or build carrying
 * our marker parameter (the trigger id) when the job declares it, otherwise one of this job
 * with exactly our parameters that appeared since the first attempt. Only if none is found is
 * the POST sent again; Jenkins then still folds it into an identical queued item (303).
 */
export async function triggerBuild(deps: ActivityDeps, shared: SharedState, input: TriggerInput, job: JobFacts): Promise<Triggered> {
  const ctx = Context.current();
  const jenkins = jenkinsFor(input.target, clientSettingsOf(input), deps, shared, input.token);
  const parameters = parametersToSend(input, job);
  const token = input.token ? resolveSecret(input.token, deps.config, deps.env, deps.policy) : undefined;
  try {
    if (ctx.info.attempt > 1) {
      const found = await findEarlierTrigger(jenkins, input, job, parameters, ctx.info.scheduledTimestampMs);
      if (found) {
        ctx.log.info(`Found the build request of an earlier attempt (${found.recovered}): queue item ${found.queueId}`);
        return found;
      }
    }
    const masked = [...input.secretParameters, ...(job.passwordParameters ?? [])];
    ctx.log.info(`Triggering remote job now. parameters: ${formatParameters(parameters, masked)}`);
    const r = await jenkins.triggerBuild({
      jobUrl: job.jobUrl,
      parameterized: job.parameterized,
      parameters: job.parameterized ? parameters : [],
      files: input.files.map((f) => ({ name: f.name, fileName: f.fileName, content: Buffer.from(f.contentBase64, 'base64') })),
      token,
      buildTokenRoot: input.target.buildTokenRoot ? { job: input.job } : undefined,
    });
    if (r.merged) ctx.log.info(`Jenkins merged this request into queue item ${r.queueId}, which was already waiting.`);
    return { queueId: r.queueId, merged: r.merged, recovered: null };
  } catch (e) {
    if (!(e instanceof JenkinsError)) throw toFailure(e);
    if (e.requestSent === 'unknown') {
      // The POST may have been received: retry, and the next attempt looks before it posts.
      throw toFailure(e, { retryable: true, type: FailureTypes.TriggerAmbiguous });
    }
    // Jenkins answered. 502/503/504 (restarting, proxy) did not queue anything; other answers are final.
    const transient = e.requestSent === 'no' || (e.status !== undefined && [429, 502, 503, 504].includes(e.status));
    throw toFailure(e, { retryable: transient });
  }
}

function parametersToSend(input: TriggerInput, job: JobFacts): ParameterList {
  if (!job.hasMarkerParameter) return input.parameters;
  const marker = input.target.markerParameter;
  return [...input.parameters.filter(([k]) => k !== marker), [marker, input.triggerId]];
}

async function findEarlierTrigger(
  jenkins: JenkinsClient,
  input: TriggerInput,
  job: JobFacts,
  parameters: ParameterList,
  firstScheduledMs: number,
): Promise<Triggered | null> {
  // Clocks of worker and Jenkins differ; a minute of slack, and the parameters must match.
  const since = firstScheduledMs - 60_000;
  const marker = job.hasMarkerParameter ? input.target.markerParameter : null;
  // Jenkins drops parameters the job does not declare (SECURITY-170) and fills in defaults for
  // the ones it does, so a parameter missing from the item was dropped, not different: compare
  // only the names Jenkins kept. (Parameters of a non-parameterized job are not even sent.)
  const sent = job.parameterized ? parameters : [];
  const matches = (params: Record<string, string>) =>
    marker ? params[marker] === input.triggerId : sent.every(([k, v]) => !Object.hasOwn(params, k) || params[k] === v);
  const jobPath = jobPathOf(job.jobUrl, input.target.root);

  const queued = (await jenkins.listQueue()).find(
    (q) => q.jobUrl !== null && jobPathOf(q.jobUrl, input.target.root) === jobPath && q.inQueueSince >= since && matches(q.params),
  );
  if (queued) return { queueId: queued.id, merged: false, recovered: 'queue' };

  const build = (await jenkins.listBuilds(job.jobUrl, 50))
    .filter((b) => b.timestamp >= since && matches(b.parameters))
    .sort((a, b) => a.number - b.number)[0];
  if (build) {
    return {
      queueId: build.queueId ?? 0,
      merged: false,
      recovered: 'build',
      build: { buildNumber: build.number, buildUrl: build.url },
    };
  }
  return null;
}


