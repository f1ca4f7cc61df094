import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Client, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { startOrAttachWorkflow } from '../client.js';
import { ApplicationFailure } from '@temporalio/common';
import { parse as parseYaml } from 'yaml';
import { exitCodeOfFailure, FailureTypes } from '../contract/failures.js';
import { RemoteJobHandle, RemoteTriggerError } from '../handle.js';
import type { Config } from '../options/config.js';
import { OptionsError } from '../options/errors.js';
import { resolveTarget } from '../options/resolve.js';
import { StagesError, type StagesFile, checkStagesFile, placeholderValues, triggerOptions } from '../options/stages.js';
import { parseStepOptions } from '../options/trigger-input.js';
import { temporalMode } from '../temporal/connect.js';
import { abortUpdate, STAGES_WORKFLOW_TYPE } from '../workflows/messages.js';
import { type StagesState, stagesQuery } from '../workflows/stages.js';
import type { TriggerRuntime } from '../runtime.js';
import { withRuntime } from './command.js';
import { requireId } from './flags.js';
import { EXIT, logPlain as log } from './output.js';

/**
 * Stage runs (README "Orchestrating builds", docs/design.md §3.7): one durable `remoteStages`
 * workflow per run, started by `run` (commands/run.ts). `status`, `wait` and `abort` of a run
 * id come here too (stagesCommand). Exit codes and `--json` follow `trigger`.
 */
const QUERY_DEADLINE_MS = 10_000;

/**
 * `status`, `wait` or `abort` of the id in `positionals`: a stage run's is answered here
 * (stagesCommand), a trigger's by `body`, with its handle and the runtime.
 */
export function forTriggerOrRun(
  command: 'status' | 'wait' | 'abort',
  parsed: { values: { config?: string; json?: boolean; quiet?: boolean; reason?: string }; positionals: string[] },
  quiet: boolean | undefined,
  body: (handle: RemoteJobHandle, runtime: TriggerRuntime) => Promise<number>,
): Promise<number> {
  const id = requireId(parsed.positionals);
  return withRuntime({ config: parsed.values.config, quiet }, async (runtime) => {
    const run = await stagesCommand(command, runtime.client, id, parsed.values);
    return run ?? (await body(new RemoteJobHandle(runtime.client, id), runtime));
  });
}

/** status|wait|abort of a stage run; null when `id` is not one (the trigger commands go on). */
export async function stagesCommand(
  command: 'status' | 'wait' | 'abort',
  client: Client,
  id: string,
  values: { json?: boolean; quiet?: boolean; reason?: string },
): Promise<number | null> {
  let desc;
  try {
    desc = await client.workflow.getHandle(id).describe();
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return null;
    throw e;
  }
  if (desc.type !== STAGES_WORKFLOW_TYPE) return null;
  const closed = desc.status.name !== 'RUNNING';
  switch (command) {
    case 'status': {
      const s = await stagesState(client, id);
      if (values.json) process.stdout.write(`${JSON.stringify(jsonOfStages(s, s.status === 'FINISHED' ? exitCodeOfStages(s) : undefined))}\n`);
      else process.stdout.write(`${describeStages(s)}\n`);
      return EXIT.ok;
    }
    case 'wait':
      return stagesOutput(await followStages(client, id, { quiet: values.quiet, block: true }), values.json, true);
    case 'abort': {
      let s: StagesState;
      if (closed) s = await stagesState(client, id);
      else {
        try {
          s = (await client.workflow.getHandle(id).executeUpdate(abortUpdate, { args: [values.reason ?? 'aborted from the command line'], updateId: `abort-${randomUUID()}` })) as unknown as StagesState;
        } catch (e) {
          s = await stagesState(client, id).catch(() => {
            throw e;
          });
        }
      }
      const aborted = !closed && s.abort !== null;
      if (values.json) process.stdout.write(`${JSON.stringify({ ...jsonOfStages(s), aborted })}\n`);
      else log(aborted ? `Aborted stage run ${id}\n${describeStages(s)}` : `Stage run ${id} had already ended (result ${s.result}): nothing to abort\n${describeStages(s)}`);
      return EXIT.ok;
    }
  }
}

/** Reads and checks a stage file: everything is validated before anything starts. */
export async function readStagesFile(file: string, config: Config): Promise<StagesFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new OptionsError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'file');
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new OptionsError(`${file} is neither JSON nor YAML: ${(e as Error).message.split('\n')[0]}`, 'file');
  }
  try {
    const { file: spec, defaults } = checkStagesFile(data);
    // In the embedded mode the local service resolves hosts with this same configuration: an
    // unknown host name is a mistake to report now. (A cluster's workers have their own.)
    if (temporalMode(config) === 'embedded') {
      const values = placeholderValues(spec);
      spec.stages.forEach((s, si) =>
        s.triggers.forEach((t, ti) => {
          const field = `stages[${si}].triggers[${ti}]`;
          try {
            resolveTarget(parseStepOptions(triggerOptions(defaults, t, values, field)), config);
          } catch (e) {
            if (e instanceof OptionsError) throw new StagesError(e.message, `${field}.${e.field}`);
            throw e;
          }
        }),
      );
    }
    return spec;
  } catch (e) {
    if (e instanceof StagesError) throw new OptionsError(`${file}: ${e.message}`, e.field);
    throw e;
  }
}

