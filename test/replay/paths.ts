import type { EmulatorScenario } from '../../src/emulator/index.js';
import type { RemoteJobHandle } from '../../src/handle.js';
import type { StepOptionsInput } from '../../src/options/step-options.js';
import type { Harness, eventually as Eventually } from '../helpers/harness.js';

/** The scenario and the paths through the workflow whose histories are kept as golden files. */
export const GOLDEN_SCENARIO: EmulatorScenario = {
  jobs: [
    { name: 'ok', parameters: [{ name: 'P' }], build: { durationMs: 1500, consoleLines: 3 } },
    { name: 'plain', build: { durationMs: 300 } },
    { name: 'fails', build: { durationMs: 300, result: 'FAILURE' } },
    { name: 'long', parameters: [{ name: 'P' }], concurrentBuild: true, build: { durationMs: 120_000 } },
    { name: 'blocked', parameters: [{ name: 'P' }], build: { durationMs: 300 } },
    { name: 'closed', disabled: true },
  ],
  scripts: { hold: { durationMs: 120_000 } },
};

type Drive = (handle: RemoteJobHandle, h: Harness, eventually: typeof Eventually) => Promise<void>;

const whenRunning: Drive = async (handle, _h, eventually) => {
  await eventually(async () => (await handle.state()).status === 'RUNNING', 'RUNNING');
};

export const GOLDEN_PATHS: Array<{
  name: string;
  options: StepOptionsInput;
  prepare?: (h: Harness) => Promise<void>;
  drive?: Drive;
  /** Recorded on a dev server with the trigger's search attributes registered (docs/design.md §3.5). */
  searchAttributes?: boolean;
}> = [
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
    drive: async (handle, h, eventually) => {
      await whenRunning(handle, h, eventually);
      await handle.requestAbort('golden: signal');
    },
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
    drive: async (handle, h, eventually) => {
      await whenRunning(handle, h, eventually);
      await h.client.workflow.getHandle(handle.workflowId).cancel();
    },
  },
  { name: 'timeout', options: { job: 'long', parameters: { P: 'timeout' }, timeout: 3, abortTriggeredJob: true } },
  // The patched path: upserts of the search attributes as the state changes.
  { name: 'search-attributes', options: { job: 'ok', parameters: { P: 'sa' }, enhancedLogging: true }, searchAttributes: true },
];
