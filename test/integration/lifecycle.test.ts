import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RemoteTriggerError } from '../../src/handle.js';
import type { BuildStatus } from '../../src/workflows/state.js';
import { Harness } from '../support/harness.js';
import { eventually, sleep } from '../support/wait.js';

/** The trigger's life cycle against the emulator over real HTTP and a real dev server. */
describe('trigger life cycle', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start({
      scenario: {
        jobs: [
          // A quiet period keeps the item QUEUED long enough to be observed.
          { name: 'slow-start', parameters: [{ name: 'BRANCH', default: 'main' }], quietPeriodMs: 2500, build: { durationMs: 2500, consoleLines: 3 } },
          { name: 'plain', build: { durationMs: 300 } },
          { name: 'folder/sub/My Job', parameters: [{ name: 'X' }], build: { durationMs: 300 } },
          { name: 'fails', build: { durationMs: 300, result: 'FAILURE' } },
          { name: 'unstable', build: { durationMs: 300, result: 'UNSTABLE' } },
          { name: 'disabled-job', disabled: true },
          { name: 'upload', parameters: [{ name: 'CONFIG', type: 'file' }, { name: 'X' }], build: { durationMs: 300 } },
        ],
      },
    });
  });
  after(() => h?.teardown());

  test('NOT_TRIGGERED → QUEUED → RUNNING → FINISHED, observed through the state query', async () => {
    const handle = await h.start({ job: 'slow-start', parameters: { BRANCH: 'feature/x' } });
    const seen: BuildStatus[] = [];
    for (;;) {
      const s = await handle.state();
      if (seen.at(-1) !== s.status) seen.push(s.status);
      if (s.status === 'FINISHED') break;
      await sleep(100);
    }
    assert.deepEqual(seen.filter((x) => x !== 'NOT_TRIGGERED'), ['QUEUED', 'RUNNING', 'FINISHED']);
    const final = await handle.result();
    assert.equal(final.result, 'SUCCESS');
    assert.equal(final.passed, true);
    assert.equal(final.buildNumber, 1);
    assert.equal(final.buildUrl, `${h.emulator.url}/job/slow-start/1/`);
    assert.equal(final.jobName, 'slow-start');
    assert.ok(final.queueId && final.queueId > 0);
    const builds = h.emulator.builds('slow-start');
    assert.equal(builds.length, 1);
    assert.equal(builds[0]!.parameters.BRANCH, 'feature/x');
    assert.equal(builds[0]!.queueId, final.queueId);
  });

  test('a plain job is triggered through /build, parameters through /buildWithParameters', async () => {
    const plain = await (await h.start({ job: 'plain' })).result();
    assert.equal(plain.result, 'SUCCESS');
    assert.equal(plain.parameterized, false);
    const folder = await (await h.start({ job: 'folder/sub/My Job', parameters: 'X=a=b\n# comment\n' })).result();
    assert.equal(folder.jobUrl, `${h.emulator.url}/job/folder/job/sub/job/My%20Job`);
    assert.equal(folder.jobFullName, 'folder/sub/My Job');
    const posts = h.emulator.requests({ method: 'POST' }).map((r) => r.path);
    assert.ok(posts.includes('/job/plain/build'), posts.join(', '));
    assert.ok(posts.includes('/job/folder/job/sub/job/My%20Job/buildWithParameters'), posts.join(', '));
    assert.equal(h.emulator.builds('folder/sub/My Job')[0]!.parameters.X, 'a=b');
  });

  test('a failed remote build fails the trigger; UNSTABLE passes', async () => {
    const failing = await h.start({ job: 'fails' });
    await assert.rejects(failing.result(), (e: unknown) => {
      assert.ok(e instanceof RemoteTriggerError);
      assert.equal(e.type, 'RemoteBuildFailed');
      assert.equal(e.state?.result, 'FAILURE');
      assert.equal(e.state?.status, 'FINISHED');
      return true;
    });
    const unstable = await (await h.start({ job: 'unstable' })).result();
    assert.equal(unstable.result, 'UNSTABLE');
    assert.equal(unstable.passed, true);
  });

  test('shouldNotFailBuild: a failed remote build and a rejected trigger both come back without failing', async () => {
    const failing = await (await h.start({ job: 'fails', shouldNotFailBuild: true })).result();
    assert.equal(failing.result, 'FAILURE');
    assert.equal(failing.passed, false);
    const rejected = await (await h.start({ job: 'disabled-job', shouldNotFailBuild: true })).result();
    assert.equal(rejected.status, 'NOT_TRIGGERED');
    assert.equal(rejected.error?.type, 'JenkinsRejected');
    assert.match(rejected.error!.message, /409/);
  });

  test('without shouldNotFailBuild a rejected trigger fails with Jenkins\' status and message, not "max retries"', async () => {
    const h409 = await h.start({ job: 'disabled-job' });
    await assert.rejects(h409.result(), (e: unknown) => {
      assert.ok(e instanceof RemoteTriggerError);
      assert.equal(e.type, 'JenkinsRejected');
      assert.match(e.message, /409/);
      assert.match(e.message, /not buildable/);
      assert.doesNotMatch(e.message, /retries/i);
      return true;
    });
    const missing = await h.start({ job: 'no-such-job' });
    await assert.rejects(missing.result(), /404/);
    // One metadata GET each: a 404 is not retried blindly.
    assert.equal(h.emulator.requests({ pathPrefix: '/job/no-such-job' }).length, 1);
  });

  test('disabled returns a NOT_TRIGGERED handle and sends nothing', async () => {
    h.emulator.clearRequests();
    const s = await (await h.start({ job: 'plain', disabled: true })).result();
    assert.equal(s.status, 'NOT_TRIGGERED');
    assert.equal(s.result, 'NOT_BUILT');
    assert.equal(h.emulator.requests().length, 0);
  });

  test('a non-blocking trigger keeps being tracked: the handle reaches FINISHED by itself', async () => {
    const handle = await h.start({ job: 'plain', blockBuildUntilComplete: false });
    const done = await eventually(async () => ((await handle.isFinished()) ? handle.state() : null), 'non-blocking trigger to finish');
    assert.equal(done.result, 'SUCCESS');
  });

  test('file parameters are uploaded as multipart/form-data; a job without that file parameter is refused before the POST', async () => {
    const file = path.join(h.tmp, 'app.properties');
    await writeFile(file, 'key=value\nünïcode=✓\n');
    const s = await (await h.start({ job: 'upload', parameters: { X: 'plain' }, fileParameters: { CONFIG: 'app.properties' } })).result();
    assert.equal(s.result, 'SUCCESS');
    const build = h.emulator.builds('upload').find((b) => b.number === s.buildNumber)!;
    assert.equal(build.parameters.CONFIG, 'key=value\nünïcode=✓\n');
    assert.equal(build.parameters.X, 'plain');
    const post = h.emulator.requests({ method: 'POST' }).filter((r) => r.path === '/job/upload/buildWithParameters').at(-1)!;
    assert.match(post.headers['content-type'] ?? '', /^multipart\/form-data/);

    const before = h.emulator.requests({ method: 'POST' }).length;
    const wrong = await h.start({ job: 'slow-start', fileParameters: { CONFIG: 'app.properties' } });
    await assert.rejects(wrong.result(), /defines no file parameter 'CONFIG'/);
    assert.equal(h.emulator.requests({ method: 'POST' }).length, before);
  });
});
