import { defaultTriggerId } from './options/trigger-id.js';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { type Config } from './options/config.js';
import { buildTriggerInput } from './options/trigger-input.js';
import type { StepOptionsInput } from './options/step-options.js';
import { RemoteJobHandle } from './handle.js';
import { TriggerRuntime } from './runtime.js';
import { WORKFLOW_TYPE } from './workflows/messages.js';
import { inSpan, safeUrl } from './telemetry/tracing.js';
import { setLogContext } from './log-line.js';
import type { TriggerState } from './workflows/state.js';

export { RemoteJobHandle, RemoteTriggerError } from './handle.js';
export { TriggerRuntime } from './runtime.js';
export { OptionsError } from './options/errors.js';
export type { StepOptionsInput as TriggerRemoteJobOptions } from './options/step-options.js';
export { buildTriggerInput, type TriggerInput } from './options/trigger-input.js';
export { loadConfig, parseConfig, type Config } from './options/config.js';
export { WORKFLOW_TYPE, stateQuery, abortSignal, abortUpdate } from './workflows/messages.js';
export type { TriggerState, BuildStatus, RemoteResult } from './workflows/state.js';
export type { TriggerFilter, TriggerSummary } from './list.js';

/** Where triggers are started: a runtime (embedded default), or your own Temporal client. */
export interface TriggerContext {
  runtime?: TriggerRuntime;
  client?: Client;
  taskQueue?: string;
  config?: Config;
  /** The trigger's id (workflow id). The same id again attaches to the existing trigger. */
  id?: string;
  /** Directory relative parameter files are read from. */
  cwd?: string;
}

let defaultRuntime: Promise<TriggerRuntime> | null = null;

/** The shared embedded runtime used when no context is given; `shutdown()` closes it. */
export function getDefaultRuntime(): Promise<TriggerRuntime> {
  defaultRuntime ??= TriggerRuntime.open();
  return defaultRuntime;
}

export async function shutdown(): Promise<void> {
  const r = defaultRuntime;
  defaultRuntime = null;
  if (r) await (await r).close();
}

/**
 * The `triggerRemoteJob` step. Validates the options (OptionsError, nothing started), starts
 * the trigger's workflow, and returns its handle: after the remote build finished when
 * blockBuildUntilComplete (default), else as soon as Jenkins accepted the trigger. A failed
 * trigger or a remote result that does not pass throws RemoteTriggerError (carrying the state
 * and `handle`), unless shouldNotFailBuild.
 */
export async function triggerRemoteJob(options: StepOptionsInput, ctx: TriggerContext = {}): Promise<RemoteJobHandle> {
  const { client, taskQueue, config } = await resolveContext(ctx);
  const id = ctx.id ?? defaultTriggerId(options.job);
  const input = await buildTriggerInput(options, { config, triggerId: id, cwd: ctx.cwd });
  await startOrAttach(client, taskQueue, input);
  const handle = new RemoteJobHandle(client, id);
  // A failure throws RemoteTriggerError, its `handle` set by the handle that threw it.
  if (input.blockBuildUntilComplete) await handle.result();
  else {
    await waitUntilAccepted(handle);
  }
  return handle;
}

/** The handle of an existing trigger, by id. */
export async function getTriggerHandle(id: string, ctx: Omit<TriggerContext, 'id'> = {}): Promise<RemoteJobHandle> {
  const { client } = await resolveContext(ctx);
  const handle = new RemoteJobHandle(client, id);
  await handle.state();
  return handle;
}

/** Triggers matching `filter` (job, status, result, since, limit), the newest first, from Temporal's visibility store. */
export async function listTriggers(filter: import('./list.js').TriggerFilter = {}, ctx: Omit<TriggerContext, 'id'> = {}): Promise<import('./list.js').TriggerSummary[]> {
  const { client } = await resolveContext(ctx);
  return (await import('./list.js')).listTriggersWith(client, filter);
}

/**
 * Starts the trigger's workflow, or attaches to it. The start runs in a span `triggerRemoteJob`
 * (a child of the caller's active span, else a new trace); a client with the OpenTelemetry client
 * interceptor carries it into the workflow, its activities and every Jenkins request
 * (docs/design.md §15).
 */
export async function startOrAttach(client: Client, taskQueue: string, input: Awaited<ReturnType<typeof buildTriggerInput>>): Promise<'started' | 'attached'> {
  return inSpan('triggerRemoteJob', { 'remote_trigger.id': input.triggerId, 'remote_trigger.job': /^https?:/i.test(input.job) ? safeUrl(input.job) : input.job }, async (span) => {
    setLogContext({ triggerId: input.triggerId, traceId: span.spanContext().traceId });
    const how = await startOrAttachNow(client, taskQueue, input);
    span.setAttribute('remote_trigger.start', how);
    return how;
  });
}

function startOrAttachNow(client: Client, taskQueue: string, input: Awaited<ReturnType<typeof buildTriggerInput>>): Promise<'started' | 'attached'> {
  return startOrAttachWorkflow(client, { type: WORKFLOW_TYPE, taskQueue, id: input.triggerId, args: [input], memo: { job: input.job, jobUrl: input.target.jobUrl } });
}

/**
 * Starts a workflow, or attaches to the one of that id: a repeated call with the same id never
 * starts a second run (triggers, stage runs).
 */
export async function startOrAttachWorkflow(
  client: Client,
  w: { type: string; taskQueue: string; id: string; args: unknown[]; memo: Record<string, unknown> },
): Promise<'started' | 'attached'> {
  // The SDK does not say whether USE_EXISTING started a run or found one: look first, so the
  // caller can tell the user. (A concurrent start in between is still attached by the policy.)
  try {
    await client.workflow.getHandle(w.id).describe();
    return 'attached';
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw e;
  }
  try {
    await client.workflow.start(w.type, {
      taskQueue: w.taskQueue,
      workflowId: w.id,
      args: w.args,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: w.memo,
    });
    return 'started';
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return 'attached';
    throw e;
  }
}

/** Waits until the trigger left NOT_TRIGGERED (accepted by Jenkins) or ended. */
export async function waitUntilAccepted(handle: RemoteJobHandle, pollMs = 250): Promise<TriggerState> {
  for (;;) {
    const { state: s, closed } = await handle.snapshot();
    if (s.status !== 'NOT_TRIGGERED' || s.error || s.abort) return s;
    if (closed) return handle.result({ throwOnFailure: true });
    await new Promise((r) => setTimeout(r, pollMs));
  }
}


async function resolveContext(ctx: TriggerContext | Omit<TriggerContext, 'id'>): Promise<{ client: Client; taskQueue: string; config: Config }> {
  if (ctx.client) {
    const config = ctx.config ?? ctx.runtime?.config ?? (await import('./options/config.js')).emptyConfig();
    return { client: ctx.client, taskQueue: ctx.taskQueue ?? config.temporal.taskQueue, config };
  }
  const runtime = ctx.runtime ?? (await getDefaultRuntime());
  return { client: runtime.client, taskQueue: ctx.taskQueue ?? runtime.taskQueue, config: ctx.config ?? runtime.config };
}

export { defaultTriggerId };
