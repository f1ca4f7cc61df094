import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RemoteTriggerError } from '../../src/handle.js';
import type { StepOptionsInput } from '../../src/options/step-options.js';
import type { TriggerState } from '../../src/workflows/state.js';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';

/**
 * The shouldNotFailBuild matrix (docs/plugin-compat.md §10, quirk 11 decided): which failures it turns
 * into a returned state, and which still fail the trigger.
 */
describe('shouldNotFailBuild matrix', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({
      scenario: {
        jobs: [
          { name: 'fails', build: { durationMs: 300, result: 'FAILURE' } },
          { name: 'aborted', build: { durationMs: 300, result: 'ABORTED' } },
          { name: 'not-built', build: { durationMs: 300, result: 'NOT_BUILT' } },
          { name: 'closed', disabled: true },
          { name: 'held', parameters: [{ name: 'P' }], build: { durationMs: 300 } },
          { name: 'long', concurrentBuild: true, parameters: [{ name: 'P' }], build: { durationMs: 60_000 } },
        ],
        scripts: { hold: { durationMs: 600_000 } },
      },
      config: (url) => ({ remoteHosts: [{ name: 'j', url }], secretEnvAllow: ['RT_UNSET_FOR_MATRIX'] }),
    });
  });
  after(() => h?.teardown());

  /** Runs a trigger both ways and returns [with shouldNotFailBuild, without]. */
  async function both(options: StepOptionsInput, drive?: (id: string) => Promise<void>): Promise<[TriggerState | Error, TriggerState | Error]> {
    const out: Array<TriggerState | Error> = [];
    for (const shouldNotFailBuild of [true, false]) {
      const handle = await h.start({ ...options, shouldNotFailBuild });
      await drive?.(handle.workflowId);
      out.push(await handle.result().catch((e: Error) => e));
    }
    return out as [TriggerState | Error, TriggerState | Error];
  }

  const state = (x: TriggerState | Error): TriggerState => {
    assert.ok(!(x instanceof Error), `expected a returned state, got ${x instanceof Error ? x.message : ''}`);
    return x as TriggerState;
  };
  const failure = (x: TriggerState | Error, type: string) => {
    assert.ok(x instanceof RemoteTriggerError, `expected RemoteTriggerError ${type}, got ${JSON.stringify(x)}`);
    assert.equal(x.type, type);
  };

  for (const [job, result] of [['fails', 'FAILURE'], ['aborted', 'ABORTED'], ['not-built', 'NOT_BUILT']] as const) {
    test(`remote result ${result}: returned with the flag, RemoteBuildFailed without`, async () => {
      const [tolerated, failed] = await both({ job });
      assert.equal(state(tolerated).result, result);
      assert.equal(state(tolerated).passed, false);
      failure(failed, 'RemoteBuildFailed');
    });
  }

  test('trigger rejected by Jenkins (409 disabled): NOT_TRIGGERED handle with the flag, JenkinsRejected without', async () => {
    const [tolerated, failed] = await both({ job: 'closed' });
    assert.equal(state(tolerated).status, 'NOT_TRIGGERED');
    assert.equal(state(tolerated).error?.type, 'JenkinsRejected');
    failure(failed, 'JenkinsRejected');
  });

  test('queue item cancelled on the remote side: FINISHED/NOT_BUILT with the flag, QueueItemCancelled without', async () => {
    await h.emulatorPost('/job/held/buildWithParameters?delay=0', 'P=holder&EMULATOR_SCRIPT=hold');
    await eventually(() => h.emulator.builds('held').some((b) => b.building), 'the holder build to run');
    let n = 0;
    const [tolerated, failed] = await both({ job: 'held', parameters: { P: 'x' } }, async (id) => {
      const handle = h.client.workflow.getHandle(id);
      const queued = await eventually(async () => {
        const s = await handle.query('state') as TriggerState;
        return s.status === 'QUEUED' ? s : null;
      }, 'QUEUED');
      // Someone cancels the item in the Jenkins UI.
      await h.emulatorPost(`/queue/cancelItem?id=${queued.queueId}`, '');
      n++;
    });
    assert.equal(n, 2);
    assert.equal(state(tolerated).status, 'FINISHED');
    assert.equal(state(tolerated).result, 'NOT_BUILT');
    assert.equal(state(tolerated).error?.type, 'QueueItemCancelled');
    failure(failed, 'QueueItemCancelled');
  });

  test('an explicit abort: ABORTED returned with the flag, failure without', async () => {
    const [tolerated, failed] = await both({ job: 'long', parameters: { P: 'abort' } }, async (id) => {
      await eventually(async () => ((await h.client.workflow.getHandle(id).query('state')) as TriggerState).status === 'RUNNING', 'RUNNING');
      await h.client.workflow.getHandle(id).signal('abort', 'matrix');
    });
    assert.equal(state(tolerated).result, 'ABORTED');
    failure(failed, 'RemoteBuildFailed');
  });

  test('errors before the trigger always fail: unknown job (404), a secret the worker lacks, a secret it refuses', async () => {
    const [a, b] = await both({ job: 'no-such-job' });
    failure(a, 'JenkinsRejected');
    failure(b, 'JenkinsRejected');
    const [c, d] = await both({ job: 'fails', auth: { type: 'TokenAuth', userName: 'u', apiTokenEnv: 'RT_UNSET_FOR_MATRIX' } });
    failure(c, 'WorkerMisconfigured');
    failure(d, 'WorkerMisconfigured');
    const [e, f] = await both({ job: 'fails', auth: { type: 'TokenAuth', userName: 'u', apiTokenEnv: 'HOME' } });
    failure(e, 'TargetRefused');
    failure(f, 'TargetRefused');
  });

  test('the overall timeout always fails (it is the caller\'s limit, not a remote result)', async () => {
    const [a, b] = await both({ job: 'long', parameters: { P: 'timeout' }, timeout: 2, abortTriggeredJob: true });
    failure(a, 'TriggerTimeout');
    failure(b, 'TriggerTimeout');
  });
});
