import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Client } from '@temporalio/client';
import { FailureTypes } from './contract/failures.js';
import type { TriggerInput } from './options/trigger-input.js';
import { ARTIFACT_WORKFLOW_TYPE, abortSignal, abortUpdate, CONSOLE_WORKFLOW_TYPE, stateQuery } from './workflows/messages.js';
import type { ConsoleRead } from './activities/types.js';
import { type BuildStatus, type RemoteResult, type TriggerState, describeState } from './contract/state.js';
import { type Progress, type TriggerConsole, progressOf, triggerInputOf } from './handle-reads.js';
import { RemoteTriggerError, stateFromFailure, toTriggerError } from './trigger-error.js';

export { RemoteTriggerError, stateFromFailure, toTriggerError } from './trigger-error.js';
export type { Progress, TriggerConsole } from './handle-reads.js';

const QUERY_DEADLINE_MS = 10_000;

/**
 * The plugin's Handle (docs/plugin-compat.md §12) as async TypeScript, backed by the trigger's workflow.
 * The workflow keeps polling on its own, so every getter returns current state; the plugin's
 * quirks are fixed: the job-name getters return what their names say, updateBuildStatusBlocking
 * waits instead of busy-looping, and fails at once on a NOT_TRIGGERED handle.
 */
export class RemoteJobHandle {
  private last: TriggerState | null;
  private logBuffer: string[] = [];

  constructor(
    private readonly client: Client,
    readonly workflowId: string,
    initial: TriggerState | null = null,
  ) {
    this.last = initial;
  }

  /** The trigger's current state: queried from a running workflow, or read from a closed one. */
  async state(): Promise<TriggerState> {
    return (await this.snapshot()).state;
  }

