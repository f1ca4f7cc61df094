// Finding a trigger for the API's routes (src/edge/api.ts): its execution as the caller's
// token may see it, its state, and the short read workflows that fetch through its worker.
import type { Config } from '../options/config-schema.js';
import type { TriggerInput } from '../contract/trigger-input.js';
import type { TriggerState } from '../contract/state.js';
import { type ApiToken, tokenCovers } from './access.js';
import { BackendError, type Execution, type TemporalBackend } from './backend.js';
import { ApiError, sleep } from './http.js';
import { FailureTypes } from '../contract/failures.js';
import { WORKFLOW_TYPES } from '../contract/names.js';

export const WORKFLOW_TYPE = WORKFLOW_TYPES.trigger;

export type TriggerLookup = ReturnType<typeof triggerLookup>;

export function triggerLookup(backend: TemporalBackend, config: Config) {
  /** The trigger's execution, 404 when unknown, 403 when the caller's token does not cover it. */
  async function execution(id: string, caller: ApiToken | null): Promise<Execution> {
    const ex = await backend.describe(id);
    if (!ex || ex.type !== WORKFLOW_TYPE) throw new ApiError(404, FailureTypes.NotFound, `no trigger with id '${id}'`);
    if (caller && (caller.remoteHosts || caller.jobs)) {
      const jobUrl = typeof ex.memo.jobUrl === 'string' ? ex.memo.jobUrl : null;
      const hostName = typeof ex.memo.remoteHost === 'string' ? ex.memo.remoteHost : null;
      if (!jobUrl || !tokenCovers(caller, config, { jobUrl, hostName })) throw new ApiError(403, 'Forbidden', `this token does not cover trigger '${id}'`);
    }
    return ex;
  }

  /** The state: queried while running, from the close event once closed. */
  async function stateOf(ex: Execution): Promise<{ state: TriggerState | null; closed: boolean }> {
    if (ex.status === 'RUNNING') {
      for (let attempt = 0; ; attempt++) {
        try {
          return { state: (await backend.query(ex.id, 'state')) as TriggerState, closed: false };
        } catch (e) {
          // Queried before the first workflow task ran, or it closed meanwhile: look again.
          if (e instanceof BackendError && e.kind === 'closed' && attempt < 20) {
            await sleep(100);
            const again = await backend.describe(ex.id);
            if (again && again.status !== 'RUNNING') return stateOf(again);
            continue;
          }
          if (e instanceof BackendError && e.kind === 'no-worker') throw new ApiError(503, FailureTypes.NoWorker, `trigger '${ex.id}' is running, but no worker answered on task queue '${ex.taskQueue}'`);
          throw e;
        }
      }
    }
    const out = await backend.outcome(ex.id);
    if (out?.status === 'COMPLETED') return { state: out.result as TriggerState, closed: true };
    if (out?.status === 'FAILED' && out.failure?.details && typeof out.failure.details === 'object') return { state: out.failure.details as TriggerState, closed: true };
    // Cancelled, terminated, or failed before it had a state: the last state a worker can replay.
    try {
      return { state: (await backend.query(ex.id, 'state')) as TriggerState, closed: true };
    } catch {
      return { state: null, closed: true };
    }
  }

  /**
   * Runs a short read workflow (artifact, console) of a trigger's build on its task queue, so the
   * worker, which holds the credentials, does the reading. Its outcome, or null when none came
   * within 90 s.
   */
  async function readThroughWorker(id: string, caller: ApiToken | null, read: { kind: 'artifact' | 'console'; workflowType: string }, request: Record<string, unknown>) {
    const ex = await execution(id, caller);
    const { state } = await stateOf(ex);
    if (!state?.buildUrl) throw new ApiError(409, FailureTypes.NoBuild, `trigger '${id}' has no build yet (status ${state?.status ?? 'unknown'})`);
    const input = (await backend.input(id)) as TriggerInput;
    // No "/" in the id: Temporal's HTTP API cannot route an escaped "/" in a workflow id.
    const readId = `${id}:${read.kind}:${crypto.randomUUID()}`;
    await backend.start({
      id: readId,
      workflowType: read.workflowType,
      taskQueue: ex.taskQueue,
      input: { target: input.target, buildUrl: state.buildUrl, httpGetReadTimeoutMs: input.httpGetReadTimeoutMs, ...request },
      attach: false,
    });
    const deadline = Date.now() + 90_000;
    let out = await backend.outcome(readId);
    while (!out && Date.now() < deadline) {
      await sleep(100);
      out = await backend.outcome(readId);
    }
    return out;
  }

  return { execution, stateOf, readThroughWorker };
}
