import type { EmulatorScenario } from '../../src/emulator/index.js';
import type { RemoteJobHandle } from '../../src/handle.js';
import type { StepOptionsInput } from '../../src/options/step-options.js';
import { activityOutcomes } from '../support/exactly-once.js';
import type { Harness } from '../support/harness.js';
import type { eventually as Eventually } from '../support/wait.js';

/** The scenario and the paths through the workflow whose histories are kept as golden files. */
export const GOLDEN_SCENARIO: EmulatorScenario = {
  jobs: [
    { name: 'ok', parameters: [{ name: 'P' }], build: { durationMs: 1500, consoleLines: 3 } },
    { name: 'plain', build: { durationMs: 300 } },
    { name: 'fails', build: { durationMs: 300, result: 'FAILURE' } },
    { name: 'long', parameters: [{ name: 'P' }], concurrentBuild: true, build: { durationMs: 120_000 } },
    { name: 'blocked', parameters: [{ name: 'P' }], build: { durationMs: 300 } },
    { name: 'closed', disabled: true },
    { name: 'idle-wait', parameters: [{ name: 'P' }], build: { durationMs: 300 } },
    { name: 'recover', parameters: [{ name: 'P' }, { name: 'REMOTE_TRIGGER_ID' }], concurrentBuild: true, build: { durationMs: 1500 } },
  ],
  scripts: { hold: { durationMs: 120_000 }, hold3: { durationMs: 3000 } },
};

type Drive = (handle: RemoteJobHandle, h: Harness, eventually: typeof Eventually) => Promise<void>;

const whenRunning: Drive = async (handle, _h, eventually) => {
  await eventually(async () => (await handle.state()).status === 'RUNNING', 'RUNNING');
};

/**
 * A path through a workflow. `options` start a `remoteTrigger` (h.start); `start` starts any other
 * workflow type (its workflow id is the golden file's `golden-<name>`).
 */
export interface GoldenPath {
  name: string;
  options?: StepOptionsInput;
  start?: (h: Harness, workflowId: string) => Promise<void>;
  prepare?: (h: Harness) => Promise<void>;
  drive?: Drive;
  /** Adds a completion webhook to a receiver the recording script runs. */
  webhook?: boolean;
  /** Record the webhook delivery workflow this trigger starts (`<id>:notify`) instead of the trigger. */
  deliveryWorkflow?: boolean;
  /** Recorded on a dev server with the trigger's search attributes registered (docs/design.md §3.8). */
  searchAttributes?: boolean;
}

/** Drives: once the build runs, abort by signal, or cancel the workflow. */
const signalWhenRunning: Drive = async (handle, h, eventually) => {
  await whenRunning(handle, h, eventually);
  await handle.requestAbort('golden: signal');
};
const cancelWhenRunning: Drive = async (handle, h, eventually) => {
  await whenRunning(handle, h, eventually);
  await h.client.workflow.getHandle(handle.workflowId).cancel();
};

/** Starts a `remoteJob` (a trigger from step options, resolved by the worker). */
const remoteJob = (options: StepOptionsInput) => async (h: Harness, workflowId: string) => {
  await h.client.workflow.start('remoteJob', {
    taskQueue: h.taskQueue,
    workflowId,
    args: [{ triggerId: workflowId, options: { remoteJenkinsUrl: h.emulator.url, pollInterval: 1, ...options } }],
  });
};

/** Starts a `remoteStages` run of `stages` (every trigger on the emulator, polled every second). */
const stageRun = (stages: unknown[]) => async (h: Harness, workflowId: string) => {
  await h.client.workflow.start('remoteStages', { taskQueue: h.taskQueue, workflowId, args: [{ remoteJenkinsUrl: h.emulator.url, pollInterval: 1, stages }] });
};