  /**
   * The state, whether the workflow has ended, and the worker's progress, from one describe
   * call: what a caller following the trigger needs on every tick.
   */
  async snapshot(): Promise<{ state: TriggerState; closed: boolean; progress: Progress | null }> {
    const handle = this.client.workflow.getHandle(this.workflowId);
    const desc = await handle.describe();
    const closed = desc.status.name !== 'RUNNING';
    if (!closed) {
      try {
        // A query needs a worker; without one the server would make us wait ~30 s for nothing.
        this.last = await this.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(stateQuery));
      } catch (e) {
        throw new RemoteTriggerError(
          `trigger ${this.workflowId} is running, but no worker answered on task queue '${desc.taskQueue}' within ${QUERY_DEADLINE_MS / 1000} s ` +
            `(start one with \`remote-trigger worker\`): ${(e as Error).message}`,
          FailureTypes.NoWorker,
          this.last,
        );
      }
    } else {
      this.last = await this.closedState();
    }
    return { state: this.last, closed, progress: closed ? null : progressOf(desc) };
  }

  private async closedState(): Promise<TriggerState> {
    try {
      return (await this.client.workflow.getHandle(this.workflowId).result()) as TriggerState;
    } catch (e) {
      const s = stateFromFailure(e);
      if (s) return s;
      // Cancelled or terminated before it could report: the last state we can query.
      return this.client.workflow.getHandle(this.workflowId).query(stateQuery);
    }
  }

  async getBuildStatus(): Promise<BuildStatus> {
    return (await this.state()).status;
  }
  async getBuildResult(): Promise<RemoteResult> {
    return (await this.state()).result;
  }
  async getBuildUrl(): Promise<string | null> {
    return (await this.state()).buildUrl;
  }
  /** 0 until RUNNING, as in the plugin. */
  async getBuildNumber(): Promise<number> {
    return (await this.state()).buildNumber ?? 0;
  }
  async getQueueId(): Promise<number | null> {
    return (await this.state()).queueId;
  }
  async isQueued(): Promise<boolean> {
    return (await this.state()).status === 'QUEUED';
  }
  async isFinished(): Promise<boolean> {
    return (await this.state()).status === 'FINISHED';
  }
  async getBuildInfo(): Promise<Pick<TriggerState, 'status' | 'result' | 'queueId' | 'buildNumber' | 'buildUrl'>> {
    const s = await this.state();
    return { status: s.status, result: s.result, queueId: s.queueId, buildNumber: s.buildNumber, buildUrl: s.buildUrl };
  }
  getConfiguredJobNameOrUrl(): string | null {
    return this.last?.job ?? null;
  }
  async getJobName(): Promise<string | null> {
    return (await this.state()).jobName;
  }
  async getJobFullName(): Promise<string | null> {
    return (await this.state()).jobFullName;
  }
  async getJobDisplayName(): Promise<string | null> {
    return (await this.state()).jobDisplayName;
  }
  async getJobFullDisplayName(): Promise<string | null> {
    return (await this.state()).jobFullDisplayName;
  }
  async getJobUrl(): Promise<string> {
    return (await this.state()).jobUrl;
  }

  /** The workflow refreshes on its own; this returns the status it has now. */
  async updateBuildStatus(): Promise<BuildStatus> {
    const s = await this.state();
    this.logBuffer.push(describeState(s));
    return s.status;
  }

  /** Waits until FINISHED. Throws at once on a NOT_TRIGGERED handle that can no longer change. */
  async updateBuildStatusBlocking(): Promise<BuildStatus> {
    const s = await this.state();
    if (s.status === 'NOT_TRIGGERED' && (await this.isClosed())) {
      throw new RemoteTriggerError(`Unexpected status: ${describeState(s)}. The queue id was not found.`, FailureTypes.NotTriggered, s, this);
    }
    const final = await this.result({ throwOnFailure: false });
    this.logBuffer.push(describeState(final));
    return final.status;
  }

  /** Waits for the trigger to end and returns its final state; throws RemoteTriggerError if it failed. */
  async result(opts: { throwOnFailure?: boolean } = {}): Promise<TriggerState> {
    try {
      this.last = (await this.client.workflow.getHandle(this.workflowId).result()) as TriggerState;
      return this.last;
    } catch (e) {
      const s = stateFromFailure(e);
      if (s) this.last = s;
      if (opts.throwOnFailure === false && s) return s;
      throw toTriggerError(e, s, this);
    }
  }

  /** Aborts: cancels the queue item or stops the remote build, and returns once that is done. */
  async abort(reason = 'aborted by caller'): Promise<TriggerState> {
    const handle = this.client.workflow.getHandle(this.workflowId);
    if (await this.isClosed()) return this.state();
    try {
      this.last = await handle.executeUpdate(abortUpdate, { args: [reason], updateId: `abort-${randomUUID()}` });
    } catch (e) {
      // The workflow may have closed between the check and the update (it finished, or the
      // abort made it fail with result ABORTED): its final state is the answer.
      if (!(await this.isClosed())) throw e;
      this.last = await this.state();
    }
    return this.last;
  }

  /** Fire-and-forget abort; durable even while no worker runs. */
  async requestAbort(reason = 'aborted by caller'): Promise<void> {
    await this.client.workflow.getHandle(this.workflowId).signal(abortSignal, reason);
  }

  /**
   * Reads an archived JSON file of the build through the worker (the caller needs no Jenkins
   * credentials). Returns null for an empty name, like the plugin; arrays are returned as
   * arrays instead of crashing.
   */
  async readJsonFileFromBuildArchive(filename: string): Promise<unknown> {
    if (!filename) return null;
    const body = await this.readFileFromBuildArchive(filename);
    try {
      return JSON.parse(body);
    } catch {
      throw new RemoteTriggerError(`Archived file '${filename}' is not JSON`, FailureTypes.ArtifactNotJson, this.last, this);
    }
  }

  async readFileFromBuildArchive(filename: string): Promise<string> {
    const s = await this.state();
    if (!s.buildUrl) throw new RemoteTriggerError(`The build has not started yet (${describeState(s)}): no archive to read`, FailureTypes.NoBuild, s, this);
    const input = await this.input();
    try {
      const out = await this.client.workflow.execute(ARTIFACT_WORKFLOW_TYPE, {
        taskQueue: await this.taskQueue(),
        workflowId: `${this.workflowId}/artifact/${randomUUID()}`,
        args: [{ target: input.target, buildUrl: s.buildUrl, path: filename, httpGetReadTimeoutMs: input.httpGetReadTimeoutMs }],
      });
      this.logBuffer.push(`read ${filename} from ${s.buildUrl}artifact/`);
      return (out as { body: string }).body;
    } catch (e) {
      throw toTriggerError(e, s, this);
    }
  }

  /**
   * Reads the remote console from `start` (0, or the `next` of the previous call) to its current
   * end, through a worker: the caller needs no Jenkins credentials and no access to the worker's
   * disk, and it works after the trigger finished, for as long as Jenkins keeps the build
   * (docs/design.md §9.1). Passing `next` back loses and repeats no byte.
   */
  async console(opts: { start?: string | number } = {}): Promise<TriggerConsole> {
    const start = String(opts.start ?? 0);
    const { state: s, closed } = await this.snapshot();
    const over = closed || s.status === 'FINISHED';
    if (!s.buildUrl) {
      if (over) throw new RemoteTriggerError(`The trigger ended without a build (${describeState(s)}): no console to read`, FailureTypes.NoBuild, s, this);
      return { bytes: new Uint8Array(0), text: '', next: start, more: true, buildUrl: null, done: false };
    }
    const input = await this.input();
    let out: ConsoleRead;
    try {
      out = (await this.client.workflow.execute(CONSOLE_WORKFLOW_TYPE, {
        taskQueue: await this.taskQueue(),
        workflowId: `${this.workflowId}/console/${randomUUID()}`,
        args: [{ target: input.target, buildUrl: s.buildUrl, start, httpGetReadTimeoutMs: input.httpGetReadTimeoutMs }],
      })) as ConsoleRead;
    } catch (e) {
      throw toTriggerError(e, s, this);
    }
    const raw = Buffer.from(out.data, 'base64');
    const bytes = out.encoding === 'gzip+base64' ? gunzipSync(raw) : raw;
    return { bytes: new Uint8Array(bytes), text: bytes.toString('utf8'), next: out.next, more: out.more, buildUrl: s.buildUrl, done: over && !out.more };
  }

  /** The log of the last handle calls, cleared on read (docs/plugin-compat.md §12). */
  lastLog(): string {
    const text = this.logBuffer.join('\n').trim();
    this.logBuffer = [];
    return text;
  }

  /** `Handle [job=…, remoteServerURL=…, queueId=…, status=…, buildNumber=…, buildUrl=…]` from the last known state. */
  toString(): string {
    const s = this.last;
    if (!s) return `Handle [workflowId=${this.workflowId}]`;
    return `Handle [job=${s.job}, remoteServerURL=${s.root}, queueId=${s.queueId ?? ''}, ${describeState(s)}, buildNumber=${s.buildNumber ?? 0}, buildUrl=${s.buildUrl ?? ''}]`;
  }

  /** The state known from the last call, without asking Temporal. */
  get lastKnownState(): TriggerState | null {
    return this.last;
  }

  /**
   * What the worker is doing right now: the pending activity and its last heartbeat (for
   * example the queue item's `why`). Heartbeats are not history, so this is the only place
   * such progress is visible. Null when nothing is pending.
   */
  async progress(): Promise<Progress | null> {
    return progressOf(await this.client.workflow.getHandle(this.workflowId).describe());
  }

  /** True once the trigger's workflow has ended (finished, failed, cancelled). */
  async isClosed(): Promise<boolean> {
    const desc = await this.client.workflow.getHandle(this.workflowId).describe();
    return desc.status.name !== 'RUNNING';
  }

  private inputCache: TriggerInput | null = null;

  /** The trigger's workflow input (options as validated; references, never secrets). */
  async input(): Promise<TriggerInput> {
    return (this.inputCache ??= await triggerInputOf(this.client, this.workflowId, this));
  }

  private async taskQueue(): Promise<string> {
    return (await this.client.workflow.getHandle(this.workflowId).describe()).taskQueue;
  }
}