export function startOrAttachStages(client: Client, taskQueue: string, id: string, spec: StagesFile, file: string): Promise<'started' | 'attached'> {
  return startOrAttachWorkflow(client, { type: STAGES_WORKFLOW_TYPE, taskQueue, id, args: [spec], memo: { stagesFile: path.basename(file) } });
}

/** The state of a run: queried while it runs, from its result (or failure) once closed. */
async function stagesState(client: Client, id: string): Promise<StagesState> {
  const handle = client.workflow.getHandle(id);
  const desc = await handle.describe();
  if (desc.status.name === 'RUNNING') {
    try {
      return await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(stagesQuery));
    } catch (e) {
      throw new RemoteTriggerError(`stage run ${id} is running, but no worker answered on task queue '${desc.taskQueue}': ${(e as Error).message}`, FailureTypes.NoWorker, null);
    }
  }
  try {
    return (await handle.result()) as StagesState;
  } catch (e) {
    const cause = e instanceof WorkflowFailedError ? e.cause : null;
    if (cause instanceof ApplicationFailure && Array.isArray(cause.details) && cause.details[0] && typeof cause.details[0] === 'object' && 'stages' in cause.details[0]) {
      return cause.details[0] as StagesState;
    }
    if (cause instanceof ApplicationFailure) throw new RemoteTriggerError(cause.message, cause.type ?? 'Error', null);
    // Cancelled or terminated: the last state a query can still read.
    return handle.query(stagesQuery);
  }
}

export async function followStages(client: Client, id: string, opts: { quiet?: boolean; block: boolean }): Promise<StagesState> {
  const say = opts.quiet ? () => {} : log;
  const shown = new Map<string, string>();
  let waiting = false;
  for (;;) {
    let s: StagesState;
    try {
      s = await stagesState(client, id);
    } catch (e) {
      if (!(e instanceof RemoteTriggerError && e.type === FailureTypes.NoWorker)) throw e;
      // A worker died: the run waits for the next one, and so do we.
      if (!waiting) say(`Waiting for a worker: ${e.message.split(':')[0]}`);
      waiting = true;
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    waiting = false;
    for (const stage of s.stages) {
      if (stage.state !== 'pending' && shown.get(stage.name) !== stage.state) {
        shown.set(stage.name, stage.state);
        say(`Stage ${stage.name}: ${stage.state}`);
      }
      for (const t of stage.triggers) {
        const key = `${stage.name}.${t.id}`;
        const line = t.state === 'done' ? `${t.result ?? t.status ?? '-'}${t.error ? ` (${t.error.type}: ${t.error.message})` : ''}` : t.state === 'running' ? 'started' : null;
        if (line && shown.get(key) !== line) {
          shown.set(key, line);
          say(`  ${key}: ${line}${t.buildUrl ? ` ${t.buildUrl}` : ''}  [${t.workflowId}]`);
        }
      }
    }
    if (s.status === 'FINISHED' || !opts.block) return s;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function stagesOutput(s: StagesState, json: boolean | undefined, blocking: boolean): number {
  const code = blocking ? exitCodeOfStages(s) : EXIT.ok;
  if (json) process.stdout.write(`${JSON.stringify(jsonOfStages(s, code))}\n`);
  if (blocking) log(`Stage run ${s.runId} finished: ${s.result}${s.error ? ` (${s.error.type} in ${s.error.stage}.${s.error.trigger})` : ''}`);
  return code;
}

/** The trigger's exit codes (README "Contract"), decided by the first failure's type. */
export function exitCodeOfStages(s: StagesState): number {
  if (s.status !== 'FINISHED' || s.result === 'SUCCESS') return EXIT.ok;
  if (s.abort) return EXIT.remoteFailed;
  return exitCodeOfFailure(s.error?.type);
}

/** `--json`: the trigger's object (build fields null: a run has many builds) plus `stages`. */
export function jsonOfStages(s: StagesState, exitCode?: number) {
  const failing = s.error ? s.stages.find((x) => x.name === s.error!.stage)?.triggers.find((t) => t.id === s.error!.trigger) : undefined;
  return {
    workflowId: s.runId,
    status: s.status,
    result: s.result,
    buildNumber: null,
    buildUrl: null,
    queueId: null,
    jobUrl: null,
    error: s.error ? { ...s.error, result: failing?.result ?? null } : exitCode === EXIT.remoteFailed ? { type: FailureTypes.RemoteBuildFailed, message: 'the stage run was aborted', result: s.result } : null,
    stages: s.stages.map((stage) => ({
      name: stage.name,
      state: stage.state,
      triggers: stage.triggers.map((t) => ({ id: t.id, workflowId: t.workflowId, state: t.state, status: t.status, result: t.result, buildNumber: t.buildNumber, buildUrl: t.buildUrl, queueId: t.queueId, error: t.error })),
    })),
  };
}

function describeStages(s: StagesState): string {
  const lines = [`stage run: ${s.runId}`, `status:    ${s.status}${s.result ? `, result ${s.result}` : ''}`];
  for (const stage of s.stages) {
    lines.push(`stage ${stage.name}: ${stage.state}`);
    for (const t of stage.triggers) lines.push(`  ${t.id}: ${t.state}${t.result ? ` ${t.result}` : ''}${t.buildNumber ? ` #${t.buildNumber} ${t.buildUrl}` : ''} [${t.workflowId}]`);
  }
  if (s.abort) lines.push(`aborted:   ${s.abort.reason}`);
  if (s.error) lines.push(`error:     ${s.error.type} in ${s.error.stage}.${s.error.trigger}: ${s.error.message}`);
  return lines.join('\n');
}