export const GOLDEN_PATHS: GoldenPath[] = [
  { name: 'success-console', options: { job: 'ok', parameters: { P: '1' }, enhancedLogging: true } },
  { name: 'plain-job', options: { job: 'plain' } },
  { name: 'remote-failure', options: { job: 'fails' } },
  { name: 'should-not-fail', options: { job: 'fails', shouldNotFailBuild: true } },
  { name: 'rejected-trigger', options: { job: 'closed' } },
  { name: 'disabled', options: { job: 'plain', disabled: true } },
  { name: 'non-blocking', options: { job: 'plain', blockBuildUntilComplete: false } },
  {
    name: 'abort-running-update',
    options: { job: 'long', parameters: { P: 'update' } },
    drive: async (handle, h, eventually) => {
      await whenRunning(handle, h, eventually);
      await handle.abort('golden: abort while running');
    },
  },
  {
    name: 'abort-running-signal',
    options: { job: 'long', parameters: { P: 'signal' } },
    drive: signalWhenRunning,
  },
  {
    name: 'abort-queued',
    options: { job: 'blocked', parameters: { P: 'queued' } },
    // A running build of the job keeps the next item Blocked in the queue.
    prepare: async (h) => {
      await h.emulatorPost('/job/blocked/buildWithParameters?delay=0', 'P=holder&EMULATOR_SCRIPT=hold');
    },
    drive: async (handle, h, eventually) => {
      await eventually(async () => (await handle.state()).status === 'QUEUED', 'QUEUED');
      await handle.abort('golden: abort while queued');
    },
  },
  {
    name: 'cancel-abort-triggered-job',
    options: { job: 'long', parameters: { P: 'cancel' }, abortTriggeredJob: true },
    drive: cancelWhenRunning,
  },
  { name: 'timeout', options: { job: 'long', parameters: { P: 'timeout' }, timeout: 3, abortTriggeredJob: true } },
  // patched('completion-webhook'): after a remote failure, the trigger starts the delivery
  // workflow (abandoned child) and closes; the delivery workflow's own history is kept too.
  { name: 'completion-webhook', options: { job: 'fails' }, webhook: true },
  { name: 'completion-webhook-delivery', options: { job: 'plain' }, webhook: true, deliveryWorkflow: true },
  // remoteJob: the child workflow of remote-trigger/workflow and stage files.
  { name: 'remote-job-success', start: remoteJob({ job: 'ok', parameters: { P: 'job' }, enhancedLogging: true }) },
  { name: 'remote-job-remote-failure', start: remoteJob({ job: 'fails' }) },
  { name: 'remote-job-local-file', start: remoteJob({ job: 'plain', parameterFile: 'params.txt' }) },
  {
    name: 'remote-job-abort-running-signal',
    start: remoteJob({ job: 'long', parameters: { P: 'job-signal' } }),
    drive: signalWhenRunning,
  },
  {
    name: 'remote-job-cancel-abort-triggered-job',
    start: remoteJob({ job: 'long', parameters: { P: 'job-cancel' }, abortTriggeredJob: true }),
    drive: cancelWhenRunning,
  },
  // remoteStages: stage files (`remote-trigger run`).
  {
    name: 'stages-success',
    start: stageRun([
      { name: 'build', triggers: [{ id: 'a', job: 'ok', parameters: { P: 'stage-a' } }, { id: 'b', job: 'plain' }] },
      { name: 'deploy', when: "build.b.result == 'SUCCESS'", triggers: [{ id: 'd', job: 'ok', parameters: { P: '${{ build.a.buildNumber }}' } }] },
      { name: 'cleanup', when: 'failure()', triggers: [{ id: 'c', job: 'plain' }] },
    ]),
  },
  {
    name: 'stages-failure',
    start: stageRun([
      { name: 'build', failFast: true, triggers: [{ id: 'f', job: 'fails' }, { id: 'l', job: 'long', parameters: { P: 'stage-ff' }, abortTriggeredJob: true }] },
      { name: 'deploy', triggers: [{ id: 'd', job: 'plain' }] },
      { name: 'page', when: 'failure()', triggers: [{ id: 'p', job: 'plain' }] },
    ]),
  },
  {
    name: 'stages-abort',
    start: stageRun([
      { name: 'one', triggers: [{ id: 'l', job: 'long', parameters: { P: 'stage-abort' } }] },
      { name: 'two', triggers: [{ id: 'p', job: 'plain' }] },
    ]),
    drive: async (handle, h, eventually) => {
      await eventually(() => h.emulator.builds('long').some((b) => b.parameters.P === 'stage-abort' && b.building), 'the stage build to run');
      await h.client.workflow.getHandle(handle.workflowId).signal('abort', 'golden: abort the run');
    },
  },
  {
    // A batch of allRemoteJobs: three children, two at a time, one of them failing.
    name: 'remote-job-batch',
    start: async (h, workflowId) => {
      const spec = (job: string, n: string) => ({ id: `${workflowId}/${n}`, options: { job, remoteJenkinsUrl: h.emulator.url, pollInterval: 1 } });
      await h.client.workflow.start('remoteJobBatch', {
        taskQueue: h.taskQueue,
        workflowId,
        args: [{ specs: [spec('plain', '0'), spec('fails', '1'), spec('plain', '2')], concurrency: 2, failFast: false }],
      });
    },
  },
  {
    // preventRemoteBuildQueue: waitUntilJobIdle finds the job building and waits before the POST.
    name: 'prevent-queue-waits',
    options: { job: 'idle-wait', parameters: { P: 'after' }, preventRemoteBuildQueue: true },
    prepare: async (h) => {
      await h.emulatorPost('/job/idle-wait/buildWithParameters?delay=0', 'P=holder&EMULATOR_SCRIPT=hold3');
    },
    drive: async (handle, h) => {
      await handle.result();
      // The idle check polled (the queue) more than once before the trigger POST: it waited.
      const post = h.emulator.requests({ method: 'POST', pathPrefix: '/job/idle-wait/buildWithParameters' }).find((r) => r.body.includes('P=after'));
      const checks = h.emulator.requests({ method: 'GET', pathPrefix: '/queue/api/json' }).filter((r) => post && r.seq < post.seq);
      if (checks.length < 2) throw new Error(`prevent-queue-waits: ${checks.length} idle checks before the POST; the trigger did not wait`);
    },
  },
  {
    // The trigger POST's answer is lost; the retry finds the build already started, so
    // triggerBuild returns it and awaitBuildStart is skipped.
    name: 'trigger-recovered-build',
    options: { job: 'recover', parameters: { P: 'lost-answer' } },
    prepare: async (h) => {
      h.emulator.addFault({ kind: 'acceptThenDrop', method: 'POST', path: '/job/recover/buildWithParameters', times: 1 });
    },
    drive: async (handle, h) => {
      await handle.result();
      const [trigger] = await activityOutcomes(h.client, handle.workflowId, 'triggerBuild');
      const awaited = await activityOutcomes(h.client, handle.workflowId, 'awaitBuildStart');
      if (!trigger || trigger.attempts < 2 || (trigger.result as { recovered?: string }).recovered !== 'build' || awaited.length > 0) {
        throw new Error(`trigger-recovered-build: triggerBuild ${JSON.stringify(trigger)}, awaitBuildStart ran ${awaited.length} times`);
      }
    },
  },
  // Recorded with the wait hub (docs/design.md §16): the worker reports its heartbeat timeout in
  // the job facts, so the waits are scheduled with it and TRY_CANCEL.
  { name: 'hub-success-console', options: { job: 'ok', parameters: { P: 'hub' }, enhancedLogging: true } },
  {
    name: 'hub-abort-running-signal',
    options: { job: 'long', parameters: { P: 'hub-signal' } },
    drive: signalWhenRunning,
  },
  {
    name: 'hub-cancel-abort-triggered-job',
    options: { job: 'long', parameters: { P: 'hub-cancel' }, abortTriggeredJob: true },
    drive: cancelWhenRunning,
  },
  {
    name: 'hub-prevent-queue-waits',
    options: { job: 'idle-wait', parameters: { P: 'hub-after' }, preventRemoteBuildQueue: true },
    prepare: async (h) => {
      await h.emulatorPost('/job/idle-wait/buildWithParameters?delay=0', 'P=hub-holder&EMULATOR_SCRIPT=hold3');
    },
  },
  // The patched path: upserts of the search attributes as the state changes.
  { name: 'search-attributes', options: { job: 'ok', parameters: { P: 'sa' }, enhancedLogging: true }, searchAttributes: true },
];
