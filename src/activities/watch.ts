/**
 * The activities that wait: for the job to be idle, for the queue item to become a build, and for
 * the build to end. Each checks the target against the worker's trust rules (so a refused one
 * fails this attempt, as every activity does), then hands the wait to the worker's hub
 * (src/waiting/hub.ts) and returns without completing: the hub polls, heartbeats and completes
 * the activity later, and no activity slot is held while it waits (docs/design.md §16).
 */
import { context as traceContext, trace } from '@opentelemetry/api';
import { Context } from '@temporalio/activity';
import { Runtime } from '@temporalio/worker';
import type { TriggerInput } from '../options/trigger-input.js';
import { safeUrl } from '../telemetry/tracing.js';
import type { WaitHub } from '../waiting/hub.js';
import { BuildWait, IdleWait, QueueWait, type WaitLog } from '../waiting/waits.js';
import { type ActivityDeps, type SharedState, jenkinsFor, clientSettingsOf } from './context.js';
import type { BuildRef, Finished, JobFacts } from './types.js';

/** preventRemoteBuildQueue (docs/plugin-compat.md §14): wait while the remote job is building or has queued items. */
export async function waitUntilJobIdle(deps: ActivityDeps, shared: SharedState, hub: WaitHub, input: TriggerInput, job: JobFacts): Promise<void> {
  jenkinsFor(input.target, clientSettingsOf(input), deps, shared, input.token);
  hub.register(new IdleWait(waitInput(input), activityLog(input), job));
}

/**
 * Queue item → build (docs/jenkins.md §8). Fixes the plugin's queue-expiry loss (JENKINS-55038):
 * a 404 on the item falls back to the job's builds[queueId].
 */
export async function awaitBuildStart(deps: ActivityDeps, shared: SharedState, hub: WaitHub, input: TriggerInput, queueId: number): Promise<BuildRef> {
  jenkinsFor(input.target, clientSettingsOf(input), deps, shared, input.token);
  hub.register(new QueueWait(waitInput(input), activityLog(input), queueId));
}

/** Until the build is over (docs/jenkins.md §9), streaming its console with enhancedLogging. */
export async function watchBuild(deps: ActivityDeps, shared: SharedState, hub: WaitHub, input: TriggerInput, build: BuildRef): Promise<Finished> {
  jenkinsFor(input.target, clientSettingsOf(input), deps, shared, input.token);
  const console = input.enhancedLogging ? { store: deps.consoleStore, echo: deps.onConsole } : null;
  hub.register(new BuildWait(waitInput(input), activityLog(input, build), build, console));
}

/** A wait keeps its input for hours: without file contents, which only the POST needed. */
function waitInput(input: TriggerInput): TriggerInput {
  return input.files.length > 0 ? { ...input, files: [] } : input;
}

/**
 * A logger for the hub's lines about this wait, with the activity's workflow and activity ids.
 * It keeps those ids only, not the activity's context: a wait lives for hours, and thousands of
 * retained contexts (their arguments, spans and cancellation plumbing) were most of a worker's
 * memory (bench/scale.ts).
 */
function activityLog(input: TriggerInput, build?: BuildRef): WaitLog {
  const info = Context.current().info;
  const traceId = trace.getSpan(traceContext.active())?.spanContext().traceId;
  // The attributes the activity's own lines carry (worker.ts, `--log-format json`).
  const meta = {
    sdkComponent: 'activity',
    workflowId: info.workflowExecution?.workflowId,
    runId: info.workflowExecution?.runId,
    activityId: info.activityId,
    activityType: info.activityType,
    taskQueue: info.taskQueue,
    attempt: info.attempt,
    job: /^https?:/i.test(input.job) ? safeUrl(input.job) : input.job,
    ...(build ? { build: build.buildNumber } : {}),
    ...(traceId ? { traceId } : {}),
  };
  const logger = Runtime.instance().logger;
  return { info: (m) => logger.info(m, meta), warn: (m) => logger.warn(m, meta) };
}
