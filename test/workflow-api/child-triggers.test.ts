import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { RemoteJobHandle } from '../../src/handle.js';
import { TRIGGER_WORKER_OPTIONS, createRemoteTriggerActivities } from '../../src/worker-api.js';
import { stateQuery } from '../../src/workflows/messages.js';
import type { TriggerState } from '../../src/workflows/state.js';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';
import { orchestrationBundle } from '../support/workflows.js';

/**
 * remote-trigger/workflow against the dev server and the emulator: a user's workflow
 * (test/fixtures/workflows/orchestration.ts) runs triggers as child workflows.
 * - "own worker": one worker runs the user's workflows, ours, and our activities;
 * - "separate worker": the user's worker runs only its workflows; the children go to the task
 *   queue of a remote-trigger worker (the harness' worker).
 */

describe('workflow-side triggers (child workflows)', () => {
  let h: Harness;
  let ownQueue: string;
  let userQueue: string;
  const workers: Array<{ worker: Worker; running: Promise<void> }> = [];

  before(async () => {
    h = await Harness.start({
      scenario: {
        executors: 10,
        jobs: [
          { name: 'build-a', parameters: [{ name: 'REV' }], build: { durationMs: 800, artifacts: { 'out.json': '{"ok":true}' } } },
          { name: 'build-b', parameters: [{ name: 'REV' }], build: { durationMs: 800 } },
          { name: 'deploy', parameters: [{ name: 'UPSTREAM' }], build: { durationMs: 300 } },
          { name: 'long', parameters: [{ name: 'N' }], concurrentBuild: true, build: { durationMs: 300_000 } },
          { name: 'plain', build: { durationMs: 200 } },
        ],
      },
      // The parent workflows name the host; only the worker knows its address.
      config: (url) => ({ remoteHosts: [{ name: 'emu', url }] }),
    });
    const workflowBundle = await orchestrationBundle();
    ownQueue = `${h.taskQueue}-own`;
    userQueue = `${h.taskQueue}-user`;
    // Way 1: the user's worker runs everything, with our activities and its own configuration.
    const own = await Worker.create({
      connection: h.env.nativeConnection,
      taskQueue: ownQueue,
      workflowBundle,
      activities: createRemoteTriggerActivities({ config: h.config, consoleDir: h.consoleDir }),
      ...TRIGGER_WORKER_OPTIONS,
    });
    // Way 2: the user's worker has no activities of ours; children run on the harness' worker.
    const user = await Worker.create({ connection: h.env.nativeConnection, taskQueue: userQueue, workflowBundle });
    for (const worker of [own, user]) workers.push({ worker, running: worker.run() });
  });
  after(async () => {
    for (const w of workers) {
      w.worker.shutdown();
      await w.running;
    }
    await h?.teardown();
  });

  for (const way of ['own worker', 'separate worker'] as const) {
    test(`${way}: two children in parallel, then one using the first one's build number`, async () => {
      const queue = way === 'own worker' ? ownQueue : userQueue;
      const id = `train-${way.replace(' ', '-')}`;
      const out = (await h.client.workflow.execute('releaseTrain', {
        taskQueue: queue,
        workflowId: id,
        args: [{ host: 'emu', taskQueue: way === 'own worker' ? undefined : h.taskQueue }],
      })) as { a: TriggerState; b: TriggerState; c: TriggerState };
      for (const s of [out.a, out.b, out.c]) {
        assert.equal(s.status, 'FINISHED');
        assert.equal(s.result, 'SUCCESS');
      }
      const deploy = h.emulator.builds('deploy').find((b) => b.number === out.c.buildNumber);
      assert.equal(deploy?.parameters.UPSTREAM, String(out.a.buildNumber));
      assert.equal(h.emulator.builds('build-a').find((b) => b.number === out.a.buildNumber)?.parameters.REV, 'r1');
      // a and b ran in parallel: both were started before either finished (history order).
      const events = (await h.client.workflow.getHandle(id).fetchHistory()).events ?? [];
      const kinds = events.map((e) => (e.startChildWorkflowExecutionInitiatedEventAttributes ? 'start' : e.childWorkflowExecutionCompletedEventAttributes ? 'done' : null)).filter(Boolean);
      assert.deepEqual(kinds.slice(0, 3), ['start', 'start', 'done']);
      // The children ran where they were sent, and are triggers like any other: handle, query.
      const child = await h.client.workflow.getHandle(`${id}/a`).describe();
      assert.equal(child.taskQueue, way === 'own worker' ? ownQueue : h.taskQueue);
      assert.equal(child.type, 'remoteJob');
      const handle = new RemoteJobHandle(h.client, `${id}/a`);
      assert.equal(await handle.getBuildNumber(), out.a.buildNumber);
      assert.equal(await handle.getJobUrl(), `${h.emulator.url}/job/build-a`);
      // Its input is what the worker resolved from the options (the CLI's wait and artifact read it).
      const input = await handle.input();
      assert.equal(input.target.hostName, 'emu');
      assert.deepEqual(input.parameters, [['REV', 'r1']]);
      assert.deepEqual(await handle.readJsonFileFromBuildArchive('out.json'), { ok: true });
    });
  }

  test('cancelling the parent cancels its children: builds with abortTriggeredJob are aborted, the other runs on', async () => {
    const id = 'cancel-parent';
    const parent = await h.client.workflow.start('longBuilds', { taskQueue: userQueue, workflowId: id, args: [{ host: 'emu', taskQueue: h.taskQueue }] });
    const running = (child: string) =>
      eventually(async () => ((await h.client.workflow.getHandle(child).query(stateQuery)).status === 'RUNNING' ? true : null), `${child} to run`);
    await Promise.all(['x', 'y', 'z'].map((n) => running(`${id}/${n}`)));
    // Open children count as open triggers for the local service's idle stop.
    const { OPEN_TRIGGERS_QUERY } = await import('../../src/service.js');
    assert.ok((await h.client.workflow.count(OPEN_TRIGGERS_QUERY)).count >= 3);
    await parent.cancel();
    await assert.rejects(parent.result(), (e: unknown) => e instanceof WorkflowFailedError && /cancel/i.test(String(e.cause?.message ?? e.message)));
    const build = (n: string) => h.emulator.builds('long').find((b) => b.parameters.N === n);
    for (const n of ['x', 'y', 'z']) {
      await eventually(async () => (await h.client.workflow.getHandle(`${id}/${n}`).describe()).status.name === 'CANCELLED', `child ${n} to be cancelled`);
    }
    assert.equal(build('x')?.result, 'ABORTED');
    assert.equal(build('y')?.result, 'ABORTED');
    assert.equal(build('z')?.building, true, 'no abortTriggeredJob: the remote build is left running');
    const stops = h.emulator.requests({ method: 'POST' }).filter((r) => r.path.startsWith('/job/long/') && r.path.endsWith('/stop'));
    assert.equal(stops.length, 2);
  });

  test("startRemoteJob's handle: abort(reason) stops the build and returns the final state", async () => {
    const id = 'abort-one';
    const parent = await h.client.workflow.start('abortOne', { taskQueue: ownQueue, workflowId: id, args: [{ host: 'emu' }] });
    await eventually(async () => ((await h.client.workflow.getHandle(`${id}/job`).query(stateQuery)).status === 'RUNNING' ? true : null), 'the build to run');
    await parent.signal('abortNow');
    const s = (await parent.result()) as TriggerState;
    assert.equal(s.result, 'ABORTED');
    assert.deepEqual(s.abort, { reason: 'the parent changed its mind', by: 'signal' });
    assert.equal(h.emulator.builds('long').find((b) => b.parameters.N === 'abort-one')?.result, 'ABORTED');
  });

  test('invalid options fail the parent at once, naming the field; nothing is started', async () => {
    const before = h.emulator.requests().length;
    const err = await h.client.workflow
      .execute('withOptions', { taskQueue: ownQueue, workflowId: 'bad-options', args: [{ host: 'emu', options: { job: 'plain', pollInterval: 'often' } }] })
      .then(() => null, (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError);
    assert.match(String(err.cause?.message), /^options\.pollInterval: /);
    assert.equal((err.cause as { type?: string }).type, 'InvalidOptions');
    const events = (await h.client.workflow.getHandle('bad-options').fetchHistory()).events ?? [];
    assert.equal(events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes).length, 0);
    assert.equal(h.emulator.requests().length, before);
  });

  test('options that read a local file are refused in the workflow (parameterFile, a parameters path, fileParameters)', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ job: 'plain', parameterFile: 'params.txt' }, 'options.parameterFile'],
      [{ job: 'plain', parameters: 'params.txt' }, 'options.parameters'],
      [{ job: 'plain', fileParameters: { F: 'a.bin' } }, 'options.fileParameters.F'],
    ];
    for (const [options, field] of cases) {
      const err = await h.client.workflow.execute('withOptions', { taskQueue: ownQueue, workflowId: `local-${field}`, args: [{ host: 'emu', options }] }).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof WorkflowFailedError, field);
      assert.match(String(err.cause?.message), new RegExp(`^${field.replace(/\./g, '\\.')}: reads a local file`));
    }
  });

  test('the worker resolves the options: a child started directly with a file option is refused there too', async () => {
    // Anyone can start a remoteJob on the task queue: the child and the worker check again.
    const err = await h.client.workflow
      .execute('remoteJob', { taskQueue: h.taskQueue, workflowId: 'direct-file', args: [{ triggerId: 'direct-file', options: { job: 'plain', remoteJenkinsName: 'emu', parameterFile: '/etc/passwd' } }] })
      .then(() => null, (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError);
    assert.equal((err.cause as { type?: string }).type, 'InvalidOptions');
    // An unknown host name is the worker's business: it says which (after its bounded retries).
    const unknown = await h.client.workflow
      .execute('remoteJob', { taskQueue: h.taskQueue, workflowId: 'direct-unknown', args: [{ triggerId: 'direct-unknown', options: { job: 'plain', remoteJenkinsName: 'nope' } }] })
      .then(() => null, (e: unknown) => e);
    assert.ok(unknown instanceof WorkflowFailedError);
    assert.equal((unknown.cause as { type?: string }).type, 'WorkerMisconfigured');
    assert.match(String(unknown.cause?.message), /remote host with ID 'nope'/);
    // The worker's trust rules apply to children as to any trigger: no variable it does not allow.
    const before = h.emulator.requests().length;
    const refused = await h.client.workflow
      .execute('withOptions', { taskQueue: ownQueue, workflowId: 'refused-env', args: [{ host: 'emu', options: { job: 'plain', auth: { type: 'TokenAuth', userName: 'u', apiTokenEnv: 'HOME' } } }] })
      .then(() => null, (e: unknown) => e);
    assert.ok(refused instanceof WorkflowFailedError);
    assert.equal((refused.cause as { type?: string }).type, 'TargetRefused');
    assert.match(String(refused.cause?.message), /secretEnvAllow/);
    assert.equal(h.emulator.requests().length, before, 'nothing was sent');
  });

  test('a failed remote build throws a typed failure in the parent, with the state', async () => {
    h.emulator.setJob({ name: 'breaks', build: { durationMs: 200, result: 'FAILURE' } });
    const err = await h.client.workflow
      .execute('withOptions', { taskQueue: ownQueue, workflowId: 'fails', args: [{ host: 'emu', options: { job: 'breaks', pollInterval: 1 } }] })
      .then(() => null, (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError);
    const cause = err.cause as { type?: string; details?: unknown[]; message: string };
    assert.equal(cause.type, 'RemoteBuildFailed');
    assert.equal((cause.details?.[0] as TriggerState).result, 'FAILURE');
    // shouldNotFailBuild: the state comes back instead.
    const s = (await h.client.workflow.execute('withOptions', { taskQueue: ownQueue, workflowId: 'tolerated', args: [{ host: 'emu', options: { job: 'breaks', pollInterval: 1, shouldNotFailBuild: true } }] })) as TriggerState;
    assert.equal(s.result, 'FAILURE');
    assert.equal(s.passed, false);
  });
});
