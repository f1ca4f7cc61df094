import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RemoteTriggerError } from '../../src/handle.js';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';

/** Abort while queued, while running, by signal and by Temporal cancellation (docs/plugin-compat.md §11). */
describe('abort', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({
      scenario: {
        jobs: [
          // No concurrent builds: while the 'blocker' build runs, the next item stays Blocked in the queue.
          { name: 'waits', parameters: [{ name: 'N' }], build: { durationMs: 500 } },
          { name: 'long', parameters: [{ name: 'N' }], concurrentBuild: true, build: { durationMs: 120_000, consoleLines: 60 } },
          { name: 'short', build: { durationMs: 300 } },
        ],
        scripts: { blocker: { durationMs: 600_000 } },
      },
    });
  });
  after(() => h?.teardown());

  const running = (handle: { state(): Promise<{ status: string }> }) =>
    eventually(async () => (await handle.state()).status === 'RUNNING', 'the remote build to start');

  test('abort while queued cancels the queue item, and the update returns once it is done', async () => {
    // Occupy the job (the plugin always sends delay=0, so only a running build keeps an item queued).
    const blocker = await h.emulatorPost('/job/waits/buildWithParameters?delay=0', 'N=blocker&EMULATOR_SCRIPT=blocker');
    assert.equal(blocker.status, 201);
    await eventually(() => h.emulator.builds('waits').some((b) => b.building), 'the blocker build to run');
    const handle = await h.start({ job: 'waits', parameters: { N: 'q1' } });
    await eventually(async () => (await handle.state()).status === 'QUEUED', 'the trigger to be queued');
    assert.equal(h.emulator.queueItems().find((q) => q.id === (handle.lastKnownState?.queueId ?? -1))?.state, 'blocked');
    // The queue watcher's heartbeat says why it waits (what the CLI prints as progress).
    const progress = await eventually(async () => ((await handle.progress())?.details?.why ? handle.progress() : null), 'the watcher to report why');
    assert.equal(progress.activity, 'awaitBuildStart');
    assert.equal(progress.details?.state, 'blocked');
    assert.match(String(progress.details?.why), /Build #\d+ is already in progress/);
    const s = await handle.abort('test: abort while queued');
    assert.equal(s.status, 'FINISHED');
    assert.equal(s.result, 'NOT_BUILT');
    assert.deepEqual(s.abort, { reason: 'test: abort while queued', by: 'update' });
    const cancels = h.emulator.requests({ method: 'POST', pathPrefix: '/queue/cancelItem' });
    assert.equal(cancels.length, 1);
    assert.equal(cancels[0]!.query.id, String(s.queueId));
    assert.equal(cancels[0]!.status, 204);
    assert.equal(h.emulator.builds('waits').filter((b) => b.parameters.N === 'q1').length, 0);
    assert.equal(h.emulator.queueItems().find((q) => q.id === s.queueId)?.state, 'cancelled');
    // An aborted trigger did not pass: its result is a failure with the state attached.
    await assert.rejects(handle.result(), (e: unknown) => e instanceof RemoteTriggerError && e.state?.abort?.by === 'update');
  });

  test('abort while running stops the build, which ends ABORTED', async () => {
    const handle = await h.start({ job: 'long', parameters: { N: 'r1' } });
    await running(handle);
    const s = await handle.abort('test: abort while running');
    assert.equal(s.status, 'FINISHED');
    assert.equal(s.result, 'ABORTED');
    const stops = h.emulator.requests({ method: 'POST' }).filter((r) => r.path === `/job/long/${s.buildNumber}/stop`);
    assert.equal(stops.length, 1);
    assert.equal(h.emulator.builds('long').find((b) => b.number === s.buildNumber)?.result, 'ABORTED');
  });

  test('abort by signal works the same, without waiting', async () => {
    const handle = await h.start({ job: 'long', parameters: { N: 'r2' } });
    await running(handle);
    await handle.requestAbort('test: signal');
    const s = await handle.result({ throwOnFailure: false });
    assert.equal(s.result, 'ABORTED');
    assert.equal(s.abort?.by, 'signal');
  });

  test('workflow cancellation with abortTriggeredJob stops the remote build', async () => {
    const handle = await h.start({ job: 'long', parameters: { N: 'c1' }, abortTriggeredJob: true });
    await running(handle);
    const buildNumber = (await handle.state()).buildNumber!;
    await h.client.workflow.getHandle(handle.workflowId).cancel();
    await assert.rejects(h.client.workflow.getHandle(handle.workflowId).result(), /cancel/i);
    await eventually(() => h.emulator.builds('long').find((b) => b.number === buildNumber)?.result === 'ABORTED', 'the build to be aborted');
  });

  test('workflow cancellation without abortTriggeredJob leaves the remote build running', async () => {
    const handle = await h.start({ job: 'short', pollInterval: 5 });
    await eventually(async () => (await handle.state()).status !== 'NOT_TRIGGERED', 'the trigger to be accepted');
    await h.client.workflow.getHandle(handle.workflowId).cancel();
    await assert.rejects(h.client.workflow.getHandle(handle.workflowId).result(), /cancel/i);
    const build = await eventually(() => h.emulator.builds('short').find((b) => !b.building), 'the build to finish');
    assert.equal(build.result, 'SUCCESS');
    assert.equal(h.emulator.requests({ method: 'POST' }).filter((r) => r.path.startsWith('/job/short/') && r.path.endsWith('/stop')).length, 0);
    assert.equal(h.emulator.requests({ pathPrefix: '/queue/cancelItem' }).filter((r) => r.query.id === String(build.queueId)).length, 0);
  });

  test('abort of a finished trigger changes nothing', async () => {
    const handle = await h.start({ job: 'short' });
    const done = await handle.result();
    const s = await handle.abort('too late');
    assert.equal(s.result, done.result);
    assert.equal(s.abort, null);
  });
});
