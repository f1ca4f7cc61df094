import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@temporalio/client';
import { getTriggerHandle, RemoteTriggerError, triggerRemoteJob } from '../../src/client.js';
import { Harness } from '../support/harness.js';
import { eventually } from '../support/wait.js';

/** The library: triggerRemoteJob and the handle's methods (docs/plugin-compat.md §12, quirks fixed). */
describe('library: triggerRemoteJob and its handle', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({
      scenario: {
        jobs: [
          {
            name: 'team/app',
            parameters: [{ name: 'V' }],
            build: { durationMs: 1500, artifacts: { 'build-results.json': '{"tests":7,"urlToTestResults":"http://r/x"}', 'list.json': '[1,2,3]', 'notes.txt': 'not json' } },
          },
          { name: 'bad', build: { durationMs: 300, result: 'FAILURE' } },
        ],
      },
    });
  });
  after(() => h?.teardown());

  const ctx = () => ({ client: h.client, taskQueue: h.taskQueue, config: h.config });

  test('blocking trigger returns a finished handle whose getters match the remote build', async () => {
    const handle = await triggerRemoteJob({ job: 'team/app', remoteJenkinsUrl: h.emulator.url, parameters: { V: '1' }, pollInterval: 1 }, ctx());
    assert.equal(await handle.getBuildStatus(), 'FINISHED');
    assert.equal(await handle.getBuildResult(), 'SUCCESS');
    assert.equal(await handle.isFinished(), true);
    assert.equal(await handle.isQueued(), false);
    const n = await handle.getBuildNumber();
    assert.equal(n, h.emulator.builds('team/app').at(-1)!.number);
    assert.equal(await handle.getBuildUrl(), `${h.emulator.url}/job/team/job/app/${n}/`);
    assert.equal(await handle.getQueueId(), h.emulator.builds('team/app').at(-1)!.queueId);
    // Plugin quirk 5 fixed: each name getter returns its own field.
    assert.equal(await handle.getJobName(), 'app');
    assert.equal(await handle.getJobFullName(), 'team/app');
    assert.equal(await handle.getJobFullDisplayName(), 'team » app');
    assert.equal(await handle.getJobUrl(), `${h.emulator.url}/job/team/job/app`);
    assert.equal(handle.getConfiguredJobNameOrUrl(), 'team/app');
    assert.equal(
      handle.toString(),
      `Handle [job=team/app, remoteServerURL=${h.emulator.url}, queueId=${await handle.getQueueId()}, status=FINISHED, result=SUCCESS, buildNumber=${n}, buildUrl=${h.emulator.url}/job/team/job/app/${n}/]`,
    );
    assert.deepEqual(await handle.getBuildInfo(), { status: 'FINISHED', result: 'SUCCESS', queueId: await handle.getQueueId(), buildNumber: n, buildUrl: await handle.getBuildUrl() });
  });

  test('readJsonFileFromBuildArchive goes through the worker; objects, arrays, missing and non-JSON files', async () => {
    const handle = await triggerRemoteJob({ job: 'team/app', remoteJenkinsUrl: h.emulator.url, parameters: { V: '2' }, pollInterval: 1 }, ctx());
    assert.deepEqual(await handle.readJsonFileFromBuildArchive('build-results.json'), { tests: 7, urlToTestResults: 'http://r/x' });
    assert.deepEqual(await handle.readJsonFileFromBuildArchive('list.json'), [1, 2, 3]); // the plugin crashed on arrays
    assert.equal(await handle.readJsonFileFromBuildArchive(''), null);
    await assert.rejects(handle.readJsonFileFromBuildArchive('missing.json'), (e: unknown) => e instanceof RemoteTriggerError && e.type === 'ArtifactNotFound');
    await assert.rejects(handle.readJsonFileFromBuildArchive('notes.txt'), (e: unknown) => e instanceof RemoteTriggerError && e.type === 'ArtifactNotJson');
    assert.match(handle.lastLog(), /read build-results\.json/);
    assert.equal(handle.lastLog(), '', 'lastLog clears the buffer');
  });

  test('non-blocking trigger returns once accepted; updateBuildStatusBlocking waits (no busy loop) until FINISHED', async () => {
    // The caller's client counts the calls that read a trigger's state (describe, query).
    let reads = 0;
    const counting = new Client({
      connection: h.client.connection,
      interceptors: { workflow: [{ describe: (input, next) => (reads++, next(input)), query: (input, next) => (reads++, next(input)) }] },
    });
    const handle = await triggerRemoteJob({ job: 'team/app', remoteJenkinsUrl: h.emulator.url, parameters: { V: '3' }, pollInterval: 1, blockBuildUntilComplete: false }, { ...ctx(), client: counting });
    assert.ok(['QUEUED', 'RUNNING'].includes(await handle.getBuildStatus()));
    await eventually(() => h.emulator.builds('team/app').some((b) => b.parameters.V === '3' && b.building), 'the build to run');
    // The build is held running (the emulator's clock stands still) while the caller waits, for
    // four polls of the build by the workflow: a caller that polled the trigger would have by now.
    const buildPolls = () => h.emulator.requests({ method: 'GET' }).filter((r) => /^\/job\/team\/job\/app\/\d+\//.test(r.path)).length;
    const before = h.emulator.requests().length;
    const readsBefore = reads;
    let waiting: Promise<string>;
    h.emulator.clock.pause();
    try {
      waiting = handle.updateBuildStatusBlocking();
      const polled = buildPolls();
      await eventually(() => buildPolls() >= polled + 4, 'four polls of the held build by the workflow');
    } finally {
      h.emulator.clock.resume();
    }
    assert.equal(await waiting, 'FINISHED');
    const during = reads - readsBefore;
    assert.ok(during <= 3, `${during} state reads (describe/query) while the caller waited: a busy loop`);
    // The workflow polls at pollInterval; the caller's wait itself sends nothing to Jenkins.
    const requests = h.emulator.requests().length - before;
    assert.ok(requests < 20, `${requests} requests while waiting`);
    assert.equal(await handle.updateBuildStatus(), 'FINISHED');
  });

  test('updateBuildStatusBlocking fails fast on a NOT_TRIGGERED handle (the plugin looped forever)', async () => {
    const handle = await triggerRemoteJob({ job: 'team/app', remoteJenkinsUrl: h.emulator.url, disabled: true }, ctx());
    assert.equal(await handle.getBuildStatus(), 'NOT_TRIGGERED');
    await assert.rejects(handle.updateBuildStatusBlocking(), /NOT_TRIGGERED/);
  });

  test('a failed remote build throws RemoteTriggerError carrying the state and the handle', async () => {
    await assert.rejects(triggerRemoteJob({ job: 'bad', remoteJenkinsUrl: h.emulator.url, pollInterval: 1 }, { ...ctx(), id: 'lib-bad' }), (e: unknown) => {
      assert.ok(e instanceof RemoteTriggerError);
      assert.equal(e.type, 'RemoteBuildFailed');
      assert.equal(e.state?.result, 'FAILURE');
      assert.equal((e as RemoteTriggerError & { handle?: { workflowId: string } }).handle?.workflowId, 'lib-bad');
      return true;
    });
    const again = await getTriggerHandle('lib-bad', ctx());
    assert.equal(await again.getBuildResult(), 'FAILURE');
  });

  test('invalid options throw OptionsError and start nothing', async () => {
    const before = h.emulator.requests().length;
    await assert.rejects(triggerRemoteJob({ job: '' }, ctx()), (e: unknown) => (e as Error).name === 'OptionsError' && /'job'/.test((e as Error).message));
    assert.equal(h.emulator.requests().length, before);
  });
});
